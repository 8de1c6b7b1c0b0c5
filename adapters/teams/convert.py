"""Teams activities ↔ core types, as pure functions (no I/O, no turn context).

- :func:`to_incoming` turns a message, a card submit (``Action.Submit``) or a card invoke
  (``adaptiveCard/action``, from ``Action.Execute``) into an :class:`Incoming`.
- :func:`to_activity` and :func:`invoke_card` render a :class:`Reply` (see :mod:`.cards`).
- :func:`conversation_record` and :func:`channel_record` say what to remember about a
  conversation so the bot can post there later.

Identity: workspace = tenant id, user = AAD object id (the member id ``29:…`` only where no
AAD id is sent, e.g. the local emulator).  A channel message's conversation id names its
thread (``19:…@thread.tacv2;messageid=123``): the channel is the part before ``;`` and the
thread is the message id.
"""

from __future__ import annotations

import html
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    Attachment,
    ChannelAccount,
    ConversationAccount,
    ConversationReference,
)

from adapters.teams import cards
from bot.markdown import to_plain
from bot.types import Action, Form, Incoming, Reply, Surface
from storage.models.conversations import CHANNEL, GROUP_CHAT, PERSONAL
from storage.repositories.conversations import ConversationRecord

PLATFORM = cards.PLATFORM
CARD_ACTION_INVOKE = "adaptiveCard/action"

# A one-line answer sent as plain text; longer ones are shortened to stay within the
# activity budget (escaping can double the length).
PLAIN_TEXT = 8000

# The cards of recent replies: the same reply (help, an unchanged list) is rendered once.
# The SDK copies an activity before sending it, so a cached card is never changed.
RENDERED_SIZE = 256
_rendered: OrderedDict[tuple[object, ...], dict[str, Any]] = OrderedDict()
_REPLY_FIELDS = tuple(f.name for f in fields(Reply))
_AT = re.compile(r"<at>(.*?)</at>", re.IGNORECASE | re.DOTALL)
_THREAD = ";messageid="


# ---------------------------------------------------------------------------- keys
def channel_data(activity: Activity) -> Mapping[str, Any]:
    data = activity.channel_data
    return data if isinstance(data, Mapping) else {}


def data_field(data: Mapping[str, Any], outer: str, inner: str) -> str:
    value = data.get(outer)
    if isinstance(value, Mapping) and isinstance(value.get(inner), str):
        return str(value[inner])
    return ""


def tenant_of(activity: Activity) -> str:
    """The tenant id (Teams puts it in channelData; the conversation may carry it too)."""
    tenant = data_field(channel_data(activity), "tenant", "id")
    if not tenant and activity.conversation is not None:
        tenant = activity.conversation.tenant_id or ""
    return tenant


def split_thread(conversation_id: str) -> tuple[str, str | None]:
    """``19:x@thread.tacv2;messageid=5`` → (``19:x@thread.tacv2``, ``5``)."""
    base, sep, message_id = conversation_id.partition(_THREAD)
    return base, (message_id or None) if sep else None


def conversation_kind(activity: Activity) -> str:
    conversation = activity.conversation
    kind = (conversation.conversation_type or "") if conversation is not None else ""
    if kind in (CHANNEL, GROUP_CHAT, PERSONAL):
        return kind
    return GROUP_CHAT if conversation is not None and conversation.is_group else PERSONAL


def is_shared(activity: Activity) -> bool:
    """A channel or group chat: cards there are seen by everyone."""
    return conversation_kind(activity) != PERSONAL


def activity_key(activity: Activity) -> str | None:
    """What makes an activity unique, for recognising a redelivery: its id is unique only
    within its conversation (it is a millisecond timestamp), so the conversation is part."""
    if not activity.id:
        return None
    conversation = activity.conversation.id if activity.conversation is not None else ""
    return f"{conversation}:{activity.id}"


def user_key(account: ChannelAccount | None) -> str:
    if account is None:
        return ""
    return account.aad_object_id or account.id or ""


def is_bot(activity: Activity, account: ChannelAccount) -> bool:
    return activity.recipient is not None and account.id == activity.recipient.id


# ---------------------------------------------------------------------------- inbound
def mentions_bot(activity: Activity) -> bool:
    bot_id = activity.recipient.id if activity.recipient is not None else None
    return any(m.mentioned is not None and m.mentioned.id == bot_id
               for m in activity.get_mentions())


