"""The answers' markdown subset rendered natively on each platform, with the text still
escaped: content can bold a word or link to a web page, never mention anyone, ping a
channel or link to anything but http(s)."""

from __future__ import annotations

from adapters.console.render import render_text
from adapters.slack.convert import fallback_text, to_blocks
from adapters.teams import cards
from bot.markdown import literal, parse, to_plain
from bot.types import Reply

ANSWER = ("Apply through **DARS** with your _IG lead_. See [the guide](https://x.example/g).\n"
          "- first step\n2. second step\n"
          "Not <!channel>, <@U123>, <at>Bo</at> or [evil](javascript:alert(1)); snake_case.")


def test_slack_gets_mrkdwn() -> None:
    [section] = to_blocks(Reply(text=ANSWER, markdown=True))
    text = section["text"]["text"]
    assert "*DARS*" in text and "_IG lead_" in text and "<https://x.example/g|the guide>" in text
    assert "\n• first step\n2. second step\n" in text
    assert "&lt;!channel&gt;" in text and "&lt;@U123&gt;" in text and "<!channel>" not in text
    assert "<javascript" not in text and "[evil](javascript:alert(1))" in text  # as text
    assert "snake_case" in text
    assert "**" not in fallback_text(Reply(text=ANSWER, markdown=True))


def test_teams_gets_textblock_markdown() -> None:
    card = cards.render_card(Reply(title="Q", text=ANSWER, markdown=True))
    lines = [b["text"] for b in card["body"][1:]]
    assert lines[0] == ("Apply through **DARS** with your _IG lead_. See "
                        "[the guide](https://x.example/g).")
    assert lines[1:3] == ["- first step", "2. second step"]
    assert "\\<at\\>Bo\\</at\\>" in lines[3] and "<at>" not in lines[3]
    assert "\\[evil\\](javascript" in lines[3]  # shown as typed, not a link


def test_plain_text_is_never_read_as_markdown() -> None:
    card = cards.render_card(Reply(title="Q", text="**not bold** and [x](https://x.example)"))
    assert card["body"][1]["text"].startswith("\\*\\*not bold\\*\\*")
    [section] = to_blocks(Reply(text="a *b* <https://x.example|x>"))
    assert "&lt;https://x.example|x&gt;" in section["text"]["text"]


def test_console_shows_plain_text_and_a_literal_reads_back_as_typed() -> None:
    assert render_text(Reply(text=ANSWER, markdown=True)).startswith(
        "Apply through DARS with your IG lead. See the guide (https://x.example/g).\n"
        "• first step\n2. second step")
    question = "Is *this* [a link](https://x.example)? 2. maybe"
    assert to_plain(literal(question)) == question
    assert all(span.url is None and not span.bold and not span.italic
               for line in parse(literal(question)) for span in line.spans)
