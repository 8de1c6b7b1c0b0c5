"""Small wording rules every reply follows: plurals, and one full stop after a title."""

from __future__ import annotations

_ENDINGS = (".", "?", "!", "…")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 place``, ``2 places``, ``0 places`` (``plural_form`` for irregular words)."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count} {word}"


def sentence(text: str) -> str:
    """``text`` ending with a full stop, unless it already ends in one, a ``?``, ``!`` or
    ``…`` (a title such as "What counts as evidence?" gets no second mark)."""
    stripped = text.rstrip()
    return stripped if stripped.endswith(_ENDINGS) else f"{stripped}."
