"""Progress on long work (imports and exports of thousands of rows, building the search
index over thousands of entries): a bar with counts, rate and time left when a person is
watching a terminal; nothing when output is piped or in the bot (the command then prints
its one summary line, as it always does).

Services take a :data:`Track` and wrap their long loops in it; the CLI passes
:func:`terminal_track`, everything else the default :func:`quietly`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

T = TypeVar("T")


class Track(Protocol):
    """``track(items, what, unit)`` gives back the same items, reporting progress as they
    are consumed (``unit`` names one item in the counts: row, entry …)."""

    def __call__(self, items: Sequence[T], what: str, unit: str = "row") -> Iterable[T]: ...

# Below this many items a bar would only flicker.
MIN_ITEMS = 200


def quietly(items: Sequence[T], what: str, unit: str = "row") -> Iterable[T]:
    return items


def terminal_track(items: Sequence[T], what: str, unit: str = "row") -> Iterable[T]:
    """A tqdm bar on stderr when it is a terminal and there is enough to do."""
    if len(items) < MIN_ITEMS or not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, desc=what, unit=unit, file=sys.stderr, leave=True,
                dynamic_ncols=True)
