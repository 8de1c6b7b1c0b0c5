"""Posting to Slack for the core: notifications, scheduled posts and answers to events.

A person is reached by their user id (Slack posts it in the app's DM with them), a
channel by its conversation id, a thread with ``thread_ts``.  Files go up with
``files_upload_v2`` beside the message.

Every call goes through one pooled keep-alive HTTP session: the one ``copbot serve`` gives
the client when it starts, or, in a process that only posts (``copbot worker``, ``tick``),
one this transport opens on its first post and closes in :meth:`SlackTransport.close`.
Without it slack_sdk opens a new connection for every call, which made a large fan-out
bound by the CPU rather than by Slack's rate limit.
"""

from __future__ import annotations

import logging

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import CALL_ERRORS, TIMEOUT, delivery_error, error_code
from adapters.slack.convert import PLATFORM, to_message
from bot.types import Attachment, ChannelRef, Reply

log = logging.getLogger(__name__)

# Connections kept open to Slack at most (the sender posts to 64 channels at a time).
POOL_SIZE = 100


class SlackTransport:
    platform = PLATFORM

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._own_session: aiohttp.ClientSession | None = None

    def _pooled(self) -> None:
        """Give the client a keep-alive session if whoever made it gave it none."""
        if self.client.session is None or self.client.session.closed:
            self._own_session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=TIMEOUT),
                connector=aiohttp.TCPConnector(limit=POOL_SIZE))
            self.client.session = self._own_session

    async def close(self) -> None:
        """Close the session this transport opened (not one it was given)."""
        if self._own_session is not None:
            await self._own_session.close()
            if self.client.session is self._own_session:
                self.client.session = None
            self._own_session = None

    async def send(self, target: ChannelRef, reply: Reply) -> str | None:
        """Post ``reply``; returns the message's ``ts``.  Raises DeliveryError (with
        ``retry_after`` for rate limits, ``permanent`` for a gone channel or user)."""
        channel = target.user_id if target.is_direct else target.conversation_id
        if not channel:
            raise delivery_error(ValueError("no channel or user"), f"posting to {target.key}")
        self._pooled()
        ts: str | None = None
        if _has_content(reply):
            try:
                response = await self.client.chat_postMessage(
                    channel=channel, thread_ts=target.thread_id, unfurl_links=False,
                    unfurl_media=False, **to_message(reply, workspace=target.workspace))
            except CALL_ERRORS as exc:
                raise delivery_error(exc, f"posting to {target.key}") from exc
            ts = str(response.get("ts") or "") or None
            channel = str(response.get("channel") or channel)
        if reply.file is not None:
            await self.upload(channel, reply.file, thread_ts=target.thread_id,
                              user_id=target.user_id if target.is_direct else None)
        return ts

    async def send_ephemeral(self, target: ChannelRef, user_id: str, reply: Reply) -> None:
        """Show ``reply`` only to ``user_id``, in ``target``'s channel (and thread); its file
        goes to their DM, as an ephemeral message cannot carry one.  Raises DeliveryError
        when Slack refuses (e.g. the person is not in the channel)."""
        if _has_content(reply):
            try:
                await self.client.chat_postEphemeral(
                    channel=target.conversation_id, user=user_id, thread_ts=target.thread_id,
                    **to_message(reply, workspace=target.workspace))
            except CALL_ERRORS as exc:
                raise delivery_error(exc, f"showing {user_id} a message in {target.key}") \
                    from exc
        if reply.file is not None:
            await self.upload(user_id, reply.file, user_id=user_id)

    async def upload(self, channel: str, file: Attachment, *, thread_ts: str | None = None,
                     user_id: str | None = None) -> bool:
        """Upload ``file`` to ``channel`` (a person's DM when ``user_id`` is given).  A
        failure is logged, not raised: the message it belongs to is already out."""
        self._pooled()
        try:
            if user_id is not None and not channel.startswith("D"):
                opened = await self.client.conversations_open(users=user_id)
                channel = str((opened.get("channel") or {}).get("id") or channel)
            await self.client.files_upload_v2(
                channel=channel, content=file.content, filename=file.filename,
                title=file.filename, thread_ts=thread_ts)
        except CALL_ERRORS as exc:
            log.warning("could not upload %s to %s: %s", file.filename, channel, error_code(exc))
            return False
        return True


def _has_content(reply: Reply) -> bool:
    return bool(reply.text or reply.title or reply.fields or reply.items or reply.buttons
                or reply.link or reply.form or reply.footer)
