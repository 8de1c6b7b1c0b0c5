"""Slack's text, both ways: wire text to plain text, plain text to safe mrkdwn.

Slack's wire format escapes ``&``, ``<`` and ``>`` and writes mentions and links as
``<@U123>`` and ``<https://…|label>``.  Going in, that becomes the plain text a person
typed; going out, every piece of plain text is escaped so it shows as text and can neither
ping ``<!channel>`` nor forge a link.
"""

from __future__ import annotations

import re
from typing import Any

from bot.types import Link, Person

URL_LENGTH = 3000
_SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")

_BOT_MENTION = r"<@{bot}(?:\|[^>]*)?>"
_SPECIAL = re.compile(r"<([^<>]*)>")


def plain_text(text: str, *, bot_user_id: str | None = None) -> str:
    """Slack's wire text as the plain text a person typed: the bot's own mention removed,
    links and mentions as their visible form, ``&amp;``/``&lt;``/``&gt;`` unescaped."""
    if bot_user_id:
        text = re.sub(_BOT_MENTION.format(bot=re.escape(bot_user_id)), " ", text)
    text = _SPECIAL.sub(_visible, text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def _visible(match: re.Match[str]) -> str:
    target, _, label = match.group(1).partition("|")
    if target.startswith("@"):
        return "@" + (label or target[1:])
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if target.startswith("!"):
        return "@" + (label or target[1:].split("^")[0])
    return target  # a link: the URL is what a command needs


def escape(text: str) -> str:
    """Escape plain text for mrkdwn: Slack's three control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """Cut ``text`` (already escaped) to ``limit`` characters, never inside an entity."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def link(target: Link) -> str:
    """A mrkdwn link; anything but http(s)/mailto is shown as text, never as a link."""
    label = escape(target.label or target.url)
    if not re.match(r"^(https?://|mailto:)", target.url, re.IGNORECASE):
        return label
    url = escape(target.url).replace("|", "%7C")
    if len(url) > URL_LENGTH:
        return label
    return f"<{url}|{label}>"


def mrkdwn(text: str) -> dict[str, Any]:
    # verbatim: Slack must not turn words in user text into mentions or channel links.
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def plain(text: str, limit: int) -> dict[str, Any]:
    # plain_text is shown as typed (Slack parses no mentions or links in it), so it gets
    # the raw text; only its length is limited.
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return {"type": "plain_text", "text": text or " ", "emoji": True}


def mention(person: Person, workspace: str | None) -> str:
    """A mention (which notifies them) for a Slack person of ``workspace``; anyone else,
    on another platform or workspace, is named instead."""
    if (person.platform == "slack" and workspace and person.workspace == workspace
            and _SLACK_USER_ID.match(person.user_id)):
        return f"<@{person.user_id}>"
    return escape(person.name)
