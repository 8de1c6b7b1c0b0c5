"""The Bolt listeners: one Slack request in, one :class:`Incoming` to the core, the reply
rendered back where Slack expects it — all within Slack's 3 seconds.

- Slash commands and modal submissions wait up to :data:`ACK_BUDGET` for the core and put
  a fast answer straight into the acknowledgement (no extra request to Slack).  Slower work
  is acknowledged empty and answered later through the ``response_url``.
- Mentions, DMs and button presses are acknowledged at once and answered with
  ``chat.postMessage`` or the ``response_url``.
- Messages for other people are sent from the outbox by the core, not here.

A Slack API error is logged and, where possible, turned into a message to the person; it
never escapes a listener.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.client import CALL_ERRORS, TIMEOUT, ShortRateLimitRetry, error_code
from adapters.slack.convert import (
    answers_apart,
    fallback_name,
    team_id,
    to_incoming,
    to_message,
    user_id,
)
from adapters.slack.modal import FormContext, modal_errors, to_modal
from adapters.slack.names import DisplayNames
from adapters.slack.tasks import BackgroundTasks
from adapters.slack.transport import SlackTransport
from bot.delivery import DeliveryError
from bot.host import AdapterHost
from bot.types import Action, ChannelRef, Form, Incoming, Outcome, Reply

log = logging.getLogger(__name__)

# Of the 3 seconds Slack allows, how long to wait for the core before acknowledging empty
# and answering through the response_url instead (the rest is for the network).
ACK_BUDGET = 2.0

SORRY = Reply(text="Sorry, something went wrong on my side and I couldn't answer. Please "
                   "try again in a minute.")

Body = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Handled:
    incoming: Incoming
    outcome: Outcome


class SlackListeners:
    def __init__(self, host: AdapterHost, transport: SlackTransport, names: DisplayNames,
                 tasks: BackgroundTasks, *, allowed_teams: Sequence[str] = ()) -> None:
        self.host = host
        self.allowed_teams = tuple(allowed_teams)
        self.transport = transport
        self.client = transport.client
        self.names = names
        self.tasks = tasks
        self._elsewhere = Reply(text=f"Sorry, I only serve the {host.settings.network_name}'s "
                                     "own Slack workspace, so I can't help here.")

    # ------------------------------------------------------------ slash commands
    async def on_command(self, ack: AsyncAck, body: dict[str, Any],
                         context: AsyncBoltContext) -> None:
        work = self.tasks.spawn(self._dispatch(body, context.bot_user_id), report=False)
        if not await _finishes(work, ACK_BUDGET):
            await ack()
            self.tasks.spawn(self._answer_command_later(work, body))
            return
        handled = _result(work)
        if handled is None:
            await ack(command_response(SORRY))
            return
        reply = handled.outcome.reply
        if reply is None:  # a repeat delivery: already answered
            await ack()
            return
        if reply.form is not None and await self._open_form(body, reply.form, handled.incoming):
            await ack()
        else:
            await ack(command_response(reply, handled.incoming.workspace))
        self._follow_up(handled)

    async def _answer_command_later(self, work: asyncio.Task[Handled | None],
                                    body: Body) -> None:
        handled = await _settled(work)
        reply = SORRY if handled is None else handled.outcome.reply
        if reply is None:
            return
        if reply.form is None or handled is None or \
                not await self._open_form(body, reply.form, handled.incoming):
            await self._respond(body, reply, handled)
        if handled is not None:
            self._follow_up(handled)

    # ------------------------------------------------------------ mentions and DMs
    async def on_event(self, ack: AsyncAck, body: dict[str, Any],
                       context: AsyncBoltContext) -> None:
        await ack()
        event = body.get("event") or {}
        if event.get("type") == "app_mention" and str(event.get("channel", "")).startswith("D"):
            return  # DMs arrive as message.im too; answer once
        self.tasks.spawn(self._answer_event(body, context.bot_user_id))

    async def _answer_event(self, body: Body, bot_user_id: str | None) -> None:
        handled = await self._dispatch(body, bot_user_id)
        if handled is None or handled.outcome.reply is None:
            return
        incoming = handled.incoming
        if handled.outcome.reply.personal and not incoming.is_dm:
            await self._answer_privately(incoming, handled.outcome.reply)
            return
        try:
            await self.transport.send(incoming.channel_ref, handled.outcome.reply)
        except DeliveryError as exc:
            log.warning("could not answer %s in %s: %s", incoming.user_id, incoming.channel, exc)
            if not incoming.is_dm:
                why = (f"I may not be a member of it: invite me with /invite "
                       f"@{self.host.settings.bot_name}." if exc.permanent
                       else "Slack didn't take my answer there.")
                await self._tell(incoming, Reply(
                    text=f"I couldn't answer you in that channel. {why} Here is my answer:"),
                    handled.outcome.reply)

    async def _answer_privately(self, incoming: Incoming, reply: Reply) -> None:
        """A personal answer to a mention: shown only to the person, in the thread they
        asked in; as a DM where Slack cannot show it there."""
        try:
            await self.transport.send_ephemeral(incoming.channel_ref, incoming.user_id, reply)
        except DeliveryError as exc:
            log.warning("could not answer %s privately in %s: %s", incoming.user_id,
                        incoming.channel, exc)
            await self._tell(incoming, reply)

    # ------------------------------------------------------------ buttons
    async def on_action(self, ack: AsyncAck, body: dict[str, Any],
                        context: AsyncBoltContext) -> None:
        await ack()
        self.tasks.spawn(self._answer_action(body, context.bot_user_id))

    async def _answer_action(self, body: Body, bot_user_id: str | None) -> None:
        handled = await self._dispatch(body, bot_user_id)
        if handled is None:
            return
        reply = handled.outcome.reply
        if reply is not None:
            if reply.form is None or not await self._open_form(body, reply.form,
                                                                handled.incoming):
                # The form's own button failing again gets the typed way only: no loop.
                again = reply.form is not None and handled.incoming.action == Action(
                    reply.form.action_id, reply.form.value)
                # A private message turns into the answer; a shared one only into an
                # update of itself (a rated answer), so others never see someone's answer.
                private = _pressed_message_is_private(body)
                await self._respond(body, reply, handled,
                                    replace=(private or reply.updates_pressed)
                                    and not answers_apart(body),
                                    shared=not private, form_button=not again)
        self._follow_up(handled)

    # ------------------------------------------------------------ modal submissions
    async def on_view_submission(self, ack: AsyncAck, body: dict[str, Any],
                                 context: AsyncBoltContext) -> None:
        view = body.get("view") or {}
        form = FormContext.load(str(view.get("private_metadata") or ""))
        work = self.tasks.spawn(self._dispatch(body, context.bot_user_id), report=False)
        if form is None or not await _finishes(work, ACK_BUDGET):
            await ack()
            if form is not None:
                self.tasks.spawn(self._answer_form_later(work, form))
            return
        handled = _result(work)
        reply = SORRY if handled is None else handled.outcome.reply
        errors = modal_errors(reply.field_errors, view) if reply is not None else {}
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        if reply is not None and reply.form is not None:
            await ack(response_action="update", view=to_modal(reply.form, form))
        else:
            await ack()
            if reply is not None:
                self.tasks.spawn(self._answer_form(form, reply, handled))
        if handled is not None:
            self._follow_up(handled)

    async def _answer_form_later(self, work: asyncio.Task[Handled | None],
                                 form: FormContext) -> None:
        handled = await _settled(work)
        reply = SORRY if handled is None else handled.outcome.reply
        if reply is not None:
            await self._answer_form(form, reply, handled)
        if handled is not None:
            self._follow_up(handled)

    async def _answer_form(self, form: FormContext, reply: Reply,
                           handled: Handled | None) -> None:
        """A submitted form's answer goes where the form was opened."""
        await self._respond({"response_url": form.response_url}, reply, handled)

    # ------------------------------------------------------------ shared steps
    async def _dispatch(self, body: Body, bot_user_id: str | None) -> Handled | None:
        """The core's outcome for ``body``; None when the payload is not for the bot.  A
        workspace outside ``COPBOT_SLACK_ALLOWED_TEAMS`` gets a refusal and reaches
        neither the core nor the database."""
        team, user = team_id(body), user_id(body)
        allowed = self.allowed_teams
        if allowed and team not in allowed:
            incoming = to_incoming(body, bot_user_id=bot_user_id)
            if incoming is None:
                return None
            log.warning("Slack request from workspace %r refused: not in "
                        "COPBOT_SLACK_ALLOWED_TEAMS", team)
            return Handled(incoming, Outcome(reply=self._elsewhere))
        name, email = (await self.names.profile(team, user, fallback_name(body)) if user
                       else ("", ""))
        incoming = to_incoming(body, bot_user_id=bot_user_id, display_name=name)
        if incoming is None:
            return None
        if email:
            incoming = replace(incoming, email=email)
        # No queue here: the core queues what must wait (SQLite's one writer) and lets
        # commands that need no database answer at once.
        return Handled(incoming, await self.host.dispatch(incoming))

    async def _open_form(self, body: Body, form: Form, incoming: Incoming) -> bool:
        """Open ``form`` as a modal; False (logged) when Slack refuses, e.g. an expired
        trigger — the caller then shows the form's button and typed form instead."""
        trigger = body.get("trigger_id")
        if not trigger:
            return False
        context = FormContext(action_id=form.action_id, value=form.value,
                              channel=incoming.channel, thread_id=incoming.thread_id,
                              response_url=str(body.get("response_url") or ""))
        try:
            await self.client.views_open(trigger_id=trigger, view=to_modal(form, context))
        except CALL_ERRORS as exc:
            log.warning("views.open failed for %s: %s", form.action_id, error_code(exc))
            return False
        return True

    async def _respond(self, body: Body, reply: Reply, handled: Handled | None, *,
                       replace: bool = False, shared: bool = False,
                       form_button: bool = True) -> None:
        """Answer through the payload's ``response_url`` (replacing the message the
        button was on when ``replace``, for everyone who saw it when ``shared``); if there
        is none or it fails, as a DM."""
        url = str(body.get("response_url") or "")
        if url:
            workspace = handled.incoming.workspace if handled is not None else None
            message = {**command_response(reply, workspace, form_button=form_button),
                       "replace_original": replace}
            if replace and shared:  # the channel's message stays the channel's
                message["response_type"] = "in_channel"
            webhook = AsyncWebhookClient(url, timeout=TIMEOUT, session=self.client.session,
                                         retry_handlers=[ShortRateLimitRetry()])
            try:
                response = await webhook.send_dict(message)
                if response.status_code == 200:
                    return
                log.warning("response_url answered %s: %s", response.status_code,
                            response.body[:200])
            except CALL_ERRORS as exc:
                log.warning("response_url failed: %s", error_code(exc))
        if handled is not None:
            await self._tell(handled.incoming, reply)

    async def _tell(self, incoming: Incoming, *replies: Reply) -> None:
        """A direct message to the person behind ``incoming``; failures are logged."""
        target = ChannelRef(incoming.platform, incoming.workspace, user_id=incoming.user_id)
        for reply in replies:
            try:
                await self.transport.send(target, reply)
            except DeliveryError as exc:
                log.warning("could not message %s either: %s", incoming.user_id, exc)
                return

    def _follow_up(self, handled: Handled) -> None:
        """After the acknowledgement: the reply's file (to the person's DM: an answer to
        a command or button may be private)."""
        reply = handled.outcome.reply
        if reply is not None and reply.file is not None:
            self.tasks.spawn(self._tell(handled.incoming, Reply(file=reply.file)))


