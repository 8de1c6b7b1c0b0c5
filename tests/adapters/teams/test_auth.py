"""Who may call /api/messages: every bad token gets 401 and reaches no handler; the dev mode
takes unauthenticated requests from this machine only."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from adapters.teams.settings import TeamsSettings
from bot.app.runtime import Runtime
from bot.clock import FixedClock
from bot.settings import Settings
from storage.db import Database
from storage.models import Person
from storage.models.conversations import StoredConversation
from tests.adapters.teams.conftest import Copbot, serve
from tests.adapters.teams.fake_connector import TENANT, FakeBotFramework, other_key
from tests.conftest import platforms

BAD_TOKENS = {
    "expired": {"exp": int(time.time()) - 3600, "nbf": int(time.time()) - 7200},
    "not yet valid": {"nbf": int(time.time()) + 3600},
    "no expiry": {"exp": None},
    "wrong audience": {"aud": "someone-elses-bot"},
    "no audience": {"aud": None},
    "several audiences": {"aud": ["someone-elses-bot", "00000000-0000-4000-8000-00000000b07a"]},
    "wrong issuer": {"iss": "https://evil.example"},
    "another tenant's issuer": {"iss": f"https://sts.windows.net/{'9' * 8}-0000-4000-8000-"
                                       f"{'0' * 12}/"},
    "unknown key id": {"kid": "not-a-published-key"},
    "symmetric algorithm": {"alg": "HS256"},
    "serviceUrl claim for another host": {"serviceurl": "https://smba.trafficmanager.net/emea/"},
    "no serviceUrl claim": {"serviceurl": None},
}


async def nothing_handled(copbot: Copbot) -> None:
    """No handler ran: nobody was recorded, no conversation stored, nothing posted."""
    async with copbot.runtime.database.session() as session:
        people = await session.scalar(select(func.count()).select_from(Person))
        conversations = await session.scalar(
            select(func.count()).select_from(StoredConversation))
    assert (people, conversations) == (0, 0)
    assert copbot.teams.posts == []


async def test_a_valid_token_is_accepted(copbot: Copbot) -> None:
    answer = await copbot.send("personal_message.json")
    assert answer.status == 202 and len(copbot.teams.posts) == 1


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
async def test_bad_tokens_get_401(copbot: Copbot, case: str) -> None:
    token = copbot.teams.token(**BAD_TOKENS[case])
    answer = await copbot.post(copbot.teams.activity("personal_message.json"), token=token)
    assert answer.status == 401
    assert set(answer.body) == {"error"}  # the reason is logged, not told
    await nothing_handled(copbot)


async def test_a_token_signed_with_another_key_gets_401(copbot: Copbot) -> None:
    token = copbot.teams.token(key=other_key())
    answer = await copbot.post(copbot.teams.activity("channel_mention.json"), token=token)
    assert answer.status == 401
    await nothing_handled(copbot)


@pytest.mark.parametrize("header", [None, "", "Bearer", "Basic dXNlcjpwYXNz",
                                    "Bearer not.a.jwt", "Bearer a b", "Bearer " + "x" * 50])
async def test_missing_or_malformed_authorization_gets_401(copbot: Copbot,
                                                           header: str | None) -> None:
    activity = copbot.teams.activity("personal_message.json")
    if header is None:
        answer = await copbot.post(activity, token=None)
    else:
        answer = await copbot.post(activity, authorization=header)
    assert answer.status == 401
    await nothing_handled(copbot)


async def test_a_key_only_endorsed_for_teams_cannot_sign_other_channels(copbot: Copbot) -> None:
    answer = await copbot.post(copbot.teams.activity("personal_message.json",
                                                     channelId="webchat"))
    assert answer.status == 401
    await nothing_handled(copbot)


async def test_an_untrusted_service_url_is_refused(copbot: Copbot) -> None:
    """A valid token whose serviceUrl claim matches an activity pointing somewhere else."""
    evil = "https://attacker.example/teams/"
    token = copbot.teams.token(serviceurl=evil)
    answer = await copbot.post(copbot.teams.activity("personal_message.json", serviceUrl=evil),
                               token=token)
    assert answer.status == 401
    await nothing_handled(copbot)


async def test_a_body_that_is_not_an_activity_gets_400(copbot: Copbot) -> None:
    answer = await copbot.post({"type": "message", "channelId": "msteams"})  # no conversation
    assert answer.status == 400
    await nothing_handled(copbot)


# ---------------------------------------------------------------------------- dev mode
@pytest.fixture
async def dev_copbot(fake_teams: FakeBotFramework, settings: Settings, database: Database,
                     clock: FixedClock) -> AsyncIterator[Copbot]:
    fake_teams.require_token = False
    runtime = Runtime(settings, clock=clock, database=database,
                      platforms=platforms(teams=TeamsSettings(_env_file=None,  # type: ignore[call-arg]
                                                              dev_mode=True)))
    await runtime.start(migrate=False)
    runner, url = await serve(runtime)
    try:
        yield Copbot(url, runtime, fake_teams)
    finally:
        await runner.cleanup()
        await runtime.notices.stop()
        await runtime.transports.close()


async def test_dev_mode_needs_no_token_from_this_machine(dev_copbot: Copbot) -> None:
    answer = await dev_copbot.post(dev_copbot.teams.activity("personal_message.json"),
                                   token=None)
    assert answer.status == 202
    (post,) = dev_copbot.teams.posts
    assert post.authorization == ""  # the emulator gets no token either


async def test_dev_mode_refuses_forwarded_requests(dev_copbot: Copbot) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as http, http.post(
            f"{dev_copbot.url}/api/messages",
            json=dev_copbot.teams.activity("personal_message.json"),
            headers={"X-Forwarded-For": "203.0.113.9"}) as resp:
        assert resp.status == 403
    assert dev_copbot.teams.posts == []


# ---------------------------------------------------------------------------- settings
async def test_settings_that_cannot_work_stop_the_server_with_a_message(
        settings: Settings, database: Database, clock: FixedClock) -> None:
    """``copbot serve`` prints SettingsErrors raised while mounting and exits 2."""
    from aiohttp import web

    from adapters.teams import mount
    from bot.settings import SettingsError, load

    host = Runtime(settings, clock=clock, database=database).adapter_host()
    single = {"app_id": "00000000-0000-4000-8000-00000000b07a", "app_type": "SingleTenant"}
    with pytest.raises(SettingsError, match="COPBOT_TEAMS_TENANT_ID is required"):
        await mount(web.Application(), host, load(TeamsSettings, _env_file=None, **single))
    no_secret = load(TeamsSettings, _env_file=None, **single, tenant_id=TENANT)
    with pytest.raises(SettingsError, match="COPBOT_TEAMS_APP_PASSWORD"):
        await mount(web.Application(), host, no_secret)


@pytest.mark.parametrize(("remote", "local"), [
    ("127.0.0.1", True), ("::1", True), ("127.8.9.10", True), ("10.0.0.5", False),
    ("203.0.113.9", False), (None, False), ("garbage", False)])
def test_dev_mode_knows_loopback(remote: str | None, local: bool) -> None:
    from adapters.teams.auth import is_loopback

    assert is_loopback(remote) is local
