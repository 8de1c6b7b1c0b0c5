"""End to end through ``copbot serve``: signed Slack requests over loopback, the real Bolt
app and router, and the real slack_sdk client answering to a fake Slack Web API."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

import adapters.slack.listeners
from adapters.slack.settings import SlackSettings
from bot.app.runtime import Runtime
from bot.app.server import create_app
from bot.commands import Args, Command
from bot.context import Context
from bot.errors import InvalidFields
from bot.settings import Settings, SettingsError
from bot.types import Attachment, Form, FormInput, Item, Person, Reply
from storage.db import Database
from storage.repositories.people import PeopleRepository
from tests.adapters.slack.driver import (
    CHANNEL,
    TEAM,
    USER,
    SlackDriver,
    payload,
    signed_headers,
)
from tests.adapters.slack.fake_slack import FakeSlack
from tests.conftest import platforms


def add_command(driver: SlackDriver, name: str, reply: Reply | None = None, *,
                calls: list[Context] | None = None, **options: object) -> list[Context]:
    """A test command that records each call and answers ``reply``."""
    seen: list[Context] = [] if calls is None else calls

    async def handler(ctx: Context, args: Args) -> Reply:
        seen.append(ctx)
        return reply or Reply(text=f"{name} ran with {args.raw!r}")

    driver.runtime.commands.add(Command(name=name, summary="test", handler=handler,
                                        **options))  # type: ignore[arg-type]
    return seen


# ------------------------------------------------------------------ slash commands
async def test_slash_command_is_answered_in_the_ack(slack: SlackDriver) -> None:
    answer = await slack.command("help")
    assert answer.status == 200
    body = answer.json
    assert body["response_type"] == "ephemeral"
    assert body["blocks"][0]["text"]["text"].startswith("*copbot for the")
    assert "communities" in json.dumps(body["blocks"])
    await slack.fake.settle()
    assert slack.fake.responses == []  # nothing more to send
    assert not slack.fake.calls_to("chat.postMessage")


async def test_the_bare_slash_command_is_help(slack: SlackDriver) -> None:
    assert "list what I can do" in (await slack.command("")).text


async def test_people_are_named_from_users_info_once(slack: SlackDriver,
                                                     database: Database) -> None:
    await slack.command("help")
    await slack.command("communities")
    assert len(slack.fake.calls_to("users.info")) == 1
    async with database.session() as session:
        person = await PeopleRepository(session).find("slack", TEAM, USER)
    assert person is not None and person.display_name == "Steve Analyst"


async def test_public_replies_go_in_channel(slack: SlackDriver) -> None:
    add_command(slack, "announce", Reply(text="Seminar today", public=True))
    assert (await slack.command("announce")).json["response_type"] == "in_channel"


async def test_titles_cannot_ping_the_channel(slack: SlackDriver) -> None:
    add_command(slack, "evil", Reply(title="<!channel> free pizza", items=(
        Item(title="<https://evil.example|nhs.uk> & <!here>"),)))
    answer = await slack.command("evil")
    assert "<!channel>" not in answer.text and "<!here>" not in answer.text
    assert "<https://evil" not in answer.text
    blocks = answer.json["blocks"]
    assert blocks[0]["text"]["text"] == "*&lt;!channel&gt; free pizza*"
    assert blocks[1]["text"]["text"] == "*&lt;https://evil.example|nhs.uk&gt; &amp; &lt;!here&gt;*"


async def test_slow_work_is_acked_then_answered_by_response_url(
        slack: SlackDriver, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(adapters.slack.listeners, "ACK_BUDGET", 0.05)
    release = asyncio.Event()

    async def slow(ctx: Context, args: Args) -> Reply:
        await release.wait()
        return Reply(text="Here is your report")

    slack.runtime.commands.add(Command(name="report", summary="slow", handler=slow))
    started = time.monotonic()
    answer = await slack.command("report")
    assert (answer.status, answer.text) == (200, "")
    assert time.monotonic() - started < 1
    release.set()
    [response] = await slack.fake.wait_for("respond")
    assert response.method == "respond:command"
    assert response.params["response_type"] == "ephemeral"
    assert response.params["text"] == "Here is your report"


async def test_a_form_opens_a_modal_and_errors_show_by_the_field(slack: SlackDriver) -> None:
    form = Form(action_id="register", title="Register", submit_label="Save", value="7",
                inputs=(FormInput("name", "Name", required=True),
                        FormInput("date", "Date", kind="date")))
    add_command(slack, "register form", Reply(form=form))
    submissions: list[Context] = []

    async def register(ctx: Context, args: Args) -> Reply:
        submissions.append(ctx)
        if args.named.get("date") != "2026-12-10":
            raise InvalidFields({"date": "Pick a Thursday"})
        return Reply(text=f"Registered {args.named['name']} for {args.positional[0]}",
                     public=True)

    slack.runtime.commands.add(Command(name="register", summary="t", handler=register))
    answer = await slack.command("register form")
    assert (answer.status, answer.text) == (200, "")
    [opened] = slack.fake.calls_to("views.open")
    view = opened.params["view"]
    assert opened.params["trigger_id"].startswith("trigger-")
    assert [b["block_id"] for b in view["blocks"]] == ["name", "date"]

    submitted = payload("view_submission")
    submitted["view"].update(blocks=view["blocks"], private_metadata=view["private_metadata"])
    submitted["view"]["state"]["values"] = {
        "name": {"name": {"type": "plain_text_input", "value": "Steve"}},
        "date": {"date": {"type": "datepicker", "selected_date": "2026-12-11"}}}
    refused = await slack.interaction(submitted)
    assert refused.json == {"response_action": "errors", "errors": {"date": "Pick a Thursday"}}

    submitted["view"]["state"]["values"]["date"]["date"]["selected_date"] = "2026-12-10"
    accepted = await slack.interaction(submitted)
    assert (accepted.status, accepted.text) == (200, "")  # closes the modal
    [response] = await slack.fake.wait_for("respond")
    assert response.params["text"] == "Registered Steve for 7"
    assert response.params["response_type"] == "in_channel"
    assert len(submissions) == 2


async def test_a_form_slack_cannot_open_is_offered_as_a_button(slack: SlackDriver) -> None:
    slack.fake.fail("views.open", "expired_trigger_id")
    form = Form(action_id="register", title="Register", inputs=(FormInput("name", "Name"),))
    add_command(slack, "register form", Reply(form=form))
    answer = await slack.command("register form")
    assert answer.status == 200
    blocks = answer.json["blocks"]
    assert 'register name="…"' in blocks[0]["text"]["text"]
    assert blocks[1]["elements"][0]["action_id"] == "register"


async def test_a_form_button_that_fails_again_offers_only_the_typed_way(
        slack: SlackDriver) -> None:
    slack.fake.fail("views.open", "expired_trigger_id")
    form = Form(action_id="register", title="Register", inputs=(FormInput("name", "Name"),))
    add_command(slack, "register", Reply(form=form))
    body = payload("block_actions")
    body["actions"][0].update(action_id="register", value="")
    body["response_url"] = slack.fake.response_url("register-again")
    await slack.interaction(body)
    [answer] = await slack.fake.wait_for("respond")
    assert 'type instead: `register name="…"`' in answer.params["blocks"][0]["text"]["text"]
    assert not [b for b in answer.params["blocks"] if b["type"] == "actions"]  # no loop


async def test_a_file_reply_is_uploaded_to_the_dm(slack: SlackDriver) -> None:
    ics = Attachment("seminar.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    add_command(slack, "ics", Reply(text="Your calendar file is in our DM.", file=ics))
    answer = await slack.command("ics")
    assert answer.json["text"] == "Your calendar file is in our DM."
    [complete] = await slack.fake.wait_for("files.completeUploadExternal")
    assert complete.params["channel_id"] == "D" + USER[1:]
    assert list(slack.fake.uploads.values()) == [ics.content]


async def test_a_file_alone_is_announced_in_the_ack(slack: SlackDriver) -> None:
    add_command(slack, "ics", Reply(file=Attachment("seminar.ics", "text/calendar", b"x")))
    answer = await slack.command("ics")
    assert answer.json["text"] == "I've sent you seminar.ics in a direct message."
    await slack.fake.wait_for("files.completeUploadExternal")


async def test_notifications_are_sent_after_the_ack(slack: SlackDriver) -> None:
    async def promote(ctx: Context, args: Args) -> Reply:
        ctx.notify(Person("slack", TEAM, "U999", "Olive"), Reply(text="You have a place now"))
        return Reply(text="Done")

    slack.runtime.commands.add(Command(name="promote", summary="t", handler=promote))
    assert (await slack.command("promote")).json["text"] == "Done"
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert (post.params["channel"], post.text) == ("U999", "You have a place now")


# ------------------------------------------------------------------ signatures
@pytest.mark.parametrize("tamper", ["forged", "expired", "missing", "altered body"])
async def test_unsigned_requests_are_refused_and_reach_no_handler(
        slack: SlackDriver, tamper: str) -> None:
    calls = add_command(slack, "probe")
    body = slack.command_body("probe")
    if tamper == "forged":
        headers = signed_headers(body, secret="not-the-secret")
    elif tamper == "expired":
        headers = signed_headers(body, timestamp=int(time.time()) - 6 * 60)
    elif tamper == "missing":
        headers = {}
    else:
        headers = signed_headers(body)
        body = body.replace("probe", "probe+evil")
    answer = await slack.post(body, "application/x-www-form-urlencoded", headers=headers)
    assert answer.status == 401
    await slack.fake.settle()
    assert calls == []
    assert slack.fake.calls == [] and slack.fake.responses == []


async def test_a_request_signed_within_five_minutes_is_accepted(slack: SlackDriver) -> None:
    calls = add_command(slack, "probe")
    body = slack.command_body("probe")
    headers = signed_headers(body, timestamp=int(time.time()) - 4 * 60)
    assert (await slack.post(body, "application/x-www-form-urlencoded",
                             headers=headers)).status == 200
    assert len(calls) == 1


async def test_url_verification(slack: SlackDriver) -> None:
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    answer = await slack.event({"token": "t", "challenge": challenge,
                                "type": "url_verification"})
    assert (answer.status, answer.json) == (200, {"challenge": challenge})


# ------------------------------------------------------------------ mentions and DMs
async def test_a_mention_is_answered_in_its_thread(slack: SlackDriver) -> None:
    calls = add_command(slack, "probe")
    body = payload("app_mention")
    body["event"]["text"] = "<@UBOT> probe one two"
    answer = await slack.event(body)
    assert (answer.status, answer.text) == (200, "")
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert post.params["channel"] == CHANNEL
    assert post.params["thread_ts"] == body["event"]["ts"]
    assert post.text == "probe ran with 'one two'"
    assert calls[0].incoming.is_mention


async def test_a_dm_is_answered_in_the_dm(slack: SlackDriver) -> None:
    answer = await slack.event(payload("message_im"))
    assert answer.status == 200
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert post.params["channel"] == "D024BE91L"
    assert "thread_ts" not in post.params
    assert "list what I can do" in json.dumps(post.blocks)


async def test_a_retried_event_changes_nothing(slack: SlackDriver) -> None:
    calls = add_command(slack, "probe")
    body = payload("app_mention")
    body["event"]["text"] = "<@UBOT> probe"
    assert (await slack.event(body)).status == 200
    await slack.fake.wait_for("chat.postMessage")
    for retry in (1, 2):
        assert (await slack.event(body, retry_num=retry)).status == 200
    await slack.fake.settle()
    assert len(calls) == 1
    assert len(slack.fake.calls_to("chat.postMessage")) == 1


async def test_a_rate_limited_answer_is_delivered_once(slack: SlackDriver) -> None:
    slack.fake.rate_limit("chat.postMessage", retry_after=0, times=1)
    await slack.event(payload("message_im"))
    await slack.fake.wait_for("chat.postMessage")
    await slack.fake.settle()
    assert [c.status for c in slack.fake.calls_to("chat.postMessage")] == [429, 200]


async def test_a_channel_the_bot_cannot_post_in_gets_a_dm_instead(slack: SlackDriver) -> None:
    slack.fake.fail("chat.postMessage", "not_in_channel", times=1)
    answer = await slack.event(payload("app_mention"))
    assert answer.status == 200
    apology, reply = await slack.fake.wait_for("chat.postMessage", 2)
    assert apology.params["channel"] == USER and "/invite @copbot" in apology.text
    assert reply.params["channel"] == USER and reply.text.startswith("Communities")


async def test_bot_messages_and_edits_are_ignored(slack: SlackDriver) -> None:
    edited = payload("message_im")
    edited["event"]["subtype"] = "message_changed"
    edited["event_id"] = "Ev-edit"
    assert (await slack.event(edited)).status == 200
    await slack.fake.settle()
    assert not slack.fake.calls_to("chat.postMessage")


# ------------------------------------------------------------------ buttons
async def test_a_button_on_a_private_answer_replaces_it(slack: SlackDriver) -> None:
    calls = add_command(slack, "probe", Reply(text="Signed up", buttons=()))
    body = payload("block_actions")
    body["actions"][0].update(action_id="probe", value="12")
    body["response_url"] = slack.fake.response_url("action")
    answer = await slack.interaction(body)
    assert (answer.status, answer.text) == (200, "")
    [response] = await slack.fake.wait_for("respond")
    assert response.params["replace_original"] is True
    assert response.params["text"] == "Signed up"
    assert calls[0].incoming.action is not None
    assert (calls[0].incoming.action.id, calls[0].incoming.action.value) == ("probe", "12")


async def test_a_button_on_a_shared_message_answers_privately(slack: SlackDriver) -> None:
    add_command(slack, "probe")
    body = payload("block_actions")
    body["container"]["is_ephemeral"] = False
    body["actions"][0].update(action_id="probe", value="12")
    body["response_url"] = slack.fake.response_url("action")
    await slack.interaction(body)
    [response] = await slack.fake.wait_for("respond")
    assert response.params["replace_original"] is False
    assert response.params["response_type"] == "ephemeral"


async def test_an_expired_response_url_falls_back_to_a_dm(slack: SlackDriver) -> None:
    add_command(slack, "probe")
    slack.fake.fail_response_url("action")
    body = payload("block_actions")
    body["actions"][0].update(action_id="probe", value="")
    body["response_url"] = slack.fake.response_url("action")
    await slack.interaction(body)
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert post.params["channel"] == USER and post.text == "probe ran with ''"


# ------------------------------------------------------------------ start-up
async def test_refuses_to_start_without_a_signing_secret(
        slack_settings: Settings, slack_own_settings: SlackSettings, database: Database) -> None:
    unsigned = SlackSettings(_env_file=None,  # type: ignore[call-arg]
                             bot_token="xoxb-test-token", api_url=slack_own_settings.api_url)
    with pytest.raises(SettingsError, match="COPBOT_SLACK_SIGNING_SECRET"):
        await create_app(Runtime(slack_settings, database=database,
                                 platforms=platforms(slack=unsigned)))


async def test_the_app_starts_without_talking_to_slack(
        slack_settings: Settings, slack_own_settings: SlackSettings, database: Database,
        fake_slack: FakeSlack) -> None:
    app = await create_app(Runtime(slack_settings, database=database,
                                   platforms=platforms(slack=slack_own_settings)))
    assert any(r.resource is not None and r.resource.canonical == "/slack/events"
               for r in app.router.routes())
    assert fake_slack.calls == []



async def test_a_replayed_interaction_runs_once(slack: SlackDriver) -> None:
    calls = add_command(slack, "probe")
    body = payload("block_actions")
    body["actions"][0].update(action_id="probe", value="")
    body["response_url"] = slack.fake.response_url("action")
    await slack.interaction(body)
    await slack.fake.wait_for("respond")
    await slack.interaction(body, replay=True)  # e.g. a Socket Mode redelivery
    await slack.fake.settle()
    assert len(calls) == 1 and len(slack.fake.responses) == 1
