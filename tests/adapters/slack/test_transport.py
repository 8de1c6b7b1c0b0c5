"""The Slack transport: the real slack_sdk client posting to a fake Slack Web API."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from adapters.slack import check_settings, create_transport
from adapters.slack.client import api_base_url, web_client
from adapters.slack.settings import SlackSettings
from adapters.slack.transport import SlackTransport
from bot.delivery import DeliveryError
from bot.settings import SettingsError, load
from bot.types import Attachment, ChannelRef, Reply
from storage.db import Database
from tests.adapters.slack.fake_slack import FakeSlack

pytestmark = pytest.mark.usefixtures("fake_slack")


def slack(**values: object) -> SlackSettings:
    """Slack settings as the environment would give them (validated, no .env read)."""
    return load(SlackSettings, _env_file=None, **values)


@pytest.fixture
async def transport(slack_own_settings: SlackSettings) -> AsyncIterator[SlackTransport]:
    transport = SlackTransport(web_client(slack_own_settings))
    yield transport
    await transport.close()


def _dm(user: str = "U123") -> ChannelRef:
    return ChannelRef("slack", "T0001", user_id=user)


async def test_a_dm_goes_to_the_user_id(transport: SlackTransport, fake_slack: FakeSlack
                                        ) -> None:
    ts = await transport.send(_dm(), Reply(text="You have a place at Intro to SPC."))
    [post] = fake_slack.calls_to("chat.postMessage")
    assert post.params["channel"] == "U123"
    assert post.text == "You have a place at Intro to SPC."
    assert post.headers["Authorization"] == "Bearer xoxb-test-token"
    assert ts == "1700000000.000001"


async def test_a_channel_thread_post(transport: SlackTransport, fake_slack: FakeSlack) -> None:
    await transport.send(ChannelRef("slack", "T0001", "C42", thread_id="1515449522.000016"),
                         Reply(title="Reminder", text="Starts in an hour", public=True))
    [post] = fake_slack.calls_to("chat.postMessage")
    assert (post.params["channel"], post.params["thread_ts"]) == ("C42", "1515449522.000016")
    assert post.blocks[0]["text"]["text"] == "*Reminder*"


async def test_a_short_rate_limit_is_retried_and_delivered_once(
        transport: SlackTransport, fake_slack: FakeSlack) -> None:
    fake_slack.rate_limit("chat.postMessage", retry_after=0, times=1)
    await transport.send(_dm(), Reply(text="hello"))
    attempts = fake_slack.calls_to("chat.postMessage")
    assert [a.status for a in attempts] == [429, 200]
    assert len(fake_slack.calls_to("chat.postMessage", ok_only=True)) == 1


async def test_a_long_rate_limit_goes_back_to_the_caller(
        transport: SlackTransport, fake_slack: FakeSlack) -> None:
    fake_slack.rate_limit("chat.postMessage", retry_after=30, times=None)
    started = time.monotonic()
    with pytest.raises(DeliveryError) as raised:
        await transport.send(_dm(), Reply(text="hello"))
    assert raised.value.retry_after == 30
    assert not raised.value.permanent
    assert time.monotonic() - started < 5, "must not sleep through a long Retry-After"
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


async def test_rate_limits_that_outlast_the_retries_are_reported(
        transport: SlackTransport, fake_slack: FakeSlack) -> None:
    fake_slack.rate_limit("chat.postMessage", retry_after=0, times=None)
    with pytest.raises(DeliveryError) as raised:
        await transport.send(_dm(), Reply(text="hello"))
    assert raised.value.retry_after == 0
    assert len(fake_slack.calls_to("chat.postMessage")) == 3  # first try and two retries


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived",
                                   "account_inactive"])
async def test_gone_channels_are_permanent_failures(
        transport: SlackTransport, fake_slack: FakeSlack, error: str) -> None:
    fake_slack.fail("chat.postMessage", error)
    with pytest.raises(DeliveryError) as raised:
        await transport.send(ChannelRef("slack", "T0001", "C404"), Reply(text="hi"))
    assert raised.value.permanent
    assert error in str(raised.value)


async def test_slack_outages_are_worth_retrying(transport: SlackTransport,
                                                fake_slack: FakeSlack) -> None:
    fake_slack.fail("chat.postMessage", "service_unavailable", status=503)
    with pytest.raises(DeliveryError) as raised:
        await transport.send(_dm(), Reply(text="hi"))
    assert not raised.value.permanent and raised.value.retry_after is None


async def test_an_unreachable_slack_is_a_delivery_error() -> None:
    settings = slack(bot_token="xoxb-test-token", api_url="http://127.0.0.1:9/api")
    transport = SlackTransport(web_client(settings))
    with pytest.raises(DeliveryError) as raised:
        await transport.send(_dm(), Reply(text="hi"))
    await transport.close()
    assert not raised.value.permanent


async def test_a_file_is_uploaded_into_the_dm(transport: SlackTransport,
                                              fake_slack: FakeSlack) -> None:
    ics = Attachment("intro-to-spc.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    await transport.send(_dm("U77"), Reply(text="Your calendar file", file=ics))
    [complete] = fake_slack.calls_to("files.completeUploadExternal")
    assert complete.params["channel_id"] == "D77"
    assert complete.params["files"][0]["title"] == "intro-to-spc.ics"
    assert list(fake_slack.uploads.values()) == [ics.content]


async def test_a_file_alone_opens_the_dm_first(transport: SlackTransport,
                                               fake_slack: FakeSlack) -> None:
    await transport.send(_dm("U77"), Reply(file=Attachment("a.ics", "text/calendar", b"x")))
    assert [c.method for c in fake_slack.calls] == [
        "conversations.open", "files.getUploadURLExternal", "files.completeUploadExternal"]


def test_api_url_gets_its_trailing_slash(slack_own_settings: SlackSettings) -> None:
    assert api_base_url("http://127.0.0.1:1/api") == "http://127.0.0.1:1/api/"
    assert api_base_url("https://slack.com/api/") == "https://slack.com/api/"
    assert web_client(slack_own_settings).base_url.endswith("/api/")


async def test_create_transport_only_with_a_bot_token() -> None:
    database = Database("sqlite+aiosqlite:///:memory:")
    assert create_transport(slack(), database) is None
    transport = create_transport(slack(bot_token="xoxb-1"), database)
    assert transport is not None and transport.platform == "slack"


def test_refuses_a_bot_token_without_a_signing_secret() -> None:
    with pytest.raises(SettingsError, match="COPBOT_SLACK_SIGNING_SECRET"):
        check_settings(slack(bot_token="xoxb-1"))
    # Socket Mode needs no public URL, so no signing secret
    check_settings(slack(bot_token="xoxb-1", app_token="xapp-1"))
    with pytest.raises(SettingsError, match="COPBOT_SLACK_BOT_TOKEN"):
        check_settings(slack(app_token="xapp-1"))
    with pytest.raises(SettingsError, match="COPBOT_SLACK_COMMAND"):
        check_settings(slack(bot_token="xoxb-1", signing_secret="s", command="copbot"))


def test_a_bad_api_url_names_its_variable() -> None:
    with pytest.raises(SettingsError, match=r"COPBOT_SLACK_API_URL=slack\.com/api"):
        slack(api_url="slack.com/api")


def test_the_secrets_never_show_in_repr_or_logs() -> None:
    settings = slack(bot_token="xoxb-very-secret", signing_secret="sig-very-secret",
                     app_token="xapp-very-secret")
    for shown in (repr(settings), str(settings), f"{settings.bot_token}",
                  str(settings.model_dump())):
        assert "very-secret" not in shown
    assert web_client(settings).token == "xoxb-very-secret"
