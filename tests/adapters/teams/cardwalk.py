"""Reading Adaptive Cards in tests: every element, depth first."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def elements(node: Any) -> Iterator[dict[str, Any]]:
    """Every object in a card (the card itself included), depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from elements(value)
    elif isinstance(node, list):
        for value in node:
            yield from elements(value)
