"""Long lists in pages: the first page, "…and N more" and a **Show more** button.

A button is the same as typing its command, so ``Show more`` under ``my events`` is
``my events page 2``, and people can type that too.  Pages have a fixed length in the core,
so page 2 means the same thing on every platform; the renderers then keep each page within
their platform's size limits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.errors import UsageError
from bot.numbers import shorten, whole_number
from bot.types import Button
from bot.wording import plural

T = TypeVar("T")

PAGE_SIZE = 10
_PAGE = re.compile(r"(?:^|\s)page\s+(\S+)\s*$", re.IGNORECASE)


def split_page(raw: str) -> tuple[str, int]:
    """``"spc page 2"`` → (``"spc"``, 2); text without ``page N`` is page 1.  A page that is
    not a positive whole number is a :class:`UsageError`."""
    match = _PAGE.search(raw)
    if match is None:
        return raw.strip(), 1
    word = match.group(1)
    number = whole_number(word)
    if number is None or number < 1:
        raise UsageError(f"“page {shorten(word)}” is not a page number: write e.g. page 2.")
    return raw[:match.start()].strip(), number


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: its entries, and what to say about the rest."""

    entries: tuple[T, ...]
    number: int
    total: int
    command: str
    size: int = PAGE_SIZE

    @property
    def start(self) -> int:
        return (self.number - 1) * self.size

    @property
    def remaining(self) -> int:
        """Entries after this page."""
        return max(0, self.total - self.start - len(self.entries))

    @property
    def next_command(self) -> str:
        return f"{self.command} page {self.number + 1}"

    @property
    def more_button(self) -> tuple[Button, ...]:
        """``Show more`` (typed: ``<command> page N+1``) when the list goes on."""
        if not self.remaining:
            return ()
        return (Button("Show more", self.command, f"page {self.number + 1}"),)

    @property
    def footer(self) -> str:
        """``…and 12 more: my events page 2`` when the list goes on, else empty."""
        if not self.remaining:
            return ""
        return f"…and {self.remaining} more: {self.next_command}"


def paginate(entries: Sequence[T], number: int, command: str,
             size: int = PAGE_SIZE) -> Page[T]:
    """Page ``number`` (from 1) of ``entries``.  A page past the end is a
    :class:`UsageError` that says how many pages there are."""
    pages = max(1, -(-len(entries) // size))
    if number > pages:
        raise UsageError(f"There {'is' if pages == 1 else 'are'} only "
                         f"{plural(pages, 'page')}: type {command}"
                         + (f" page {pages}." if pages > 1 else "."))
    start = (number - 1) * size
    return Page(tuple(entries[start:start + size]), number, len(entries), command, size)
