"""Request bodies from chat platforms, read defensively before any handler sees them.

A body must be a JSON object nested no deeper than :data:`MAX_DEPTH`.  Python's own parser
gives up on very deep nesting with ``RecursionError`` (not ``ValueError``), and anything that
walks a deep structure afterwards (model validation, logging) can do the same; both adapters
refuse such a body with 400 instead.
"""

from __future__ import annotations

import json
from typing import Any

# Real activities and Slack payloads nest about ten levels (an Adaptive Card inside an
# attachment inside an activity); this leaves ample room.
MAX_DEPTH = 64


class MalformedBody(ValueError):
    """The body is not a JSON object copbot will read (the message is for the log)."""


def json_object(text: str | bytes) -> dict[str, Any]:
    """The JSON object in ``text``; raises :class:`MalformedBody`."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise MalformedBody("JSON nested too deeply") from None
    except ValueError as exc:  # includes JSONDecodeError and UnicodeDecodeError
        raise MalformedBody(f"not JSON ({exc.__class__.__name__})") from None
    if not isinstance(value, dict):
        raise MalformedBody(f"a JSON {type(value).__name__}, not an object")
    if depth(value) > MAX_DEPTH:
        raise MalformedBody(f"JSON nested more than {MAX_DEPTH} levels deep")
    return value


def depth(value: Any) -> int:
    """How deeply ``value`` nests lists and objects (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest
