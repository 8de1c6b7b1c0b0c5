"""The markdown subset FAQ answers and experts' answers are written in, read into a neutral
form that each adapter renders natively (Slack mrkdwn, Teams TextBlock markdown, plain text
in the console).

The subset: ``**bold**`` / ``__bold__``, ``*italic*`` / ``_italic_``, ```code``` (shown as
text), ``[label](https://…)`` links, ``-``/``*``/``+`` and ``1.`` list items, ``#`` headings
(shown bold) and line breaks; ``\\*`` is a literal star.  Everything else is text, which
adapters escape as usual, so content can bold a word or link to a web page but cannot
mention anyone, ping a channel or forge a link to anything but http(s).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"\\(?P<escaped>[\\`*_{}\[\]()#+\-.!>|~])"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<url>https?://[^)\s]+)\)"
    r"|(?P<bmark>\*\*|__)(?=\S)(?P<bold>.+?)(?<=\S)(?P=bmark)"
    r"|(?P<imark>\*|_)(?=[^\s*_])(?P<italic>.+?)(?<=[^\s*_])(?P=imark)(?!\w)"
    r"|`(?P<code>[^`\n]+)`",
)
_BULLET = re.compile(r"^\s*[-*+]\s+")
_NUMBER = re.compile(r"^\s*(\d{1,3})[.)]\s+")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!>|~])")


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text; ``url`` makes it a link (always http or https)."""

    text: str
    bold: bool = False
    italic: bool = False
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Line:
    spans: tuple[Span, ...]
    bullet: bool = False
    number: int | None = None  # a numbered list item


def parse(markdown: str) -> tuple[Line, ...]:
    """``markdown`` as lines of spans (blank lines kept as empty lines)."""
    lines = []
    for raw in markdown.strip().splitlines():
        bullet, number, bold = False, None, False
        if (match := _NUMBER.match(raw)) is not None:
            number, raw = int(match.group(1)), raw[match.end():]
        elif (match := _BULLET.match(raw)) is not None:
            bullet, raw = True, raw[match.end():]
        elif (match := _HEADING.match(raw)) is not None:
            bold, raw = True, raw[match.end():]
        lines.append(Line(_spans(raw.rstrip(), bold), bullet=bullet, number=number))
    return tuple(lines)


def _spans(text: str, bold: bool) -> tuple[Span, ...]:
    spans: list[Span] = []
    plain: list[str] = []

    def flush() -> None:
        if plain:
            spans.append(Span("".join(plain), bold=bold))
            plain.clear()

    position = 0
    for match in _TOKEN.finditer(text):
        plain.append(text[position:match.start()])
        position = match.end()
        if match.group("escaped") is not None:
            plain.append(match.group("escaped"))
        elif match.group("code") is not None:
            plain.append(match.group("code"))
        else:
            flush()
            if match.group("url") is not None:
                spans.append(Span(_unescape(match.group("label")), bold=bold,
                                  url=match.group("url")))
            elif match.group("bold") is not None:
                spans.append(Span(_unescape(match.group("bold")), bold=True))
            else:
                spans.append(Span(_unescape(match.group("italic")), bold=bold, italic=True))
    plain.append(text[position:])
    flush()
    return tuple(span for span in spans if span.text)


def _unescape(text: str) -> str:
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!>|~])", r"\1", text)


def literal(text: str) -> str:
    """Plain ``text`` written so that :func:`parse` reads it back as it is (e.g. the
    question someone typed, shown above an expert's answer)."""
    return _SPECIAL.sub(r"\\\1", text)


def to_plain(markdown: str) -> str:
    """The subset as plain text: links keep their address, list items get bullets."""
    out = []
    for line in parse(markdown):
        text = "".join(f"{s.text} ({s.url})" if s.url and s.url != s.text else s.text
                       for s in line.spans)
        if line.number is not None:
            text = f"{line.number}. {text}"
        elif line.bullet:
            text = f"• {text}"
        out.append(text)
    return "\n".join(out).strip()
