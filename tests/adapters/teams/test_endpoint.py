"""Each kind of Teams activity, end to end: signed request → copbot serve → the real Agents
SDK → the core → the reply as the fake Bot Connector receives it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import make_url

from adapters.teams.cards import escape_markdown
from adapters.teams.convert import PLATFORM
from bot.app.runtime import Runtime
from bot.router import DATABASE_DOWN
from bot.settings import Settings
from storage.db import Database
from storage.models.conversations import StoredConversation
from storage.repositories.conversations import ConversationRepository
from tests.adapters.teams.conftest import ALICE_AAD, AS_OLIVE, Copbot, serve
from tests.adapters.teams.fake_connector import STATIC_TOKEN, TENANT, FakeBotFramework
from tests.adapters.teams.test_convert import texts
from tests.tcpproxy import TcpProxy

CHANNEL = "19:seminars-4f1e@thread.tacv2"
TEAM = "19:team-general-8a5c@thread.tacv2"


async def stored(copbot: Copbot, conversation_id: str) -> StoredConversation | None:
    async with copbot.runtime.database.session() as session:
        return await ConversationRepository(session).find(PLATFORM, TENANT, conversation_id)


def invoke(verb: str, value: str = "", **inputs: Any) -> dict[str, Any]:
    return {"action": {"type": "Action.Execute", "verb": verb,
                       "data": {"action_id": verb, "value": value, **inputs}},
            "trigger": "manual"}


async def test_channel_mention_is_answered_in_its_thread(copbot: Copbot) -> None:
    answer = await copbot.send("channel_mention.json")
    assert answer.status == 202
    (post,) = copbot.teams.posts
    assert post.conversation_id == f"{CHANNEL};messageid=1764756000000"
    assert post.reply_to is not None and post.reply_to.startswith("1764756000000")
    assert post.authorization == f"Bearer {STATIC_TOKEN}"
    assert post.card is not None
    assert "Communities of the Midlands Decision Support Network" in texts(post.card)
    assert "Evaluation \\(evaluation\\)" not in texts(post.card)  # parentheses are not markup
    assert "Evaluation (evaluation)" in texts(post.card)
    record = await stored(copbot, CHANNEL)
    assert record is not None and record.kind == "channel" and record.team_id == TEAM


async def test_channel_chatter_without_a_mention_gets_no_answer(copbot: Copbot) -> None:
    answer = await copbot.send("channel_message_no_mention.json")
    assert answer.status == 202
    assert copbot.teams.posts == []
    assert await stored(copbot, CHANNEL) is not None  # still a place the bot can post to


async def test_personal_message_gets_help(copbot: Copbot) -> None:
    await copbot.send("personal_message.json", text="help")
    (post,) = copbot.teams.posts
    assert post.conversation_id.startswith("a:1personalChat")
    assert post.card is not None
    assert post.card["body"][0]["text"].startswith("copbot for the Midlands")
    record = await stored(copbot, post.conversation_id)
    assert record is not None and record.user_id == ALICE_AAD


async def test_a_one_line_answer_is_plain_text(copbot: Copbot) -> None:
    await copbot.send("personal_message.json", text="frobnicate")
    (post,) = copbot.teams.posts
    assert post.card is None
    assert "I don't know the command “frobnicate”" in post.text


async def test_card_submit_runs_the_buttons_command(copbot: Copbot) -> None:
    answer = await copbot.send("card_submit.json",
                               value={"action_id": "communities", "value": ""})
    assert answer.status == 202
    (post,) = copbot.teams.posts
    assert post.card is not None and "Evidence (evidence)" in texts(post.card)


async def test_card_invoke_answers_with_the_replacement_card(copbot: Copbot) -> None:
    answer = await copbot.send("card_invoke.json", value=invoke("communities"))
    assert answer.status == 200
    assert answer.body["statusCode"] == 200
    assert answer.body["type"] == "application/vnd.microsoft.card.adaptive"
    assert "Analysis (analysis)" in texts(answer.body["value"])
    assert copbot.teams.posts == []  # the card is replaced in place, not posted


async def test_a_repeated_delivery_is_answered_once(copbot: Copbot) -> None:
    activity = copbot.teams.activity("personal_message.json", text="communities")
    await copbot.post(activity)
    await copbot.post(activity)
    assert len(copbot.teams.posts) == 1


async def test_team_install_stores_the_channel(copbot: Copbot) -> None:
    answer = await copbot.send("team_install.json")
    assert answer.status == 202
    assert copbot.teams.posts == []
    record = await stored(copbot, TEAM)
    assert record is not None
    assert (record.kind, record.team_name, record.active) == (
        "channel", "Decision Support Network", True)


async def test_personal_install_stores_the_chat_and_says_hello(copbot: Copbot) -> None:
    await copbot.send("personal_install.json")
    (post,) = copbot.teams.posts
    assert post.card is not None and texts(post.card)[0].startswith("copbot for the")
    record = await stored(copbot, post.conversation_id)
    assert record is not None and (record.kind, record.user_id) == ("personal", ALICE_AAD)


async def test_installation_update_stores_the_team(copbot: Copbot) -> None:
    await copbot.send("installation_add.json")
    record = await stored(copbot, TEAM)
    assert record is not None and record.team_name == "Decision Support Network"


async def test_renames_and_new_channels_keep_references_current(copbot: Copbot) -> None:
    await copbot.send("team_install.json")
    await copbot.send("channel_created.json")
    channel = await stored(copbot, CHANNEL)
    assert channel is not None and channel.channel_name == "Seminars"
    await copbot.send("channel_renamed.json")
    await copbot.send("team_renamed.json")
    channel = await stored(copbot, CHANNEL)
    team = await stored(copbot, TEAM)
    assert channel is not None and team is not None
    assert channel.channel_name == "Seminars and talks"
    assert channel.team_name == team.team_name == "Midlands DSN"


async def test_removal_from_the_team_deactivates_its_channels(copbot: Copbot) -> None:
    await copbot.send("team_install.json")
    await copbot.send("channel_created.json")
    await copbot.send("team_uninstall.json")
    for conversation_id in (TEAM, CHANNEL):
        record = await stored(copbot, conversation_id)
        assert record is not None and record.active is False


async def test_a_failing_turn_apologises_without_the_error_text(copbot: Copbot) -> None:
    copbot.teams.fail_next(400, "BadArgument: activity.text too long")
    answer = await copbot.send("personal_message.json", text="communities")
    assert answer.status == 202
    failed, apology = copbot.teams.posts
    assert failed.card is not None  # the reply the connector refused
    assert "Sorry, something went wrong on my side (error reference" in apology.text
    assert "BadArgument" not in apology.text and "400" not in apology.text


async def test_event_form_with_errors_then_signup_refreshes_the_card(copbot: Copbot) -> None:
    olive = AS_OLIVE
    await copbot.send("personal_message.json", text="event add", **olive)
    (post,) = copbot.teams.posts
    assert post.card is not None
    inputs = {e["id"]: e["type"] for e in post.card["body"] if e["type"].startswith("Input.")}
    assert inputs["date"] == "Input.Date" and inputs["time"] == "Input.Time"
    assert inputs["capacity"] == "Input.Number" and inputs["title"] == "Input.Text"
    submit = post.card["actions"][0]
    form = {"title": "Intro to **SPC** <at>Alice</at>", "date": "2026-12-10", "time": "25:00",
            "duration": "90m", "capacity": "20", "community": "analysis", "location": "",
            "link": "", "speaker": "", "description": ""}

    answer = await copbot.send("card_invoke.json", value={"action": {
        "type": "Action.Execute", "verb": submit["verb"], "data": {**submit["data"], **form}}},
        **olive)
    card = answer.body["value"]
    time_input = next(e for e in card["body"] if e.get("id") == "time")
    assert time_input["value"] == "25:00" and "errorMessage" in time_input
    assert any("time" in t for t in texts(card) if t.startswith("•"))

    form["time"] = "14:00"
    answer = await copbot.send("card_invoke.json", value={"action": {
        "type": "Action.Execute", "verb": submit["verb"], "data": {**submit["data"], **form}}},
        **olive)
    created = texts(answer.body["value"])[0]
    assert created.startswith("Created #1 Intro to \\*\\*SPC\\*\\* \\<at\\>Alice\\</at\\>")

    answer = await copbot.send("card_invoke.json", value=invoke("signup", "1"))
    card = answer.body["value"]
    assert texts(card)[0].startswith("You're registered")
    assert [a["title"] for a in card["actions"]][:2] == ["Add to calendar", "Cancel my place"]
    # the calendar answer comes as a new message: this card keeps Join and Cancel
    assert card["actions"][0]["type"] == "Action.Submit"
    cancel = card["actions"][1]
    assert cancel["type"] == "Action.Execute" and cancel["data"] == {
        "action_id": "cancel", "value": "1"}


async def test_a_database_outage_gets_a_clear_answer(postgres_server_url: str,
                                                     fake_teams: FakeBotFramework) -> None:
    url = make_url(postgres_server_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    database = Database(proxied)
    settings = Settings(database_url=proxied, _env_file=None)  # type: ignore[call-arg]
    runtime = Runtime(settings, database=database, platforms=fake_teams.platforms())
    await runtime.start()
    runner, base = await serve(runtime)
    try:
        copbot = Copbot(base, runtime, fake_teams)
        await proxy.cut()
        answer = await copbot.post(fake_teams.activity("personal_message.json",
                                                        text="communities"))
        assert answer.status == 202
        (post,) = fake_teams.posts
        assert post.text == escape_markdown(DATABASE_DOWN)
    finally:
        await runner.cleanup()
        await runtime.notices.stop()
        await runtime.transports.close()
        await proxy.cut()
        await database.dispose()


async def _sign_up_button(copbot: Copbot, fixture: str, text: str) -> dict[str, Any]:
    """Olive adds a seminar; ``text`` (in ``fixture``'s conversation) shows its card."""
    await copbot.send("personal_message.json", **AS_OLIVE, text=(
        'event add title="Intro to SPC" start="2026-12-10 14:00" duration=90m capacity=5'))
    copbot.teams.posts.clear()
    await copbot.send(fixture, text=text)
    (post,) = copbot.teams.posts
    assert post.card is not None
    return next(a for a in post.card["actions"] if a["title"] == "Sign up")


async def test_pressing_sign_up_on_an_event_card_turns_it_into_cancel(copbot: Copbot) -> None:
    sign_up = await _sign_up_button(copbot, "personal_message.json", "event 1")
    assert sign_up["type"] == "Action.Execute"

    answer = await copbot.send("card_invoke.json", value={"action": {
        "type": "Action.Execute", "verb": sign_up["verb"], "data": sign_up["data"]},
        "trigger": "manual"})
    assert answer.status == 200
    card = answer.body["value"]
    assert texts(card)[0] == "You're registered: #1 Intro to SPC"
    cancel = next(a for a in card["actions"] if a["title"] == "Cancel my place")
    assert cancel["type"] == "Action.Execute"
    assert cancel["data"] == {"action_id": "cancel", "value": "1"}

    answer = await copbot.send("card_invoke.json", value={"action": {
        "type": "Action.Execute", "verb": cancel["verb"], "data": cancel["data"]}})
    card = answer.body["value"]
    assert texts(card)[0] == "You've given up your place at #1 Intro to SPC."
    assert [a["title"] for a in card["actions"]] == ["Sign up again"]


async def test_in_a_channel_a_button_answers_with_a_new_message(copbot: Copbot) -> None:
    """The channel's card is everyone's: Alice's Sign up must not turn it into her place,
    and her place is hers alone: the answer is a new message in her 1:1 chat."""
    sign_up = await _sign_up_button(copbot, "channel_mention.json", "<at>copbot</at> event 1")
    assert sign_up["type"] == "Action.Submit" and "verb" not in sign_up

    answer = await copbot.send("channel_mention.json", text=None, entities=None,
                               value=sign_up["data"])
    assert answer.status == 202
    reply = copbot.teams.posts[-1]
    assert reply.card is not None and texts(reply.card)[0] == "You're registered: #1 Intro to SPC"
    assert reply.conversation_id == f"a:personal-{ALICE_AAD}"
    assert not any(p.conversation_id.startswith(CHANNEL) for p in copbot.teams.posts[1:])
