"""The turn handler the SDK calls for each authenticated activity.

Messages and card actions go to the core (``dispatch``); the reply is sent back into the same
conversation (the thread, in a channel), or, for ``Action.Execute``, returned as the card
that replaces the pressed one.  A personal reply asked for in a channel or group chat goes to
the person's 1:1 chat with the bot instead (opened if need be); the conversation sees only a
short line saying so, after a typed request.  Messages for other people are sent from the
outbox by the core, not here.  Install, rename and removal activities only update the stored
conversation references.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from http import HTTPStatus
from typing import Any

from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    AdaptiveCardInvokeResponse,
    AdaptiveCardInvokeValue,
    InvokeResponse,
    TurnContextProtocol,
)
from microsoft_agents.hosting.core import ActivityHandler, TurnContext

from adapters.teams import cards
from adapters.teams.convert import (
    conversation_kind,
    invoke_card,
    is_bot,
    is_shared,
    submitted_form,
    tenant_of,
    to_activity,
    to_incoming,
    welcome_incoming,
)
from adapters.teams.members import MemberEmails
from adapters.teams.references import ConversationBook
from bot.delivery import DeliveryError
from bot.types import ChannelRef, Incoming, Outcome, Reply, Surface
from storage.models.conversations import PERSONAL

log = logging.getLogger(__name__)

Dispatch = Callable[[Incoming], Awaitable[Outcome]]
SendPrivately = Callable[[ChannelRef, Reply], Awaitable[str | None]]
Turn = TurnContextProtocol[Any]

ALREADY_DONE = "That was already done."
MESSAGE_RESPONSE = "application/vnd.microsoft.activity.message"
SENT_PRIVATELY = "I've sent you the details in our 1:1 chat."
NOT_SENT_PRIVATELY = ("Those details are for you alone, and I couldn't open a 1:1 chat with "
                      "you. Start a chat with me (or add me to your personal apps) and ask "
                      "there.")


class CopbotAgent(ActivityHandler):  # type: ignore[misc]
    def __init__(self, dispatch: Dispatch, book: ConversationBook,
                 send_privately: SendPrivately,
                 emails: MemberEmails | None = None) -> None:
        self.dispatch = dispatch
        self.book = book
        self.send_privately = send_privately
        self.emails = emails or MemberEmails()

    async def on_message_activity(self, turn_context: Turn) -> None:
        activity: Activity = turn_context.activity
        await self._remember(activity)
        incoming = await self._with_email(turn_context, to_incoming(activity))
        if incoming is None:
            return
        outcome = await self.dispatch(incoming)
        reply = outcome.reply
        if reply is not None and not outcome.duplicate:
            if reply.personal and is_shared(activity):
                note = await self._answer_privately(incoming, reply)
                if note is not None:
                    await turn_context.send_activity(to_activity(
                        note, workspace=tenant_of(activity), shared=True))
            elif not await self._update_pressed(turn_context, reply):
                await turn_context.send_activity(to_activity(
                    reply, resubmit=submitted_form(activity), workspace=tenant_of(activity),
                    shared=is_shared(activity)))

    async def on_adaptive_card_invoke(
        self, turn_context: Turn, invoke_value: AdaptiveCardInvokeValue
    ) -> AdaptiveCardInvokeResponse:
        activity: Activity = turn_context.activity
        await self._remember(activity)
        incoming = await self._with_email(turn_context, to_incoming(activity))
        if incoming is None:
            return AdaptiveCardInvokeResponse(
                status_code=HTTPStatus.OK, type=MESSAGE_RESPONSE, value="Nothing to do.")
        outcome = await self.dispatch(incoming)
        if outcome.reply is None or outcome.duplicate:
            return AdaptiveCardInvokeResponse(
                status_code=HTTPStatus.OK, type=MESSAGE_RESPONSE, value=ALREADY_DONE)
        if outcome.reply.personal and is_shared(activity):  # the card is everyone's
            note = await self._answer_privately(incoming, outcome.reply)
            return AdaptiveCardInvokeResponse(
                status_code=HTTPStatus.OK, type=MESSAGE_RESPONSE,
                value=SENT_PRIVATELY if note is None else note.text)
        return AdaptiveCardInvokeResponse(
            status_code=HTTPStatus.OK, type=cards.CONTENT_TYPE,
            value=invoke_card(outcome.reply, resubmit=submitted_form(activity),
                              workspace=tenant_of(activity), shared=is_shared(activity)))

    async def _update_pressed(self, turn_context: Turn, reply: Reply) -> bool:
        """Put ``reply`` in place of the shared card whose button was pressed, when it is
        that card updated (a rated answer); False when it is not, or Teams refuses."""
        activity: Activity = turn_context.activity
        if not (reply.updates_pressed and is_shared(activity) and activity.value
                and activity.reply_to_id):
            return False
        updated = to_activity(reply, workspace=tenant_of(activity), shared=True)
        updated.id = activity.reply_to_id
        try:
            await turn_context.update_activity(updated)
        except Exception as exc:  # the platform edge: any refusal means a new message instead
            log.warning("could not update the pressed card: %s", exc)
            return False
        return True

    async def on_conversation_update_activity(self, turn_context: Turn) -> None:
        activity: Activity = turn_context.activity
        await self.book.follow(activity)
        added = [m for m in activity.members_added or () if is_bot(activity, m)]
        if added and conversation_kind(activity) == PERSONAL:
            await self._welcome(turn_context)

    async def on_installation_update(self, turn_context: Turn) -> None:
        await self.book.follow(turn_context.activity)

    async def _welcome(self, turn_context: Turn) -> None:
        """A first message in a new 1:1 chat: what the bot can do (the help command)."""
        incoming = welcome_incoming(turn_context.activity)
        if incoming is None:
            return
        outcome = await self.dispatch(incoming)
        if outcome.reply is not None and not outcome.duplicate:
            await turn_context.send_activity(
                to_activity(outcome.reply, workspace=incoming.workspace))

    async def _answer_privately(self, incoming: Incoming, reply: Reply) -> Reply | None:
        """Send a personal ``reply`` to the person's 1:1 chat.  Returns what the shared
        conversation should see: a short line after a typed request, nothing after a
        button press (the chat itself tells the presser), or why it could not be sent."""
        try:
            await self.send_privately(ChannelRef.for_person(incoming.person), reply)
        except DeliveryError as exc:
            log.warning("could not answer %s in their 1:1 chat: %s", incoming.user_id, exc)
            return Reply(text=NOT_SENT_PRIVATELY)
        if incoming.surface == Surface.MENTION:
            return Reply(text=SENT_PRIVATELY, mentions=(incoming.person,))
        return None
    async def _with_email(self, turn_context: Turn,
                          incoming: Incoming | None) -> Incoming | None:
        """The incoming message with the sender's email from a member lookup, if Teams
        gives one (stored to match people in attendance reports)."""
        if incoming is None:
            return None
        email = await self.emails.email_of(turn_context.activity,
                                           getattr(turn_context, "services", None))
        return replace(incoming, email=email) if email else incoming

    async def _remember(self, activity: Activity) -> None:
        """Refresh the stored reference; a failure here must not cost the person their
        answer (the router says so itself when the database is down)."""
        try:
            await self.book.remember(activity)
        except Exception:
            log.warning("could not store the conversation reference", exc_info=True)


class RefusingAgent(ActivityHandler):  # type: ignore[misc]
    """The turn handler for a tenant the bot does not serve: a polite refusal to anyone
    who speaks to it, and nothing stored (no conversation reference, no person)."""

    def __init__(self, network_name: str) -> None:
        self.text = (f"Sorry, I only serve the {network_name}'s own organisation, so I can't "
                     "help here.")

    async def on_message_activity(self, turn_context: Turn) -> None:
        if to_incoming(turn_context.activity) is not None:  # spoken to, not channel chatter
            await turn_context.send_activity(to_activity(Reply(text=self.text)))

    async def on_adaptive_card_invoke(
        self, turn_context: Turn, invoke_value: AdaptiveCardInvokeValue
    ) -> AdaptiveCardInvokeResponse:
        return AdaptiveCardInvokeResponse(
            status_code=HTTPStatus.OK, type=MESSAGE_RESPONSE, value=self.text)


async def on_turn_error(context: TurnContext, error: Exception) -> None:
    """Replaces the SDK's handler, which posts the exception text into the chat."""
    ref = uuid.uuid4().hex[:8]
    log.error("Teams turn failed (ref %s)", ref, exc_info=error)
    activity = context.activity
    try:
        if activity.type == ActivityTypes.invoke:
            body = AdaptiveCardInvokeResponse(
                status_code=HTTPStatus.OK, type=MESSAGE_RESPONSE,
                value=f"Sorry, something went wrong on my side (error reference {ref}).")
            await context.send_activity(Activity(
                type=ActivityTypes.invoke_response,
                value=InvokeResponse(status=HTTPStatus.OK, body=body.model_dump(
                    mode="json", by_alias=True, exclude_none=True))))
        elif activity.type == ActivityTypes.message:
            await context.send_activity(to_activity(Reply(
                text=f"Sorry, something went wrong on my side (error reference {ref}).")))
    except Exception:
        log.exception("could not tell the user about error %s", ref)
