"""The turn handler the SDK calls for each authenticated activity.

Messages and card actions go to the core (``dispatch``); the reply is sent back into the same
conversation (the thread, in a channel), or, for ``Action.Execute``, returned as the card
that replaces the pressed one.  Messages for other people are sent from the outbox by the
core, not here.  Install,
rename and removal activities only update the stored conversation references.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
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
from adapters.teams.references import ConversationBook
from bot.types import Incoming, Outcome, Reply
from storage.models.conversations import PERSONAL

log = logging.getLogger(__name__)

Dispatch = Callable[[Incoming], Awaitable[Outcome]]
Turn = TurnContextProtocol[Any]

ALREADY_DONE = "That was already done."
MESSAGE_RESPONSE = "application/vnd.microsoft.activity.message"


class CopbotAgent(ActivityHandler):  # type: ignore[misc]
    def __init__(self, dispatch: Dispatch, book: ConversationBook) -> None:
        self.dispatch = dispatch
        self.book = book

    async def on_message_activity(self, turn_context: Turn) -> None:
        activity: Activity = turn_context.activity
        await self._remember(activity)
        incoming = to_incoming(activity)
        if incoming is None:
            return
        outcome = await self.dispatch(incoming)
        if outcome.reply is not None and not outcome.duplicate:
            await turn_context.send_activity(to_activity(
                outcome.reply, resubmit=submitted_form(activity), workspace=tenant_of(activity),
                shared=is_shared(activity)))

    async def on_adaptive_card_invoke(
        self, turn_context: Turn, invoke_value: AdaptiveCardInvokeValue
    ) -> AdaptiveCardInvokeResponse:
        activity: Activity = turn_context.activity
        await self._remember(activity)
        incoming = to_incoming(activity)
        if incoming is None:
            return AdaptiveCardInvokeResponse(
                status_code=HTTPStatus.OK, type=MESSAGE_RESPONSE, value="Nothing to do.")
        outcome = await self.dispatch(incoming)
        if outcome.reply is None or outcome.duplicate:
            return AdaptiveCardInvokeResponse(
                status_code=HTTPStatus.OK, type=MESSAGE_RESPONSE, value=ALREADY_DONE)
        return AdaptiveCardInvokeResponse(
            status_code=HTTPStatus.OK, type=cards.CONTENT_TYPE,
            value=invoke_card(outcome.reply, resubmit=submitted_form(activity),
                              workspace=tenant_of(activity), shared=is_shared(activity)))

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

    async def _remember(self, activity: Activity) -> None:
        """Refresh the stored reference; a failure here must not cost the person their
        answer (the router says so itself when the database is down)."""
        try:
            await self.book.remember(activity)
        except Exception:
            log.warning("could not store the conversation reference", exc_info=True)


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