def strip_mentions(activity: Activity) -> str:
    """The text without the bot's @mention; other people's mentions become their names."""
    text = activity.text or ""
    bot_id = activity.recipient.id if activity.recipient is not None else None
    for mention in activity.get_mentions():
        if mention.mentioned is not None and mention.mentioned.id == bot_id:
            tag = mention.text or f"<at>{mention.mentioned.name or ''}</at>"
            text = text.replace(tag, " ")
    text = _AT.sub(lambda m: m.group(1), text)
    # Teams sends message text HTML-encoded once it holds a mention ("&nbsp;", "&amp;").
    return " ".join(html.unescape(text).split())


def card_data(activity: Activity) -> Mapping[str, Any] | None:
    """The data of a pressed card button (Action.Submit or Action.Execute), if any."""
    value = activity.value
    if not isinstance(value, Mapping):
        return None
    if activity.type == ActivityTypes.invoke:
        action = value.get("action")
        if not isinstance(action, Mapping):
            return None
        data = action.get("data")
        data = dict(data) if isinstance(data, Mapping) else {}
        if not data.get(cards.ACTION_KEY) and isinstance(action.get("verb"), str):
            data[cards.ACTION_KEY] = action["verb"]
        return data
    return value


def _form_values(data: Mapping[str, Any]) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in data.items():
        if key in cards.RESERVED_KEYS or value is None or isinstance(value, Mapping | list):
            continue
        values[cards.field_name(key)] = value if isinstance(value, str) else str(value)
    return values


def to_incoming(activity: Activity) -> Incoming | None:
    """The core's view of a message or card action; None for anything the bot ignores
    (channel chatter that does not mention it, invokes it does not handle)."""
    is_invoke = activity.type == ActivityTypes.invoke
    if is_invoke and activity.name != CARD_ACTION_INVOKE:
        return None
    if activity.type not in (ActivityTypes.message, ActivityTypes.invoke):
        return None
    if activity.conversation is None or activity.from_property is None:
        return None
    channel, thread_id = split_thread(activity.conversation.id)
    kind = conversation_kind(activity)
    common: dict[str, Any] = {
        "platform": PLATFORM, "workspace": tenant_of(activity), "channel": channel,
        "user_id": user_key(activity.from_property),
        "display_name": activity.from_property.name or "",
        "event_id": activity_key(activity), "thread_id": thread_id,
        # In a channel or group chat every answer posted there is read by everyone.
        "shared": kind != PERSONAL,
    }
    data = card_data(activity)
    if data is not None and isinstance(data.get(cards.ACTION_KEY), str) and data[cards.ACTION_KEY]:
        value = data.get(cards.VALUE_KEY)
        action = Action(str(data[cards.ACTION_KEY]), "" if value is None else str(value))
        return Incoming(**common, surface=Surface.ACTION, action=action,
                        form=_form_values(data))
    if is_invoke:
        return None
    if kind == PERSONAL:
        return Incoming(**common, text=strip_mentions(activity), surface=Surface.DM)
    if not mentions_bot(activity):
        return None
    return Incoming(**common, text=strip_mentions(activity), surface=Surface.MENTION)


def welcome_incoming(activity: Activity) -> Incoming | None:
    """``help`` from the person who just added the bot to their personal scope."""
    if activity.conversation is None or activity.from_property is None:
        return None
    return Incoming(
        platform=PLATFORM, workspace=tenant_of(activity),
        channel=split_thread(activity.conversation.id)[0],
        user_id=user_key(activity.from_property),
        display_name=activity.from_property.name or "", text="help", surface=Surface.DM,
        event_id=f"welcome:{activity_key(activity)}" if activity.id else None)


def submitted_form(activity: Activity) -> Form | None:
    """The form a card submit came from (carried in its data), with the typed values."""
    data = card_data(activity)
    if data is None or cards.FORM_KEY not in data:
        return None
    value = data.get(cards.VALUE_KEY)
    return cards.form_from_spec(str(data.get(cards.ACTION_KEY) or ""),
                                "" if value is None else str(value),
                                data[cards.FORM_KEY], _form_values(data))


