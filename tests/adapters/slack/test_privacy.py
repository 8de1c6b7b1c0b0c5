"""Private by default in channels, through the real slack_sdk client and the fake Slack Web
API: what one person asks about themselves with ``@copbot`` in a channel is shown only to
them (``chat.postEphemeral`` in that thread, or a DM where Slack cannot); lists posted for
everyone carry nobody's own state."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from bot.settings import Settings
from tests.adapters.slack.driver import CHANNEL, TEAM, USER, SlackDriver, payload
from tests.adapters.slack.fake_slack import Call

ORGANISER = "UORG"
LINK = "https://meet.example/spc"
_ids = itertools.count(1)


@pytest.fixture
def slack_settings(slack_settings: Settings) -> Settings:
    return slack_settings.model_copy(update={"organisers": [f"slack:{TEAM}:{ORGANISER}"]})


async def add_event(slack: SlackDriver) -> None:
    slack.fake.users[ORGANISER] = "Olive Organiser"
    created = await slack.command(
        f'event add title="Intro to SPC" start="2026-12-10 14:00" duration=90m capacity=5 '
        f"link={LINK}", user_id=ORGANISER, user_name="olive")
    assert "Created #1" in created.json["text"]


def mention_body(text: str, user: str = USER) -> dict[str, Any]:
    body = payload("app_mention")
    n = next(_ids)
    body["event_id"] = f"Ev{n:08d}"
    body["event"].update(text=f"<@UBOT> {text}", user=user, ts=f"1515449600.{n:06d}",
                         event_ts=f"1515449600.{n:06d}")
    return body


async def mention(slack: SlackDriver, text: str, user: str = USER) -> None:
    assert (await slack.event(mention_body(text, user))).status == 200


def shown(call: Call) -> str:
    return json.dumps(call.params)


async def test_signup_in_a_channel_shows_the_link_only_to_the_person(
        slack: SlackDriver) -> None:
    await add_event(slack)
    body = mention_body("signup 1")
    assert (await slack.event(body)).status == 200

    [private] = await slack.fake.wait_for("chat.postEphemeral")
    assert private.params["channel"] == CHANNEL and private.params["user"] == USER
    assert private.params["thread_ts"] == body["event"]["ts"]  # in the thread asked in
    assert "You're registered" in private.text and LINK in shown(private)
    await slack.fake.settle()
    assert not any(LINK in shown(c) for c in slack.fake.calls_to("chat.postMessage"))
    assert slack.fake.calls_to("chat.postMessage") == []  # Slack itself shows it in place


async def test_my_data_and_attendees_in_a_channel_are_ephemeral(slack: SlackDriver) -> None:
    await add_event(slack)
    await slack.command("signup 1")
    await mention(slack, "my data")
    await mention(slack, "attendees 1", user=ORGANISER)

    answers = await slack.fake.wait_for("chat.postEphemeral", 2)
    by_user = {c.params["user"]: c for c in answers}
    assert "What I hold about you" in by_user[USER].text
    assert "Attendees of #1 Intro to SPC" in by_user[ORGANISER].text
    assert "Steve Analyst" in shown(by_user[ORGANISER])
    await slack.fake.settle()
    assert slack.fake.calls_to("chat.postMessage") == []


async def test_events_in_a_channel_show_nobodys_own_place(slack: SlackDriver) -> None:
    await add_event(slack)
    await slack.command("signup 1")
    await mention(slack, "events")

    [listing] = await slack.fake.wait_for("chat.postMessage")
    assert listing.params["channel"] == CHANNEL
    assert "4 of 5 left" in shown(listing)
    assert "you have a place" not in shown(listing)
    buttons = [e["text"]["text"] for b in listing.blocks if b["type"] == "actions"
               for e in b["elements"]]
    assert buttons == ["Sign up"]
    assert slack.fake.calls_to("chat.postEphemeral") == []


async def test_a_button_on_a_public_card_answers_privately(slack: SlackDriver) -> None:
    await add_event(slack)
    await mention(slack, "events")
    [listing] = await slack.fake.wait_for("chat.postMessage")
    [sign_up] = [e for b in listing.blocks if b["type"] == "actions" for e in b["elements"]
                 if e["action_id"] == "signup"]

    press = payload("block_actions")
    press["container"].update(is_ephemeral=False, message_ts=listing.answer["ts"])
    press["actions"][0].update(action_id=sign_up["action_id"], value=sign_up["value"],
                               text=sign_up["text"])
    press["response_url"] = slack.fake.response_url("public-card")
    assert (await slack.interaction(press)).status == 200

    [answer] = await slack.fake.wait_for("respond")
    assert answer.params["response_type"] == "ephemeral"
    assert answer.params["replace_original"] is False  # the channel's card stays as it was
    assert "You're registered" in answer.params["text"] and LINK in shown(answer)
    await slack.fake.settle()
    assert len(slack.fake.calls_to("chat.postMessage")) == 1  # only the list


async def test_where_ephemeral_is_impossible_the_answer_is_a_dm(slack: SlackDriver) -> None:
    await add_event(slack)
    slack.fake.fail("chat.postEphemeral", "user_not_in_channel")
    await mention(slack, "signup 1")

    [dm] = await slack.fake.wait_for("chat.postMessage")
    assert dm.params["channel"] == USER  # Slack posts it in the DM with them
    assert "You're registered" in dm.text and LINK in shown(dm)
    await slack.fake.settle()
    assert [c.params["channel"] for c in slack.fake.calls_to("chat.postMessage")] == [USER]
