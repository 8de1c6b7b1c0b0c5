"""The events feature through Slack, end to end: an organiser adds a seminar with the modal,
members sign up with the button, retries change nothing, and a freed place reaches the
next person as a DM."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.settings import Settings
from storage.db import Database
from storage.models.events import Registration
from tests.adapters.slack.driver import TEAM, USER, SlackDriver, payload
from tests.adapters.slack.fake_slack import FakeSlack

ORGANISER = "UORG"
BOB = "UBOB"


@pytest.fixture
def slack_settings(slack_settings: Settings) -> Settings:
    return slack_settings.model_copy(update={"organisers": [f"slack:{TEAM}:{ORGANISER}"]})


async def registrations(database: Database, status: str | None = None) -> int:
    async with database.session() as session:
        query = select(func.count()).select_from(Registration)
        if status is not None:
            query = query.where(Registration.status == status)
        return int((await session.execute(query)).scalar_one())


def _submission(view: dict[str, Any], values: dict[str, str], user: str) -> dict[str, Any]:
    body = payload("view_submission")
    body["user"].update(id=user, username=user.lower(), name=user.lower())
    body["view"].update(blocks=view["blocks"], private_metadata=view["private_metadata"])
    kinds = {b["block_id"]: b["element"]["type"] for b in view["blocks"]}
    state: dict[str, Any] = {}
    for name, kind in kinds.items():
        value = values.get(name, "")
        if kind == "datepicker":
            element = {"type": kind, "selected_date": value or None}
        elif kind == "timepicker":
            element = {"type": kind, "selected_time": value or None}
        elif kind == "static_select":
            element = {"type": kind,
                       "selected_option": {"value": value} if value else None}
        else:
            element = {"type": kind, "value": value or None}
        state[name] = {name: element}
    body["view"]["state"] = {"values": state}
    return body


async def add_event(slack: SlackDriver, *, capacity: str = "20") -> int:
    """An organiser adds a seminar through ``/copbot event add`` and its modal."""
    slack.fake.users[ORGANISER] = "Olive Organiser"
    answer = await slack.command("event add", user_id=ORGANISER, user_name="olive")
    assert (answer.status, answer.text) == (200, "")
    [opened] = await slack.fake.wait_for("views.open")
    view = opened.params["view"]
    assert view["title"]["text"] == "New event"

    values = {"title": "Intro to SPC <charts>", "date": "2026-11-30", "time": "14:00",
              "duration": "90m", "capacity": capacity, "community": "analysis"}
    refused = await slack.interaction(_submission(view, values, ORGANISER))
    assert refused.json["response_action"] == "errors"
    assert set(refused.json["errors"]) == {"date"}  # in the past: shown by the date field
    assert await _event_count(slack) == 0

    values["date"] = "2026-12-10"
    accepted = await slack.interaction(_submission(view, values, ORGANISER))
    assert (accepted.status, accepted.text) == (200, "")
    [card] = await slack.fake.wait_for("respond")
    assert card.params["text"].startswith("Created ")
    assert "Intro to SPC &lt;charts&gt;" in card.params["text"]
    slack.fake.responses.clear()
    found = re.search(r"signup (\d+)", str(card.params["blocks"]))
    assert found is not None
    return int(found.group(1))


async def _event_count(slack: SlackDriver) -> int:
    async with slack.runtime.database.session() as session:
        from storage.models.events import Event

        return int((await session.execute(select(func.count()).select_from(Event))).scalar_one())


def _press(slack: SlackDriver, button: dict[str, Any], user: str = USER) -> dict[str, Any]:
    body = payload("block_actions")
    body["user"].update(id=user)
    body["actions"][0].update(action_id=button["action_id"], value=button["value"],
                              text=button["text"])
    body["response_url"] = slack.fake.response_url(f"press-{user}")
    return body


def _buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


async def test_sign_up_with_the_button_then_cancel(slack: SlackDriver,
                                                   database: Database) -> None:
    event_id = await add_event(slack)
    listing = await slack.command("events")
    assert listing.json["response_type"] == "ephemeral"
    [sign_up] = [b for b in _buttons(listing.json["blocks"]) if b["action_id"] == "signup"]
    assert sign_up["value"] == str(event_id)

    assert (await slack.interaction(_press(slack, sign_up))).status == 200
    [answer] = await slack.fake.wait_for("respond")
    assert answer.params["replace_original"] is True  # the private list turns into the card
    assert "You're registered" in answer.params["text"]
    assert await registrations(database, "confirmed") == 1
    [cancel] = [b for b in _buttons(answer.params["blocks"]) if b["action_id"] == "cancel"]

    # Add to calendar answers apart: the card with Join and Cancel stays
    [calendar] = [b for b in _buttons(answer.params["blocks"])
                  if b["action_id"].startswith("calendar")]
    slack.fake.responses.clear()
    await slack.interaction(_press(slack, calendar))
    [file_answer] = await slack.fake.wait_for("respond")
    assert file_answer.params["replace_original"] is False
    assert "for your calendar" in file_answer.params["text"]

    slack.fake.responses.clear()
    await slack.interaction(_press(slack, cancel))
    [cancelled] = await slack.fake.wait_for("respond")
    assert "given up your place" in cancelled.params["text"]
    assert await registrations(database, "confirmed") == 0


async def test_a_retried_dm_does_not_sign_up_twice(slack: SlackDriver,
                                                   database: Database) -> None:
    event_id = await add_event(slack)
    body = payload("message_im")
    body["event"]["text"] = f"signup {event_id}"
    assert (await slack.event(body)).status == 200
    [first] = await slack.fake.wait_for("chat.postMessage")
    assert "You have a place" in first.text
    for retry in (1, 2, 3):
        assert (await slack.event(body, retry_num=retry)).status == 200
    await slack.fake.settle()
    assert len(slack.fake.calls_to("chat.postMessage")) == 1  # no "already registered"
    assert await registrations(database) == 1


async def test_a_freed_place_reaches_the_waitlist_by_dm(slack: SlackDriver,
                                                        fake_slack: FakeSlack,
                                                        database: Database) -> None:
    fake_slack.users[BOB] = "Bob Builder"
    event_id = await add_event(slack, capacity="1")
    assert "You're registered" in (await slack.command(f"signup {event_id}")).json["text"]
    waiting = await slack.command(f"signup {event_id}", user_id=BOB, user_name="bob")
    assert "waitlist" in waiting.json["text"]

    assert "given up your place" in (await slack.command(f"cancel {event_id}")).json["text"]
    [promoted] = await slack.fake.wait_for("chat.postMessage")
    assert promoted.params["channel"] == BOB
    assert "Intro to SPC &lt;charts&gt;" in promoted.text
    assert await registrations(database, "confirmed") == 1
