"""Progress on long work (imports of thousands of rows): a bar with counts, rate and time
left when a person is watching a terminal; nothing when output is piped or in the bot.

Services take a :data:`Track` and wrap their long loops in it; the CLI passes
:func:`terminal_track`, everything else the default :func:`quietly`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

T = TypeVar("T")


class Track(Protocol):
    """``track(items, what)`` gives back the same items, reporting progress as they are
    consumed."""

    def __call__(self, items: Sequence[T], what: str) -> Iterable[T]: ...

# Below this many items a bar would only flicker.
MIN_ITEMS = 200


def quietly(items: Sequence[T], what: str) -> Iterable[T]:
    return items


def terminal_track(items: Sequence[T], what: str) -> Iterable[T]:
    """A tqdm bar on stderr when it is a terminal and there is enough to do."""
    if len(items) < MIN_ITEMS or not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, desc=what, unit="row", file=sys.stderr, leave=True,
                dynamic_ncols=True)
