"""Turning text into search terms: words, stems, and the vocabulary's synonym groups.

An :class:`Analyzer` is pure and deterministic, so the index built from it ranks the same on
SQLite and PostgreSQL.  Words are lower-cased, accents dropped, British and American ``-ise``
/ ``-ize`` spellings folded, stop words removed and the rest stemmed (Snowball English).
Words in capitals are abbreviations (``WHO``, ``US``) and are kept even when their lower-case
form is a stop word.  A word or phrase from a synonym group (``A&E``, ``accident and
emergency``) also yields the group's term, so each finds the other; in a question the group
term replaces the phrase, so that a question is measured by the concepts it asks about.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer  # type: ignore[import-untyped]

# Words: letters/digits, optionally joined by "&" (A&E), optionally ending in "+" (SUS+).
_WORD = re.compile(r"[^\W_]+(?:&[^\W_]+)*\+?")
_SPELLING = re.compile(r"(?<=[a-z]{3})([iy])z(e|ed|es|ing|ation|ations|er|ers)$")

STOP_WORDS = frozenset("""
a about above after again against all also am an and any anybody anyone are aren as at be
because been before being below between both but by can cannot could couldn d did didn do
does doesn doing don down during each either else etc ever every few for from further had
hadn has hasn have haven having he her here hers herself him himself his how i if in into is
isn it its itself just ll m may me might mine more most must mustn my myself need needn no nor
not now of off on once one only or other ought our ours ourselves out over own please re s
same shall shan she should shouldn so some somebody someone something such t than thank thanks
that the their theirs them themselves then there these they this those through to too under
until up upon us ve very was wasn way we were weren what whatever when where whether which
while who whom whose why will with within without won would wouldn y yes yet you your yours
yourself yourselves hi hello hey dear tell know want wondering anyhow thing things really
""".split())


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of a lower-case word, with ``-ize`` spellings folded to ``-ise``."""
    folded = _SPELLING.sub(r"\1s\2", word)
    stemmed: str = _stemmer().stemWord(folded)
    return stemmed


def _plain(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Token(NamedTuple):
    """One word of the text: its lower-case form and its stem, and whether it counts."""

    word: str
    term: str
    capitals: bool

    @property
    def is_stop(self) -> bool:
        return self.word in STOP_WORDS and not self.capitals


def words(text: str) -> list[Token]:
    """The words of ``text`` in order, with their stems (stop words included)."""
    raw = [_word(w) for w in _WORD.findall(_plain(text).replace(" & ", " and "))]
    # A text written in capitals throughout has no abbreviations to tell apart.
    if sum(1 for token in raw if token.capitals) * 2 > len(raw):
        return [token._replace(capitals=False) for token in raw]
    return raw


@lru_cache(maxsize=200_000)
def _word(word: str) -> Token:
    lower = word.lower()
    plain = lower.rstrip("+")
    return Token(lower, stem(plain) if plain.isalpha() else plain,
                 len(word) > 1 and word.isupper())


@dataclass(frozen=True)
class SynonymGroup:
    """Words and phrases that mean the same; ``term`` is the index term they share."""

    names: tuple[str, ...]

    @property
    def term(self) -> str:
        return "~" + self.names[0].lower()


@dataclass
class Analyzer:
    """Text → index terms, knowing a set of synonym groups."""

    groups: Sequence[SynonymGroup] = ()
    # Abbreviations (names written with capitals: "ONS", "A&E") match the word itself, not
    # its stem ("ons" stems to "on"); one that is also a stop word ("ITS") only in capitals.
    _abbreviations: dict[str, tuple[str, bool]] = field(init=False, default_factory=dict)
    # Other names match their stems, stop words included: one-word names here, longer ones
    # by their first stem (longest first), so most words cost one dictionary look-up.
    _single: dict[str, str] = field(init=False, default_factory=dict)
    _phrases: dict[str, list[tuple[tuple[str, ...], str]]] = field(init=False,
                                                                   default_factory=dict)
    # group term -> its longest name, to spell an abbreviation out (see expand()).
    _spelled: dict[str, str] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for group in self.groups:
            longest = max(group.names, key=lambda n: (len(n.split()), len(n)))
            if " " in longest:
                self._spelled[group.term] = longest
            for name in group.names:
                tokens = words(name)
                if len(tokens) == 1 and name != name.lower():
                    word = tokens[0].word
                    self._abbreviations.setdefault(word, (group.term, word in STOP_WORDS))
                elif len(tokens) == 1:
                    self._single.setdefault(tokens[0].term, group.term)
                elif tokens:
                    key = tuple(t.term for t in tokens)
                    self._phrases.setdefault(key[0], []).append((key, group.term))
        for candidates in self._phrases.values():
            candidates.sort(key=lambda item: -len(item[0]))

    def _match(self, tokens: Sequence[Token], start: int) -> tuple[str, int] | None:
        token = tokens[start]
        for key, group in self._phrases.get(token.term, ()):
            end = start + len(key)
            if end <= len(tokens) and all(
                    tokens[i].term == key[i - start] for i in range(start + 1, end)):
                return group, len(key)
        abbreviation = self._abbreviations.get(token.word)
        if abbreviation is not None and (token.capitals or not abbreviation[1]):
            return abbreviation[0], 1
        single = self._single.get(token.term)
        return (single, 1) if single is not None else None

    def terms(self, text: str, *, query: bool = False) -> list[str]:
        """Index terms of ``text`` in order.  With ``query``, a phrase from a synonym group is
        replaced by the group's term; otherwise the group's term is added after it."""
        tokens = words(text)
        out: list[str] = []
        match = self._match
        i = 0
        while i < len(tokens):
            matched = match(tokens, i)
            if matched is None:
                token = tokens[i]
                if token.capitals or token.word not in STOP_WORDS:
                    out.append(token.term)
                i += 1
                continue
            group, length = matched
            if length > 1 and not query:
                out.extend(t.term for t in tokens[i:i + length] if not t.is_stop)
            out.append(group)
            i += length
        return out

    def expand(self, text: str) -> str:
        """``text`` with each known abbreviation followed by its meaning in brackets
        ("LOS" → "LOS (length of stay)"), for readers such as the embedding model that do not
        know the vocabulary."""
        if not self._spelled:
            return text
        pieces: list[str] = []
        last = 0
        plain = _plain(text)
        capitals = [w for w in _WORD.findall(plain) if len(w) > 1 and w.isupper()]
        shouting = len(capitals) * 2 > len(_WORD.findall(plain))
        for match in _WORD.finditer(plain):
            word = match.group()
            found = self._abbreviations.get(word.lower())
            if found is None or (found[1] and (shouting or not word.isupper())):
                continue
            meaning = self._spelled.get(found[0])
            if meaning and meaning.lower() not in plain.lower():
                pieces += [plain[last:match.end()], f" ({meaning})"]
                last = match.end()
        return "".join(pieces) + plain[last:] if pieces else text

    def terms_of(self, texts: Iterable[str]) -> list[str]:
        return [term for text in texts for term in self.terms(text)]