# ---------------------------------------------------------------------------- outbound
def to_activity(reply: Reply, *, resubmit: Form | None = None, workspace: str = "",
                shared: bool = False) -> Activity:
    """A message activity for tenant ``workspace`` (``shared``: a channel or group chat):
    plain text where a card adds nothing, else one Adaptive Card."""
    if cards.is_plain(reply):
        return Activity(type=ActivityTypes.message,
                        text=cards.escape_markdown(cards.shorten(reply.text, PLAIN_TEXT)),
                        text_format="markdown")
    content = _card(reply, resubmit, workspace, shared)
    activity = Activity(type=ActivityTypes.message, attachments=[
        Attachment(content_type=cards.CONTENT_TYPE, content=content)])
    summary = _summary(reply)
    if summary:
        activity.summary = summary
    return activity


def _card(reply: Reply, resubmit: Form | None, workspace: str, shared: bool,
          ) -> dict[str, Any]:
    """:func:`cards.render_card`, remembered for the last :data:`RENDERED_SIZE` replies
    (a reply that cannot be hashed is rendered every time)."""
    key = (*(tuple(value.items()) if isinstance(value, Mapping) else value
               for value in (getattr(reply, name) for name in _REPLY_FIELDS)),
           resubmit, workspace, shared)
    try:
        content = _rendered.get(key)
    except TypeError:  # a reply holding a mapping or a list
        return cards.render_card(reply, resubmit=resubmit, workspace=workspace, shared=shared)
    if content is None:
        content = cards.render_card(reply, resubmit=resubmit, workspace=workspace,
                                    shared=shared)
        _rendered[key] = content
        while len(_rendered) > RENDERED_SIZE:
            _rendered.popitem(last=False)
    else:
        _rendered.move_to_end(key)
    return content


def invoke_card(reply: Reply, *, resubmit: Form | None = None, workspace: str = "",
                shared: bool = False) -> dict[str, Any]:
    """The card that replaces the pressed one (``Action.Execute`` always gets a card)."""
    return cards.render_card(reply, resubmit=resubmit, workspace=workspace, shared=shared)


def _summary(reply: Reply) -> str | None:
    """Shown in notifications and the chat list instead of "sent a card"."""
    body = to_plain(reply.text) if reply.markdown else reply.text
    text = reply.title or (body.splitlines()[0] if body else "")
    return text[:200] or None


# ---------------------------------------------------------------------------- references
def reference_json(reference: ConversationReference) -> str:
    return reference.model_dump_json(by_alias=True, exclude_none=True)


def reference_from_json(text: str) -> ConversationReference:
    return ConversationReference.model_validate_json(text)


def conversation_record(activity: Activity) -> ConversationRecord | None:
    """What to store about the conversation an activity came from (the channel itself for
    channel threads); None when it names no conversation."""
    if activity.conversation is None or not activity.conversation.id or not activity.service_url:
        return None
    reference = activity.get_conversation_reference()
    reference.activity_id = None
    reference.request_id = None
    conversation_id, _ = split_thread(activity.conversation.id)
    reference.conversation = reference.conversation.model_copy(update={"id": conversation_id})
    kind = conversation_kind(activity)
    data = channel_data(activity)
    personal = kind == PERSONAL
    if not personal:
        reference.user = None  # whoever spoke last: not part of where to post
    sender = activity.from_property
    return ConversationRecord(
        platform=PLATFORM, workspace=tenant_of(activity), conversation_id=conversation_id,
        kind=kind, reference=reference_json(reference),
        channel_name=data_field(data, "channel", "name") if kind == CHANNEL else "",
        team_id=data_field(data, "team", "id"), team_name=data_field(data, "team", "name"),
        user_id=user_key(sender) if personal and sender is not None else "",
        member_id=(sender.id or "") if personal and sender is not None else "",
    )


def channel_record(activity: Activity, channel_id: str, name: str) -> ConversationRecord:
    """A reference to another channel of the team an activity came from (e.g. a channel
    created after the bot was installed): same service, bot and tenant, other conversation."""
    reference = activity.get_conversation_reference()
    reference.activity_id = None
    reference.request_id = None
    reference.user = None
    reference.conversation = ConversationAccount(
        id=channel_id, is_group=True, conversation_type=CHANNEL,
        tenant_id=tenant_of(activity) or None)
    data = channel_data(activity)
    return ConversationRecord(
        platform=PLATFORM, workspace=tenant_of(activity), conversation_id=channel_id,
        kind=CHANNEL, reference=reference_json(reference), channel_name=name,
        team_id=data_field(data, "team", "id"), team_name=data_field(data, "team", "name"))
