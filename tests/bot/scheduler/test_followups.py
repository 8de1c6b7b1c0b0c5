"""The network's follow-ups: an unanswered escalated question is raised once more after three
working days (and listed in the digest), and stale FAQ entries go to their owners monthly."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime

from bot.scheduler.posts import ScheduledPosts
from bot.settings import Settings
from bot.types import Notification, Surface
from storage.models.knowledge import PUBLISHED, FaqEntry
from tests.testbot import TestBot

QUESTION = "Is there a national benchmark for discharge-to-assess delays?"


async def _no_sleep(seconds: float) -> None:
    return None


def scheduler(bot: TestBot, settings: Settings) -> ScheduledPosts:
    return ScheduledPosts(bot.runtime.database, bot.runtime.transports, settings, bot.clock,
                          sleep=_no_sleep)


def posts_to(bot: TestBot, channel: str) -> list[Notification]:
    return [n for n in bot.transport.sent if n.target.conversation_id == channel]


async def escalate(bot: TestBot) -> str:
    await bot.say("subscribe all questions", as_="olive", channel="experts")
    asked = await bot.say(QUESTION, as_="alice")
    found = re.search(r"Q\d+", asked.text)
    assert found
    await bot.say(f"escalate {found.group(0)}", as_="alice")
    return found.group(0)


async def test_unanswered_question_is_raised_again_once_after_three_working_days(
        bot: TestBot, settings: Settings) -> None:
    q = await escalate(bot)  # Thursday 3 December, 10:00
    posts = scheduler(bot, settings)
    bot.clock.set(datetime(2026, 12, 7, 10, 30, tzinfo=UTC))  # Monday: two working days
    await posts.tick()
    assert len(posts_to(bot, "experts")) == 1
    bot.clock.set(datetime(2026, 12, 8, 10, 5, tzinfo=UTC))  # Tuesday: the third
    await posts.tick()
    await scheduler(bot, settings).tick()  # another replica, same moment
    bot.clock.set(datetime(2026, 12, 8, 11, 5, tzinfo=UTC))
    await posts.tick()
    followups = [n for n in posts_to(bot, "experts")
                 if n.reply.title == f"Still looking for an answer: {q}"]
    assert len(followups) == 1
    assert QUESTION in followups[0].reply.text
    # A reply in the follow-up's thread, mentioning the bot, answers the question.
    message_id = f"m{bot.transport.sent.index(followups[0]) + 1}"
    thanks = await bot.send(replace(
        bot.incoming("Yes: the NHS England discharge SitRep has it.", as_="bob",
                     channel="experts", surface=Surface.MENTION), thread_id=message_id))
    assert "sent your answer" in thanks.text


async def test_a_question_answered_in_time_is_not_raised_again(
        bot: TestBot, settings: Settings) -> None:
    q = await escalate(bot)
    await bot.say(f"answer {q} Use the discharge SitRep.", as_="bob")
    bot.clock.set(datetime(2026, 12, 8, 10, 5, tzinfo=UTC))
    report = await scheduler(bot, settings).tick()
    assert all(r.outcome != "sent" for r in report.results)
    assert not [n for n in posts_to(bot, "experts") if n.reply.title
                and n.reply.title.startswith("Still looking")]


async def test_the_digest_lists_questions_waiting_for_the_network(
        bot: TestBot, settings: Settings) -> None:
    q = await escalate(bot)
    await bot.say("subscribe all digest", as_="olive", channel="news")
    bot.clock.set(datetime(2026, 12, 7, 9, 1, tzinfo=UTC))  # Monday 09:01 London
    await scheduler(bot, settings).tick()
    [digest] = posts_to(bot, "news")
    assert any(item.title.startswith(f"{q}: {QUESTION[:30]}") for item in digest.reply.items)


async def test_stale_faq_entries_go_to_their_owners_monthly(
        bot: TestBot, settings: Settings) -> None:
    created = datetime(2024, 1, 1, tzinfo=UTC)
    async with bot.runtime.database.session() as session:
        for question, owner, reviewed in (
                ("How do I cite HES?", "console::bob", date(2025, 10, 1)),
                ("Where are the SUS data dictionaries?", "", date(2025, 9, 1)),
                ("Who runs the SPC training?", "console::bob", date(2026, 11, 1))):
            session.add(FaqEntry(question=question, answer="…", alternates=[], tags=[],
                                 owner=owner, last_reviewed=reviewed, status=PUBLISHED,
                                 credit="", created_at=created, updated_at=created))
    bot.clock.set(datetime(2027, 1, 1, 9, 2, tzinfo=UTC))
    await scheduler(bot, settings).tick()
    await scheduler(bot, settings).tick()
    [to_bob] = bot.notifications_to("bob")
    assert [i.title.split(": ", 1)[1] for i in to_bob.items] == ["How do I cite HES?"]
    [to_olive] = bot.notifications_to("olive")  # the organiser gets the unowned one
    assert [i.title.split(": ", 1)[1] for i in to_olive.items] == [
        "Where are the SUS data dictionaries?"]
