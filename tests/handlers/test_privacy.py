"""``my data`` and ``forget me``: members see what is held and can have it deleted."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select

from bot.types import Surface
from storage.models.deliveries import Delivery
from storage.models.network import NetworkAnswer, PostedMessage
from tests.handlers.test_events import SPC, add_event
from tests.handlers.test_network import QUESTION, question_id, setup_network
from tests.testbot import TestBot

ANSWER = "Use the NHS-R SPC package; it follows the Making Data Count rules."


async def alice_leaves_a_trail(bot: TestBot) -> tuple[str, str]:
    event_id = await add_event(bot, capacity=1, text=SPC)
    await bot.say(f"signup {event_id}", as_="alice")
    await bot.say(f"signup {event_id}", as_="bob")  # waitlisted behind alice
    await bot.say("expertise add SPC, funnel plots", as_="alice")
    asked = await bot.say("Which R package draws SPC charts with NHS rules?", as_="alice")
    found = re.search(r"Q\d+", asked.text)
    assert found
    return event_id, found.group(0)


async def test_my_data_lists_everything_held(bot: TestBot) -> None:
    event_id, q = await alice_leaves_a_trail(bot)
    reply = await bot.say("my data", as_="alice")
    assert f"#{event_id} Intro to SPC charts" in reply.text and "confirmed" in reply.text
    assert f"{q} “Which R package draws SPC charts" in reply.text
    assert "Expertise (2):\n• SPC (added Thu 3 Dec 2026, 10:00 GMT)\n• funnel plots" in reply.text
    assert reply.personal  # only Alice may see it, wherever she asked


async def test_my_data_includes_faq_entries_escalations_and_when(bot: TestBot) -> None:
    await setup_network(bot)
    q = question_id(await bot.say(QUESTION, as_="carol"))
    await bot.say(f"escalate {q}", as_="carol")
    await bot.say(f"answer {q} {ANSWER}", as_="bob")
    draft = re.search(r"F\d+", (await bot.say(f"accept {q}", as_="carol")).text)
    assert draft
    bob = (await bot.say("my data", as_="bob")).text
    assert (f"FAQ entries you own, are credited on or added (1):\n• {draft.group(0)} "
            f"“{QUESTION}” (draft, recorded Thu 3 Dec 2026, 10:00 GMT)") in bob
    assert f"Answers you gave (1):\n• “{ANSWER}” (given Thu 3 Dec 2026" in bob
    carol = (await bot.say("my data", as_="carol")).text
    assert (f"Questions you put to the network (1):\n• {q}, accepted "
            "(since Thu 3 Dec 2026, 10:00 GMT)") in carol
    assert "FAQ entries you own, are credited on or added (0)" in carol


async def test_after_forget_me_ids_are_not_reused_and_old_threads_reach_nobody(
        bot: TestBot) -> None:
    await setup_network(bot)
    old = question_id(await bot.say(QUESTION, as_="alice"))
    await bot.say(f"escalate {old}", as_="alice")
    thread = "m1"  # the experts' card: the first post
    async with bot.runtime.database.session() as session:
        [posted] = (await session.execute(select(PostedMessage))).scalars()
        assert posted.message_id == thread
        # The scheduler raised the question again in another channel's thread.
        now = bot.clock.now()
        session.add(Delivery(kind="question_followup", subject=f"question:{old[1:]}",
                             target="console::#analysts", scheduled_at=now,
                             platform="console", workspace="", conversation_id="analysts",
                             status="sent", next_attempt_at=now, message_id="m99",
                             created_at=now, updated_at=now))
    await bot.press("forget me", "confirm", as_="alice")
    bot.clock.advance(timedelta(minutes=1))

    new = question_id(await bot.say("Where is the SUS data dictionary kept?", as_="dave"))
    assert int(new[1:]) > int(old[1:])
    await bot.say(f"escalate {new}", as_="dave")
    sent_before = len(bot.transport.sent)
    for channel, message in (("experts", thread), ("analysts", "m99")):
        await bot.send(replace(bot.incoming(ANSWER, as_="bob", channel=channel,
                                            surface=Surface.MENTION), thread_id=message))
    assert bot.transport.sent[sent_before:] == []  # nobody was told anything
    async with bot.runtime.database.session() as session:
        assert (await session.execute(
            select(func.count()).select_from(NetworkAnswer))).scalar_one() == 0
        subjects = set((await session.execute(select(PostedMessage.subject))).scalars())
        subjects |= set((await session.execute(select(Delivery.subject))).scalars())
        assert f"question:{old[1:]}" not in subjects


async def test_forget_me_asks_first_then_deletes_and_frees_the_place(bot: TestBot) -> None:
    event_id, _ = await alice_leaves_a_trail(bot)
    ask = await bot.say("forget me", as_="alice")
    assert [b.command_text for b in ask.buttons] == ["forget me confirm"]
    assert "confirmed" in (await bot.say("my data", as_="alice")).text  # nothing deleted yet

    done = await bot.press("forget me", "confirm", as_="alice")
    assert "forgotten" in done.text
    # Bob was next on the waitlist: he gets the place and is told.
    assert any("place" in r.text.lower() or "confirmed" in r.text.lower()
               for r in bot.notifications_to("bob"))
    attendees = await bot.say(f"attendees {event_id}", as_="olive")
    shown = str(attendees)
    assert "Alice" not in shown and "Bob" in shown
    export_free = await bot.say("who knows SPC", as_="olive")
    assert "Nobody" in export_free.text
    # Coming back, alice is a stranger.
    fresh = await bot.say("my data", as_="alice")
    assert "Event registrations (0)" in fresh.text and "Questions you asked (0)" in fresh.text


async def test_approved_answers_stay_unattributed(bot: TestBot) -> None:
    await bot.say("subscribe all questions", as_="olive", channel="experts")
    asked = await bot.say("Which R package draws SPC charts with NHS rules?", as_="carol")
    found = re.search(r"Q\d+", asked.text)
    assert found
    q = found.group(0)
    await bot.say(f"escalate {q}", as_="carol")
    await bot.say(f"answer {q} {ANSWER}", as_="alice")
    accepted = await bot.say(f"accept {q}", as_="carol")
    draft = re.search(r"F\d+", accepted.text)
    assert draft
    await bot.say(f"faq approve {draft.group(0)}", as_="olive")
    await bot.press("forget me", "confirm", as_="alice")
    entry = await bot.say(f"faq {draft.group(0)}", as_="dave")
    assert ANSWER in entry.text
    assert "Alice" not in str(entry)
    again = await bot.send(bot.incoming("Which R package draws SPC charts with NHS rules?",
                                        as_="dave", surface=Surface.DM))
    assert ANSWER in again.text
