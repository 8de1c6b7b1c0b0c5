"""Slack payloads → :class:`Incoming`, and :class:`Reply` → Block Kit, as pure functions.

Everything a person typed or a handler wrote is plain text in the core; here it is escaped
for mrkdwn (``&``, ``<``, ``>``) so a title such as ``<!channel>`` shows as text and can
neither ping a channel nor forge a link.  Slack's limits (50 blocks, 3000 characters a
section …) are met by cutting lists short with "and N more" rather than failing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from adapters.slack.modal import FormContext, form_values
from adapters.slack.mrkdwn import clip, escape, link, mention, mrkdwn, plain, plain_text
from bot.markdown import Span, parse, to_plain
from bot.types import Action, Button, Field, Incoming, Item, Link, Reply, Surface

PLATFORM = "slack"

MAX_BLOCKS = 50
SECTION_TEXT = 3000
FIELD_TEXT = 2000
FIELDS_PER_SECTION = 10
CONTEXT_TEXT = 2000
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ACTION_ID = 255
BUTTONS_PER_BLOCK = 25
FALLBACK_TEXT = 3000

# Two buttons in one actions block may not share an action_id, but two Sign up buttons for
# different events may: the second becomes "signup#2", and the suffix is dropped on the way in.
_DUPLICATE_MARK = "#"
# A button whose answer comes as a new message (Button.new_message) carries this mark, so
# the pressed message is left as it is.
_NEW_MESSAGE_MARK = "~new"

Body = Mapping[str, Any]


# ------------------------------------------------------------------ payloads → Incoming
def to_incoming(body: Body, *, bot_user_id: str | None = None,
                display_name: str = "") -> Incoming | None:
    """The :class:`Incoming` for a slash command, ``app_mention``, ``message.im``,
    ``block_actions`` or ``view_submission`` body; None for anything the bot ignores
    (edits, bot messages, channel chatter, other events)."""
    if "command" in body:
        return _command(body, display_name)
    kind = body.get("type")
    if kind == "event_callback":
        return _event(body, bot_user_id, display_name)
    if kind == "block_actions":
        return _block_action(body, display_name)
    if kind == "view_submission":
        return _view_submission(body, display_name)
    return None


def team_id(body: Body) -> str:
    """The workspace a payload comes from (the user's team on Enterprise Grid)."""
    team = body.get("team")
    if isinstance(team, Mapping) and team.get("id"):
        return str(team["id"])
    user = body.get("user")
    if isinstance(user, Mapping) and user.get("team_id"):
        return str(user["team_id"])
    event = body.get("event")
    if isinstance(event, Mapping) and event.get("team"):
        return str(event.get("team"))
    return str(body.get("team_id") or "")


def user_id(body: Body) -> str:
    user = body.get("user")
    if isinstance(user, Mapping):
        return str(user.get("id", ""))
    event = body.get("event")
    if isinstance(event, Mapping):
        return str(event.get("user", ""))
    return str(body.get("user_id") or "")


def fallback_name(body: Body) -> str:
    """The user name a payload itself carries, for when ``users.info`` cannot answer."""
    user = body.get("user")
    if isinstance(user, Mapping):
        return str(user.get("name") or user.get("username") or "")
    return str(body.get("user_name") or "")


def _command(body: Body, display_name: str) -> Incoming:
    return Incoming(
        platform=PLATFORM, workspace=team_id(body), channel=str(body.get("channel_id", "")),
        user_id=user_id(body), display_name=display_name,
        text=plain_text(str(body.get("text", ""))), surface=Surface.COMMAND,
        # No idempotency key: Slack never redelivers a slash command (over HTTP or Socket
        # Mode), so recording one would be a database write on the busiest path for nothing.
        event_id=None,
    )


def _event(body: Body, bot_user_id: str | None, display_name: str) -> Incoming | None:
    event = body.get("event") or {}
    kind = event.get("type")
    if event.get("subtype") or event.get("bot_id") or not event.get("user"):
        return None  # edits, deletions, joins and bot posts are not messages to us
    if bot_user_id and event.get("user") == bot_user_id:
        return None
    if kind == "app_mention":
        surface, thread = Surface.MENTION, event.get("thread_ts") or event.get("ts")
    elif kind == "message" and event.get("channel_type") == "im":
        surface, thread = Surface.DM, event.get("thread_ts")
    else:
        return None
    return Incoming(
        platform=PLATFORM, workspace=team_id(body), channel=str(event.get("channel", "")),
        user_id=str(event["user"]), display_name=display_name,
        text=plain_text(str(event.get("text", "")), bot_user_id=bot_user_id),
        surface=surface, event_id=str(body.get("event_id") or "") or None,
        thread_id=str(thread) if thread else None,
        # A mention is answered in the channel's thread, where everyone reads it.
        shared=surface == Surface.MENTION,
    )


def _block_action(body: Body, display_name: str) -> Incoming | None:
    actions = body.get("actions") or []
    if not actions:
        return None
    pressed = actions[0]
    channel = body.get("channel") or {}
    container = body.get("container") or {}
    return Incoming(
        platform=PLATFORM, workspace=team_id(body),
        channel=str(channel.get("id") or container.get("channel_id") or ""),
        user_id=user_id(body), display_name=display_name, surface=Surface.ACTION,
        action=Action(command_of(str(pressed.get("action_id", ""))),
                      str(pressed.get("value") or "")),
        event_id=_trigger_key(body),
        thread_id=_thread_of(container),
    )


def _view_submission(body: Body, display_name: str) -> Incoming | None:
    view = body.get("view") or {}
    context = FormContext.load(str(view.get("private_metadata") or ""))
    if context is None:
        return None  # not one of our forms
    return Incoming(
        platform=PLATFORM, workspace=team_id(body), channel=context.channel,
        user_id=user_id(body), display_name=display_name, surface=Surface.ACTION,
        action=Action(context.action_id, context.value), form=form_values(view),
        event_id=_trigger_key(body), thread_id=context.thread_id,
    )


def _trigger_key(body: Body) -> str | None:
    trigger = body.get("trigger_id")
    return f"trigger:{trigger}" if trigger else None


def _thread_of(container: Mapping[str, Any]) -> str | None:
    thread = container.get("thread_ts")
    return str(thread) if thread else None


def command_of(action_id: str) -> str:
    """The command name behind a rendered button's action id."""
    return action_id.split(_DUPLICATE_MARK, 1)[0].removesuffix(_NEW_MESSAGE_MARK)


def answers_apart(body: Body) -> bool:
    """True when the pressed button's answer must not replace the message it was on."""
    actions = body.get("actions") or []
    action_id = str(actions[0].get("action_id", "")) if actions else ""
    return _NEW_MESSAGE_MARK in action_id.split(_DUPLICATE_MARK, 1)[0]


# ------------------------------------------------------------------ Reply → Block Kit
def fallback_text(reply: Reply) -> str:
    """The notification/accessibility text sent beside the blocks."""
    parts = [reply.title or "", to_plain(reply.text) if reply.markdown else reply.text]
    if not any(parts) and reply.items:
        parts = [reply.items[0].title]
    if not any(parts) and reply.form is not None:
        parts = [reply.form.title]
    return clip(escape("\n".join(p for p in parts if p)), FALLBACK_TEXT) or " "


def to_message(reply: Reply, *, workspace: str | None = None,
               form_button: bool = True) -> dict[str, Any]:
    """``text`` and ``blocks`` for chat.postMessage, a response_url or an ack body, for a
    message in ``workspace`` (where its ``mentions`` can notify people)."""
    return {"text": fallback_text(reply),
            "blocks": to_blocks(reply, workspace=workspace, form_button=form_button)}


def to_blocks(reply: Reply, *, workspace: str | None = None,
              form_button: bool = True) -> list[dict[str, Any]]:
    """Block Kit for ``reply``: at most 50 blocks, every text within Slack's limits.
    ``reply.mentions`` of people in ``workspace`` become Slack mentions; others are named.
    A form that could not be opened is offered as a button and its typed form; without
    ``form_button`` (that button was just pressed and failed too) only the typed form."""
    head: list[dict[str, Any]] = []
    if reply.title:
        head.append(_section(f"*{escape(reply.title)}*"))
    text = rich(reply.text) if reply.markdown else escape(reply.text)
    head += [_section(chunk) for chunk in _chunks(text, SECTION_TEXT)]
    head += _fields_sections(reply.fields)
    if reply.link is not None:
        head.append(_section(link(reply.link)))
    if reply.form is not None:
        head += _form_prompt(reply, button=form_button)
    tail: list[dict[str, Any]] = []
    if reply.mentions:
        tail.append(_context("cc " + ", ".join(mention(p, workspace) for p in reply.mentions)))
    if reply.footer:
        tail.append(_context(escape(reply.footer)))
    tail += _actions(reply.buttons, "reply")

    room = MAX_BLOCKS - len(tail) - 1  # one left for "and N more"
    blocks = head[:room]
    shown = 0
    for index, item in enumerate(reply.items):
        item_blocks = _item(item, index)
        if len(blocks) + len(item_blocks) > room:
            break
        blocks += item_blocks
        shown += 1
    hidden = len(reply.items) - shown
    if hidden or len(head) > room:
        blocks.append(_context(f"…and {hidden} more" if hidden else "…(shortened)"))
    return blocks + tail


def rich(markdown: str) -> str:
    """The answers' markdown subset as mrkdwn: *bold*, _italic_, <https://…|links>, • lists;
    the text itself escaped, so it cannot mention anyone or forge a link."""
    lines = []
    for line in parse(markdown):
        text = "".join(_span(span) for span in line.spans)
        if line.number is not None:
            text = f"{line.number}. {text}"
        elif line.bullet:
            text = f"• {text}"
        lines.append(text)
    return "\n".join(lines)


def _span(span: Span) -> str:
    text = link(Link(span.url, span.text)) if span.url else escape(span.text)
    if span.italic:
        text = f"_{text}_"
    if span.bold:
        text = f"*{text}*"
    return text


def _item(item: Item, index: int) -> list[dict[str, Any]]:
    title = f"*{escape(item.title)}*"
    if item.link is not None:  # on the title's line: a list entry stays short
        title += f" · {link(item.link)}"
    lines = [title]
    if item.text:
        lines.append(rich(item.text) if item.markdown else escape(item.text))
    section = _section("\n".join(lines))
    fields = [_field(f) for f in item.fields[:FIELDS_PER_SECTION]]
    if fields:
        section["fields"] = fields
    return [section, *_actions(item.buttons, f"item{index}")[:1]]


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(clip(text, SECTION_TEXT) or " ")}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [mrkdwn(clip(text, CONTEXT_TEXT))]}


