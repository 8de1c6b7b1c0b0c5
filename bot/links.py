"""The one check for web links people give copbot (joining links, FAQ and library links).

A link is an ``http``/``https`` URL with a host, no user name or password before the host
(``https://meet.nhs.uk@evil.example/x`` goes to evil.example), and no whitespace or control
characters anywhere (a line break in a joining link would break every calendar file made
from it).  The text is checked as it will be stored: nothing is trimmed or repaired after
the check, so what was validated is what is saved and shown.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

# Control, format (e.g. right-to-left overrides, zero-width spaces), separators, surrogates.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})


def link_problem(text: str) -> str | None:
    """What is wrong with ``text`` as a link, said as the fix; None when it is fine."""
    if any(ch.isspace() or unicodedata.category(ch) in _FORBIDDEN_CATEGORIES for ch in text):
        return ("must not contain spaces, line breaks or control characters (copy the "
                "address again from the browser's address bar)")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "is not a web address: give one like https://meet.example/abc"
    if parts.scheme.lower() not in ("http", "https"):
        return "must be a web address starting https://"
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return ("must not have a user name or password before the host (the part up to "
                "“@”): give the meeting's own address")
    if not parts.hostname:
        return "must name a host, e.g. https://meet.example/abc"
    return None
