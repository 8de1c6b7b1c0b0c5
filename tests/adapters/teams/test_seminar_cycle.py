"""The seminar cycle through Teams, end to end with the real SDK and the fake Bot Framework
connector: the feedback card reaches the attendee's personal chat through the scheduler, the
rating button and the one-sentence form work, and the Vote button toggles."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from bot.clock import FixedClock
from bot.scheduler.pacing import ChannelPacer
from bot.scheduler.posts import ScheduledPosts
from storage.models import Person
from storage.models.seminars import Attendance, Feedback
from tests.adapters.teams.cardwalk import elements
from tests.adapters.teams.conftest import ALICE_AAD, ALICE_CHAT, Copbot
from tests.adapters.teams.fake_connector import TENANT
from tests.adapters.teams.test_network import actions, press
from tests.bot.scheduler.support import FakeTime, add_event, register


def _scheduler(copbot: Copbot, clock: FixedClock) -> ScheduledPosts:
    time = FakeTime()
    runtime = copbot.runtime
    return ScheduledPosts(runtime.database, runtime.transports, runtime.settings, clock,
                          pacer=ChannelPacer(monotonic=time.monotonic, sleep=time.sleep),
                          sleep=time.sleep)


async def test_the_feedback_card_is_rated_and_commented_in_teams(
        copbot: Copbot, clock: FixedClock) -> None:
    database = copbot.runtime.database
    await copbot.send("personal_message.json", text="my learning")  # copbot knows her chat
    starts = clock.now() - timedelta(hours=2)
    event = await add_event(database, starts, created_at=starts - timedelta(days=30))
    await register(database, event, ALICE_AAD, platform="teams", workspace=TENANT)
    async with database.session() as session:
        alice = (await session.execute(select(Person).where(Person.user_id == ALICE_AAD))
                 ).scalar_one()
        session.add(Attendance(event_id=event, person_id=alice.id, source="organiser",
                               recorded_at=starts))
    copbot.teams.posts.clear()
    posts = _scheduler(copbot, clock)
    await posts.tick()
    [card_post] = copbot.teams.posts
    assert card_post.conversation_id == ALICE_CHAT
    assert f"How was #{event} Intro to SPC?" in json.dumps(card_post.card)
    ratings = [a for a in actions(card_post.card) if a["title"] in ("1 poor", "2", "3", "4",
                                                                     "5 excellent")]
    assert len(ratings) == 5
    answer = await press(copbot, ratings[4])
    shown = json.dumps(answer)
    assert "you rated" in shown and "5/5" in shown
    inputs = {e["id"] for e in elements(answer) if str(e.get("type", "")).startswith("Input.")}
    assert {"comment", "sign"} <= inputs
    [send] = [a for a in actions(answer) if a["title"] == "Send"]
    submitted = dict(send["data"], comment="More examples from A&E, please.", sign="no")
    thanks = await press(copbot, {**send, "data": submitted})
    assert "without your name" in json.dumps(thanks)
    async with database.session() as session:
        [given] = (await session.execute(select(Feedback))).scalars().all()
    assert (given.rating, given.comment, given.signed) == (
        5, "More examples from A&E, please.", False)
    copbot.teams.posts.clear()
    await posts.tick()
    assert copbot.teams.posts == []  # exactly one card


async def test_the_vote_button_toggles_in_teams(copbot: Copbot) -> None:
    await copbot.send("personal_message.json", text="suggest Bayesian methods")
    await copbot.send("personal_message.json", text="topics")
    listing = copbot.teams.posts[-1].card
    [vote] = [a for a in actions(listing) if a["title"] == "Withdraw my vote"]
    withdrawn = await press(copbot, vote)
    assert "You withdrew your vote for T1" in json.dumps(withdrawn)
    [again] = [a for a in actions(withdrawn) if a["title"] == "Vote"]
    voted = await press(copbot, again)
    assert "You voted for T1" in json.dumps(voted) and "(1 vote)" in json.dumps(voted)


ALICE_MEMBER = "29:1aliceMemberIdXk_4YPWQmr3DZUM1I6ihf5L2ocCDqg9S1vkHK6kRdGfK1P"


async def _alice(copbot: Copbot) -> Person:
    async with copbot.runtime.database.session() as session:
        return (await session.execute(select(Person).where(Person.user_id == ALICE_AAD))
                ).scalar_one()


async def test_the_email_from_a_member_lookup_is_kept(copbot: Copbot) -> None:
    copbot.teams.members[ALICE_MEMBER] = {
        "id": ALICE_MEMBER, "name": "Alice Analyst", "aadObjectId": ALICE_AAD,
        "email": "Alice.Analyst@example.nhs.uk",
        "userPrincipalName": "alice.analyst@example.nhs.uk"}
    await copbot.send("personal_message.json", text="topics")
    await copbot.send("personal_message.json", text="my learning")
    assert copbot.teams.member_lookups == [ALICE_MEMBER]  # cached after the first
    assert (await _alice(copbot)).email == "alice.analyst@example.nhs.uk"


async def test_a_failed_member_lookup_costs_the_answer_nothing(copbot: Copbot) -> None:
    await copbot.send("personal_message.json", text="topics")  # Teams answers 404
    assert copbot.teams.member_lookups == [ALICE_MEMBER]
    assert "No open topic suggestions" in json.dumps(copbot.teams.posts[-1].body)
    assert (await _alice(copbot)).email is None