def _field(field: Field) -> dict[str, Any]:
    return mrkdwn(clip(f"*{escape(field.label)}*\n{escape(field.value)}", FIELD_TEXT))


def _fields_sections(fields: tuple[Field, ...]) -> list[dict[str, Any]]:
    return [{"type": "section", "fields": [_field(f) for f in fields[i:i + FIELDS_PER_SECTION]]}
            for i in range(0, len(fields), FIELDS_PER_SECTION)]


def _actions(buttons: Iterable[Button], block_id: str) -> list[dict[str, Any]]:
    buttons = list(buttons)
    blocks = []
    for start in range(0, len(buttons), BUTTONS_PER_BLOCK):
        chunk = buttons[start:start + BUTTONS_PER_BLOCK]
        blocks.append({"type": "actions", "block_id": f"{block_id}-{start}",
                       "elements": _buttons(chunk)})
    return blocks


def _buttons(buttons: list[Button]) -> list[dict[str, Any]]:
    seen: dict[str, int] = {}
    elements = []
    for button in buttons:
        seen[button.action_id] = seen.get(button.action_id, 0) + 1
        action_id = button.action_id + (_NEW_MESSAGE_MARK if button.new_message else "")
        if seen[button.action_id] > 1:
            action_id = f"{action_id}{_DUPLICATE_MARK}{seen[button.action_id]}"
        element: dict[str, Any] = {
            "type": "button", "text": plain(button.label, BUTTON_TEXT),
            "action_id": action_id[:ACTION_ID], "value": button.value[:BUTTON_VALUE],
        }
        if button.style:
            element["style"] = button.style
        elements.append(element)
    return elements