def command_response(reply: Reply, workspace: str | None = None, *,
                     form_button: bool = True) -> dict[str, Any]:
    """An answer to a slash command, button or form: private unless meant for everyone."""
    message = to_message(reply, workspace=workspace, form_button=form_button)
    if not message["blocks"] and reply.file is not None:  # the file itself goes to the DM
        message = to_message(Reply(text=f"I've sent you {reply.file.filename} in a direct "
                                        "message."))
    return {"response_type": "in_channel" if reply.public else "ephemeral", **message}


def _pressed_message_is_private(body: Body) -> bool:
    """Replacing a message in place is natural only when nobody else sees it: an
    ephemeral answer, or a message in the person's DM with the bot."""
    container = body.get("container") or {}
    channel = str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")
    return bool(container.get("is_ephemeral")) or channel.startswith("D")


async def _finishes(task: asyncio.Task[Any], budget: float) -> bool:
    done, _ = await asyncio.wait({task}, timeout=budget)
    return bool(done)


def _result(task: asyncio.Task[Handled | None]) -> Handled | None:
    """The finished task's result; a failure is logged and becomes None."""
    try:
        return task.result()
    except Exception:
        log.exception("handling a Slack request failed")
        return None


async def _settled(task: asyncio.Task[Handled | None]) -> Handled | None:
    await asyncio.wait({task})
    return _result(task)
