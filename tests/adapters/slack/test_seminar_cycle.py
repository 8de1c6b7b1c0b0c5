"""The seminar cycle through Slack, end to end with the real slack_sdk client and the fake
Web API: the email from the Slack profile is kept, the Check in button in the last
reminder and the rating buttons on the feedback card work when pressed, the one-sentence form
opens as a modal, and the Vote button toggles."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from adapters.slack.convert import command_of
from bot.clock import FixedClock
from bot.scheduler.pacing import ChannelPacer
from bot.scheduler.posts import ScheduledPosts
from storage.db import Database
from storage.models import Person
from storage.models.seminars import Attendance, Feedback
from tests.adapters.slack.driver import TEAM, USER, SlackDriver
from tests.adapters.slack.test_events import _buttons, _press, _submission
from tests.bot.scheduler.support import FakeTime, add_event, register


def _scheduler(slack: SlackDriver, clock: FixedClock) -> ScheduledPosts:
    time = FakeTime()
    return ScheduledPosts(slack.runtime.database, slack.runtime.transports,
                          slack.runtime.settings, clock,
                          pacer=ChannelPacer(monotonic=time.monotonic, sleep=time.sleep),
                          sleep=time.sleep)


def _dm_buttons(slack: SlackDriver, action_id: str) -> list[dict[str, Any]]:
    found = []
    for post in slack.fake.calls_to("chat.postMessage", ok_only=True):
        if post.params["channel"] == USER:
            found += [b for b in _buttons(post.params.get("blocks") or [])
                      if command_of(b["action_id"]) == action_id]
    return found


async def test_check_in_then_rate_then_one_signed_sentence(
        slack: SlackDriver, database: Database, clock: FixedClock) -> None:
    slack.fake.emails[USER] = "Steve.Analyst@example.nhs.uk"
    assert (await slack.command("my learning")).status == 200
    async with database.session() as session:
        me = (await session.execute(select(Person).where(Person.user_id == USER))).scalar_one()
    assert me.email == "steve.analyst@example.nhs.uk"  # kept for attendance reports

    starts = clock.now() + timedelta(minutes=15)
    event = await add_event(database, starts, created_at=clock.now() - timedelta(days=3))
    await register(database, event, USER, workspace=TEAM)
    posts = _scheduler(slack, clock)
    await posts.tick()
    [check_in] = _dm_buttons(slack, "checkin")
    await slack.interaction(_press(slack, check_in))
    [checked] = await slack.fake.wait_for("respond")
    assert f"Checked in to #{event} Intro to SPC" in checked.params["text"]
    async with database.session() as session:
        [came] = (await session.execute(select(Attendance))).scalars().all()
    assert came.source == "check-in"

    clock.set(starts + timedelta(minutes=61))  # the seminar has ended
    await posts.tick()
    ratings = _dm_buttons(slack, "rate")
    assert [b["value"] for b in ratings] == [f"{event} {n}" for n in range(1, 6)]
    slack.fake.responses.clear()
    await slack.interaction(_press(slack, ratings[3]))
    [opened] = await slack.fake.wait_for("views.open")
    view = opened.params["view"]
    assert view["title"]["text"] == "One sentence (optional)"
    await slack.interaction(_submission(view, {"comment": "Clear and practical.",
                                               "sign": "yes"}, USER))
    [thanks] = await slack.fake.wait_for("respond")
    assert "organisers see the comment with your name" in thanks.params["text"]
    async with database.session() as session:
        [given] = (await session.execute(select(Feedback))).scalars().all()
    assert (given.rating, given.comment, given.signed) == (4, "Clear and practical.", True)
    await posts.tick()
    assert len(_dm_buttons(slack, "rate")) == 5  # one card, never a second


async def test_the_vote_button_toggles(slack: SlackDriver) -> None:
    await slack.command("suggest Bayesian methods", user_id="UBOB", user_name="bob")
    listing = await slack.command("topics")
    [vote] = [b for b in _buttons(listing.json["blocks"]) if b["action_id"] == "vote"]
    assert vote["value"] == "T1"
    await slack.interaction(_press(slack, vote))
    [voted] = await slack.fake.wait_for("respond")
    assert "You voted for T1 “Bayesian methods” (2 votes)" in voted.params["text"]
    [again] = [b for b in _buttons(voted.params["blocks"]) if b["action_id"] == "vote"]
    slack.fake.responses.clear()
    await slack.interaction(_press(slack, again))
    [withdrawn] = await slack.fake.wait_for("respond")
    assert "You withdrew your vote for T1" in withdrawn.params["text"]