def _form_prompt(reply: Reply, *, button: bool = True) -> list[dict[str, Any]]:
    """Where no modal can be opened (a mention or DM has no trigger id): a button that
    asks for the form again, plus the one-line way to type it (only the typed way when the
    button itself just failed, so the fallback never leads back to itself)."""
    form = reply.form
    assert form is not None
    typed = " ".join(f'{i.name}="…"' for i in form.inputs)
    if not button:
        return [_section(f"*{escape(form.title)}*\nThe form didn't open here; type instead: "
                         f"`{escape(form.action_id)} {escape(typed)}`")]
    text = f"*{escape(form.title)}*\nPress the button to fill in the form, or type: " \
           f"`{escape(form.action_id)} {escape(typed)}`"
    again = Button(label=form.title, action_id=form.action_id, value=form.value,
                   style="primary")
    return [_section(text), *_actions([again], "form")]


def _chunks(text: str, size: int) -> list[str]:
    """Split at line ends into pieces of at most ``size`` characters."""
    if not text:
        return []
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= size:
            current = candidate
            continue
        if current:
            pieces.append(current)
        current = line
        while len(current) > size:
            head = _cut(current, size)
            pieces.append(head)
            current = current[len(head):].lstrip(" ")
    if current:
        pieces.append(current)
    return pieces


def _cut(text: str, size: int) -> str:
    """The longest start of ``text`` up to ``size`` characters, ending at a space when
    there is one and never inside an entity."""
    cut = text[:size]
    space = cut.rfind(" ")
    if space > size // 2:
        cut = cut[:space]
    amp = cut.rfind("&")
    if amp > 0 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut or text[:size]


__all__ = ["escape", "fallback_text", "plain_text", "to_blocks", "to_incoming",
           "to_message"]
