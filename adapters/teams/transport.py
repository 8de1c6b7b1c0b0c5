"""Posting to Teams when nobody is waiting for a reply: reminders, digests, notifications.

A channel gets a new thread; a thread (``ChannelRef.thread_id``) gets a reply in it; a
person (``ChannelRef.user_id`` = AAD object id) gets a message in their 1:1 chat with the
bot, which is created first when the bot has none stored (possible once the bot is installed
anywhere in their tenant).  Everything goes through stored conversation references.

The Bot Connector's answers become :class:`DeliveryError`: 429 carries ``retry_after``; 403
and 404 (bot removed, conversation gone) are ``permanent`` and mark the reference inactive.

A new channel thread is one ``create conversation`` call with the message in it, made directly
on the connector: the SDK's ``create_conversation`` runs more calls after the thread exists
(a user-token client, a turn pipeline) and reports their failure as if nothing was posted,
so a retry would post twice.  Here, once the connector says 2xx the post counts as done.

A connector client (its token and its keep-alive HTTP session) is kept per service URL and
reused for ``CLIENT_REUSE`` seconds, well within the life of the token it carries, instead of
a new client and connection for every post; a 401 drops it at once.
:meth:`TeamsTransport.close` closes them.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from microsoft_agents.activity import (
    Activity,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
)
from microsoft_agents.hosting.core import ClaimsIdentity, RestChannelServiceClientFactory
from microsoft_agents.hosting.core.authorization import AuthenticationConstants
from microsoft_agents.hosting.core.connector import ConnectorClientBase

from adapters.teams.convert import PLATFORM, conversation_record, to_activity
from adapters.teams.convert import reference_from_json as _parse_reference
from adapters.teams.references import ConversationBook
from adapters.teams.service_urls import ServiceUrlPolicy
from bot.delivery import DeliveryError
from bot.types import ChannelRef, Reply
from storage.models.conversations import CHANNEL, PERSONAL, StoredConversation

log = logging.getLogger(__name__)

DEFAULT_RETRY_AFTER = 5.0
# Seconds a connector client is reused.  The SDK hands out tokens with at least five minutes
# to live (it renews them before that), so a client younger than this never sends an
# expired one; a new client gets the token the SDK holds then.
CLIENT_REUSE = 240.0
# Seconds a replaced client is kept open for the posts still using it.
RETIRED_GRACE = 60.0
# Raised only after the connector answered 2xx: its body was not what the SDK expected.
_UNREADABLE = (aiohttp.ContentTypeError, ValueError)


class TeamsTransport:
    platform = PLATFORM

    def __init__(self, *, app_id: str, factory: RestChannelServiceClientFactory,
                 book: ConversationBook, service_urls: ServiceUrlPolicy) -> None:
        self.app_id = app_id
        self.factory = factory
        self.book = book
        self.service_urls = service_urls
        self._clients: dict[str, _Pooled] = {}
        self._retired: list[_Pooled] = []

    async def close(self) -> None:
        """Close the connector clients kept for reuse."""
        pooled = [*self._clients.values(), *self._retired]
        self._clients.clear()
        self._retired.clear()
        for entry in pooled:
            await entry.client.close()

    async def _client_for(self, url: str) -> ConnectorClientBase:
        """A connector client for ``url``: the one kept, while young enough, or a new one."""
        now = time.monotonic()
        kept = self._clients.get(url)
        if kept is not None and now - kept.created < CLIENT_REUSE:
            return kept.client
        identity = (ClaimsIdentity({AuthenticationConstants.AUDIENCE_CLAIM: self.app_id,
                                    AuthenticationConstants.APP_ID_CLAIM: self.app_id},
                                   authentication_type="Bearer")
                    if self.app_id else ClaimsIdentity())
        client = await self.factory.create_connector_client(
            None, identity, url, AuthenticationConstants.AGENTS_SDK_SCOPE,
            use_anonymous=identity.allow_anonymous)
        kept = self._clients.get(url)  # another post may have made one meanwhile
        if kept is not None and time.monotonic() - kept.created < CLIENT_REUSE:
            await client.close()
            return kept.client
        if kept is not None:
            self._retire(kept)
        self._clients[url] = _Pooled(client, time.monotonic())
        return client

    def _drop(self, url: str, client: ConnectorClientBase) -> None:
        """Stop reusing ``client`` (e.g. the connector refused its token)."""
        kept = self._clients.get(url)
        if kept is not None and kept.client is client:
            self._retire(self._clients.pop(url))

    def _retire(self, entry: _Pooled) -> None:
        entry.retired = time.monotonic()
        self._retired.append(entry)

    async def _close_retired(self) -> None:
        now = time.monotonic()
        done = [e for e in self._retired if now - e.retired >= RETIRED_GRACE]
        self._retired = [e for e in self._retired if now - e.retired < RETIRED_GRACE]
        for entry in done:
            await entry.client.close()

    async def send(self, target: ChannelRef, reply: Reply) -> str | None:
        if target.is_direct:
            return await self._to_person(target.workspace, target.user_id or "", reply)
        stored = await self.book.conversation(target.workspace, target.conversation_id)
        if stored is None:
            raise DeliveryError(f"the bot has no conversation {target.conversation_id} in "
                                f"tenant {target.workspace} (is it installed there?)",
                                permanent=True)
        if not stored.active:
            raise DeliveryError("the bot was removed from that conversation", permanent=True)
        reference = reference_from_json(stored.reference)
        if target.thread_id:
            thread = f"{reference.conversation.id};messageid={target.thread_id}"
            reference = reference.model_copy(update={
                "conversation": reference.conversation.model_copy(update={"id": thread})})
            return await self._post(stored, reference, reply)
        if stored.kind == CHANNEL:
            return await self._new_thread(stored, reference, reply)
        return await self._post(stored, reference, reply)

    # ------------------------------------------------------------------------ people
    async def _to_person(self, tenant: str, user_id: str, reply: Reply) -> str | None:
        stored = await self.book.personal(tenant, user_id)
        if stored is not None and stored.active:
            return await self._post(stored, reference_from_json(stored.reference), reply)
        anchor = await self.book.latest_in(tenant)
        if anchor is None:
            raise DeliveryError(f"the bot is not installed anywhere in tenant {tenant}",
                                permanent=True)
        base = reference_from_json(anchor.reference)
        member = (stored.member_id if stored is not None and stored.member_id else user_id)
        params = ConversationParameters(
            is_group=False, bot=base.agent, members=[ChannelAccount(id=member)],
            tenant_id=tenant, channel_data={"tenant": {"id": tenant}})
        # A refusal here is about the person (e.g. the app is blocked for them), not the
        # conversation the reference was borrowed from: that one stays active.
        async with self._connector(anchor, base, for_conversation=False) as connector:
            created = await connector.conversations.create_conversation(params)
        if not created.id:
            raise DeliveryError("Teams did not open a chat with that person")
        reference = base.model_copy(update={
            "conversation": base.conversation.model_copy(update={
                "id": created.id, "is_group": False, "conversation_type": PERSONAL,
                "name": None}),
            "user": ChannelAccount(id=member, aad_object_id=user_id),
            "service_url": created.service_url or base.service_url,
            "activity_id": None})
        record = conversation_record(_as_activity(reference, tenant))
        if record is not None:
            await self.book.save(record)
        stored_now = await self.book.personal(tenant, user_id)
        assert stored_now is not None
        return await self._post(stored_now, reference, reply)

    # ------------------------------------------------------------------------ posting
    async def _post(self, stored: StoredConversation, reference: ConversationReference,
                    reply: Reply) -> str | None:
        activity = to_activity(reply, workspace=stored.workspace, shared=stored.kind != PERSONAL)
        activity = activity.apply_conversation_reference(reference)
        if stored.kind != PERSONAL:
            activity.recipient = None
        async with self._connector(stored, reference) as connector:
            try:
                result = await connector.conversations.send_to_conversation(
                    reference.conversation.id, activity)
            except _UNREADABLE:  # 2xx with a body we cannot read: it was posted
                log.warning("posted to %s, but the message id is unknown", stored.conversation_id)
                return None
        return result.id or None

    async def _new_thread(self, stored: StoredConversation, reference: ConversationReference,
                          reply: Reply) -> str | None:
        activity = to_activity(reply, workspace=stored.workspace, shared=stored.kind != PERSONAL)
        activity = activity.apply_conversation_reference(reference)
        activity.recipient = None
        params = ConversationParameters(
            is_group=True, bot=reference.agent, activity=activity,
            channel_data={"channel": {"id": reference.conversation.id},
                          "tenant": {"id": stored.workspace}})
        if stored.workspace:
            params.tenant_id = stored.workspace
        async with self._connector(stored, reference) as connector:
            try:
                created = await connector.conversations.create_conversation(params)
            except _UNREADABLE:  # 2xx with a body we cannot read: the thread exists
                log.warning("new thread in %s posted, but its id is unknown",
                            stored.conversation_id)
                return None
        return created.activity_id or _thread_of(created.id)

    def _connector(self, stored: StoredConversation, reference: ConversationReference, *,
                   for_conversation: bool = True) -> _Connector:
        url = reference.service_url or ""
        if not self.service_urls.is_allowed(url):
            raise DeliveryError(f"stored serviceUrl {url!r} is not trusted", permanent=True)
        return _Connector(self, stored, url, for_conversation=for_conversation)


def reference_from_json(text: str) -> ConversationReference:
    try:
        return _parse_reference(text)
    except ValueError as exc:
        raise DeliveryError(f"the stored conversation reference is unreadable: {exc}",
                            permanent=True) from exc


def _thread_of(conversation_id: str | None) -> str | None:
    if conversation_id and ";messageid=" in conversation_id:
        return conversation_id.split(";messageid=", 1)[1]
    return None


def _as_activity(reference: ConversationReference, tenant: str) -> Activity:
    """A stand-in activity for a conversation the bot opened itself (to store it)."""
    activity = Activity(type="message", channel_data={"tenant": {"id": tenant}})
    return activity.apply_conversation_reference(reference, is_incoming=True)


@dataclass
class _Pooled:
    client: ConnectorClientBase
    created: float
    retired: float = 0.0


class _Connector:
    """A (pooled) connector client for one post, with the connector's errors turned into
    :class:`DeliveryError` (and the reference marked inactive when the bot is gone from the
    conversation posted to; ``for_conversation=False`` when the call is not a post there)."""

    def __init__(self, transport: TeamsTransport, stored: StoredConversation, url: str, *,
                 for_conversation: bool = True) -> None:
        self.transport = transport
        self.stored = stored
        self.url = url
        self.for_conversation = for_conversation
        self.client: ConnectorClientBase | None = None

    async def __aenter__(self) -> Any:
        await self.transport._close_retired()
        try:
            self.client = await self.transport._client_for(self.url)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise DeliveryError(f"could not get a token for Teams: {exc}") from exc
        return self.client

    async def __aexit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        if self.client is not None and isinstance(exc, aiohttp.ClientError | TimeoutError) and (
                not isinstance(exc, aiohttp.ClientResponseError) or exc.status == 401):
            self.transport._drop(self.url, self.client)  # a dead connection or a stale token
        if isinstance(exc, aiohttp.ClientResponseError):
            await self._refused(exc)
        if isinstance(exc, aiohttp.ClientError | TimeoutError):
            raise DeliveryError(f"Teams could not be reached: {exc!r}") from exc

    async def _refused(self, exc: aiohttp.ClientResponseError) -> None:
        status = exc.status
        if status == 429:
            raise DeliveryError("Teams is rate limiting the bot",
                                retry_after=_retry_after(exc)) from exc
        if status in (403, 404) and not self.for_conversation:
            raise DeliveryError(f"Teams would not open a chat with that person ({status}: "
                                f"{_code(exc)})", permanent=True) from exc
        if status in (403, 404):
            await self.transport.book.deactivate(self.stored.workspace,
                                                 self.stored.conversation_id)
            raise DeliveryError(f"Teams refused the post ({status}: {_code(exc)}); the bot was "
                                "removed or the conversation is gone", permanent=True) from exc
        raise DeliveryError(f"Teams refused the post ({status}: {_code(exc)})",
                            retry_after=_retry_after(exc) if status >= 500 else None) from exc


def _retry_after(exc: aiohttp.ClientResponseError) -> float:
    value = exc.headers.get("Retry-After", "") if exc.headers else ""

    try:
        return max(float(value), 0.0)
    except ValueError:
        return DEFAULT_RETRY_AFTER


def _code(exc: aiohttp.ClientResponseError) -> str:
    """The connector's error code (e.g. BotNotInConversationRoster), for the log."""
    try:
        body = json.loads(exc.message)
        return str(body.get("error", {}).get("code") or "")
    except (ValueError, AttributeError):
        return ""
