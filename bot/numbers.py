"""The one strict reading of numbers and ids that people type.

A number is ASCII digits and nothing else: no sign, space, underscore, superscript (``²``)
or other script's digits (``٣``), which Python's ``str.isdigit`` and ``int`` would accept or
choke on.  Ids must also fit the database's integer column (PostgreSQL's ``INTEGER``, the
narrower of the two databases): a larger one names nothing, so it reads as "there is no …".
"""

from __future__ import annotations

MAX_ID = 2**31 - 1
# Digits beyond this many cannot be in any range copbot uses; reading them would only cost
# time (and Python refuses int() of more than 4,300 digits).
_MAX_DIGITS = 19
TOO_BIG: int = 10**_MAX_DIGITS


def is_ascii_number(text: str) -> bool:
    """True for one or more ASCII digits and nothing else."""
    return bool(text) and text.isascii() and text.isdigit()


def whole_number(text: str) -> int | None:
    """``text`` (ASCII digits only) as an int, None otherwise.  A number too long to be
    useful comes back as :data:`TOO_BIG`, so range checks refuse it without reading it."""
    if not is_ascii_number(text):
        return None
    if len(text.lstrip("0")) > _MAX_DIGITS:
        return TOO_BIG
    return int(text)


def number_between(text: str, low: int, high: int) -> int | None:
    """A whole number from ``low`` to ``high``; None for anything else."""
    value = whole_number(text.strip())
    return value if value is not None and low <= value <= high else None


def record_id(text: str) -> int | None:
    """A stored row's id (``12``): ASCII digits from 1 to :data:`MAX_ID`; None otherwise."""
    return number_between(text, 1, MAX_ID)


def shorten(text: str, limit: int = 24) -> str:
    """``text`` cut for echoing back in a message (someone may paste thousands of digits)."""
    return text if len(text) <= limit else text[:limit] + "…"
