"""Platform-neutral message types.

Adapters turn platform payloads into an :class:`Incoming` and render a :class:`Reply`;
handlers never see or produce Slack or Teams JSON.  All text in these types is plain text:
adapters escape it for their markup (mrkdwn, Adaptive Card markdown, the terminal).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Literal

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Person:
    """A person is identified by (platform, workspace, user id); the name is for display."""

    platform: str
    workspace: str
    user_id: str
    display_name: str = ""

    @property
    def key(self) -> str:
        """The ``platform:workspace:user`` form used in settings (``COPBOT_ORGANISERS``)."""
        return f"{self.platform}:{self.workspace}:{self.user_id}"

    @property
    def name(self) -> str:
        return self.display_name or self.user_id


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """A place to post to later: a channel/conversation, a thread in it, or a person's DM.

    ``conversation_id`` is the platform's channel or conversation id; for a direct message to
    a person it may be empty and ``user_id`` names the recipient (the adapter opens the DM).
    """

    platform: str
    workspace: str
    conversation_id: str = ""
    thread_id: str | None = None
    user_id: str | None = None

    @classmethod
    def for_person(cls, person: Person) -> ChannelRef:
        return cls(platform=person.platform, workspace=person.workspace, user_id=person.user_id)

    @property
    def is_direct(self) -> bool:
        return self.user_id is not None and not self.conversation_id

    @property
    def key(self) -> str:
        """A stable text form, unique per target (used in delivery keys)."""
        if self.is_direct:
            return f"{self.platform}:{self.workspace}:@{self.user_id}"
        thread = f"/{self.thread_id}" if self.thread_id else ""
        return f"{self.platform}:{self.workspace}:#{self.conversation_id}{thread}"


@dataclass(frozen=True, slots=True)
class Action:
    """A button press or form submission: ``id`` names the command, ``value`` its arguments."""

    id: str
    value: str = ""


class Surface(StrEnum):
    """Where a message was said."""

    CHANNEL = "channel"  # plain channel message (usually ignored unless mentioned)
    DM = "dm"
    MENTION = "mention"
    COMMAND = "command"  # slash command
    ACTION = "action"  # button press or form submission


@dataclass(frozen=True, slots=True)
class Incoming:
    """One message to the bot, whatever platform it came from."""

    platform: str
    workspace: str
    channel: str
    user_id: str
    display_name: str = ""
    text: str = ""
    surface: Surface = Surface.DM
    action: Action | None = None
    form: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    event_id: str | None = None
    thread_id: str | None = None
    # True when an answer that is not personal is seen by other people too (a mention in a
    # channel or group chat); set by the adapter, which knows the platform's rules.
    shared: bool = False
    # The speaker's work email when the platform told the adapter (e.g. a Slack profile
    # read with users:read.email); stored to match people in attendance reports.
    email: str = ""

    @property
    def person(self) -> Person:
        return Person(self.platform, self.workspace, self.user_id, self.display_name)

    @property
    def is_dm(self) -> bool:
        return self.surface == Surface.DM

    @property
    def is_mention(self) -> bool:
        return self.surface == Surface.MENTION

    @property
    def is_command(self) -> bool:
        return self.surface == Surface.COMMAND

    @property
    def channel_ref(self) -> ChannelRef:
        """Where a reply to this message belongs (the thread, for channel mentions)."""
        return ChannelRef(self.platform, self.workspace, self.channel, self.thread_id)


ButtonStyle = Literal["primary", "danger"] | None


@dataclass(frozen=True, slots=True)
class Button:
    """A button: pressing it is the same as typing ``f"{action_id} {value}"``."""

    label: str
    action_id: str
    value: str = ""
    style: ButtonStyle = None
    # The answer comes as a new message and the card pressed stays as it is (e.g. Add to
    # calendar on a registration card, which still holds the Join link and Cancel).
    new_message: bool = False

    @property
    def command_text(self) -> str:
        return f"{self.action_id} {self.value}".strip()


@dataclass(frozen=True, slots=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    label: str = ""


@dataclass(frozen=True, slots=True)
class Item:
    """One entry of a list (an event, a resource, a match) with its own buttons."""

    title: str
    text: str = ""
    fields: tuple[Field, ...] = ()
    link: Link | None = None
    buttons: tuple[Button, ...] = ()
    # ``text`` is written in the answers' markdown subset (bot.markdown), not plain text.
    markdown: bool = False


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a reply, such as an .ics calendar file."""

    filename: str
    content_type: str
    content: bytes


InputKind = Literal["text", "multiline", "date", "time", "number", "url", "choice"]


@dataclass(frozen=True, slots=True)
class FormInput:
    name: str
    label: str
    kind: InputKind = "text"
    required: bool = False
    placeholder: str = ""
    value: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (value, label) for kind="choice"


@dataclass(frozen=True, slots=True)
class Form:
    """An input form (Slack modal, Teams input card).  Submitting it is an :class:`Action`
    with ``id == action_id`` and the input values in :attr:`Incoming.form`."""

    action_id: str
    title: str
    inputs: tuple[FormInput, ...]
    submit_label: str = "Submit"
    value: str = ""  # carried back as Action.value (e.g. the id being edited)


@dataclass(frozen=True, slots=True)
class Reply:
    """What the bot says back, and who may see it:

    - ``personal``: only the person who asked (their places, joining links, their data,
      rosters and other organiser views).  In a channel or group chat the adapter sends it
      to that person alone; in a DM, a slash command or the console nothing changes.
    - neither: the conversation where it was asked (a slash command's answer stays private
      on platforms where it already is).
    - ``public``: posted for the whole channel even where answers are normally private.
    """

    text: str = ""
    title: str | None = None
    fields: tuple[Field, ...] = ()
    items: tuple[Item, ...] = ()
    buttons: tuple[Button, ...] = ()
    link: Link | None = None
    file: Attachment | None = None
    form: Form | None = None
    field_errors: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    public: bool = False
    personal: bool = False
    # Text shown after the items when the list was cut short ("and 12 more").
    footer: str = ""
    # People to mention (notify) with the reply, where the platform can: adapters render a
    # mention for people on their own platform and workspace and the name for others.
    mentions: tuple[Person, ...] = ()
    # ``text`` is written in the answers' markdown subset (bot.markdown): adapters render
    # its bold, italics, links and lists natively.  Everything else stays plain text.
    markdown: bool = False
    # The answer to a button is the pressed message itself, updated (an answer with its
    # rating in place of the buttons): adapters may put it in place of that message even
    # where others see it.  Other answers to a button on a shared message come apart.
    updates_pressed: bool = False

    def __post_init__(self) -> None:
        if self.public and self.personal:
            raise ValueError("a reply is either public or personal, not both")


@dataclass(frozen=True, slots=True)
class Notification:
    """A message for someone other than the person who spoke (e.g. a waitlist promotion),
    sent through the outbox (:mod:`bot.notices`)."""

    target: ChannelRef
    reply: Reply
    # What the post is about (e.g. "question:12"), recorded with the platform's message id so
    # that replies in its thread can be recognised later.
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of dispatching one :class:`Incoming`: the reply to the person who spoke
    (messages for others are in the outbox by now)."""

    reply: Reply | None
    duplicate: bool = False
    # Set when a bug was turned into an apology: the reference the person was shown.
    error_ref: str | None = None
