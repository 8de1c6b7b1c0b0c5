"""The weekly digest: Monday 09:00 local whatever the clocks do, only when there is news,
and never a backlog of old digests after an outage."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.clock import FixedClock
from bot.settings import Settings
from storage.db import Database
from storage.models.knowledge import QuestionLog, Resource
from tests.adapters.test_limits import assert_fits_slack, assert_fits_teams
from tests.bot.scheduler.support import (
    ScriptedTransport,
    add_event,
    channel,
    community_id,
    deliveries,
    london,
    scheduler,
    subscribe,
)

GENERAL = channel("C-general")


async def _add_resource(database: Database, title: str, created: object,
                        community: str | None = None) -> None:
    key = await community_id(database, community) if community else None
    async with database.session() as session:
        session.add(Resource(title=title, summary=f"All about {title}.",
                             url=f"https://example.nhs.uk/{title.replace(' ', '-')}",
                             type="guide", community_id=key, tags=[], created_at=created,
                             updated_at=created))


async def _ask(database: Database, text: str, at: object, *, answered: bool = False) -> None:
    async with database.session() as session:
        session.add(QuestionLog(platform="slack", workspace="T1", channel="D1", text=text,
                                asked_at=at, answered=answered, score=0.1))


@pytest.mark.parametrize("monday", [(2026, 3, 23), (2026, 3, 30), (2026, 10, 19),
                                    (2026, 10, 26)])
async def test_the_digest_goes_out_at_nine_local_either_side_of_the_clock_changes(
        database: Database, settings: Settings, slack: ScriptedTransport,
        monday: tuple[int, int, int]) -> None:
    clock = FixedClock(london(*monday, 8, 0))
    slack.clock = clock
    await subscribe(database, GENERAL, "digest")
    await add_event(database, london(*monday, 14, 0) + timedelta(days=2), title="Funnel plots")
    posts = scheduler(database, settings, clock, slack)
    clock.set(london(*monday, 8, 59))
    await posts.tick()
    assert slack.posts == []
    clock.set(london(*monday, 9, 0))
    await posts.tick()
    [post] = slack.posts
    assert post.at == london(*monday, 9, 0)
    assert post.reply.title == "This week in the Midlands Decision Support Network"
    assert post.reply.text == "1 seminar in the next 14 days."
    clock.set(london(*monday, 9, 30))
    await posts.tick()
    assert len(slack.posts) == 1


async def test_an_empty_week_posts_no_digest(
        database: Database, settings: Settings, slack: ScriptedTransport) -> None:
    clock = FixedClock(london(2026, 12, 7, 9, 0))
    await subscribe(database, GENERAL, "digest")
    await add_event(database, clock.now() + timedelta(days=15))  # beyond the fortnight
    await _ask(database, "where is the HES data dictionary?", clock.now() - timedelta(days=1),
               answered=True)
    await _add_resource(database, "Old guide", clock.now() - timedelta(days=8))
    report = await scheduler(database, settings, clock, slack).tick()
    assert slack.posts == []
    assert [(r.outcome, r.detail) for r in report.results] == [
        ("skipped", "nothing to report this week")]


async def test_the_digest_lists_the_fortnight_the_new_resources_and_open_questions(
        database: Database, settings: Settings, slack: ScriptedTransport) -> None:
    clock = FixedClock(london(2026, 12, 7, 9, 0))
    analysts = channel("C-analysts")
    await subscribe(database, analysts, "digest", community="analysis")
    await add_event(database, clock.now() + timedelta(days=2), title="Funnel plots",
                    community="analysis")
    await add_event(database, clock.now() + timedelta(days=3), title="Logic models",
                    community="evaluation")
    await _add_resource(database, "SPC in R", clock.now() - timedelta(days=2),
                        community="analysis")
    await _add_resource(database, "Theory of change", clock.now() - timedelta(days=2),
                        community="evaluation")
    for text in ("How do I get HES data?", "how do I get HES data", "Who runs the R club?"):
        await _ask(database, text, clock.now() - timedelta(days=1))
    await scheduler(database, settings, clock, slack).tick()
    [post] = slack.posts
    digest = post.reply
    assert post.target == analysts and digest.public
    assert digest.text == ("1 seminar in the next 14 days. 1 new resource in the library. "
                           "2 questions still without an answer.")
    titles = [item.title for item in digest.items]
    assert titles[0].endswith("Funnel plots") and titles[1].endswith("SPC in R")
    assert titles[2:] == ["How do I get HES data?", "Who runs the R club?"]
    assert [item.text for item in digest.items[2:]] == ["asked 2 times this week",
                                                         "asked 1 time this week"]
    assert digest.items[0].buttons[0].command_text.startswith("signup ")


async def test_digests_never_pile_up_after_an_outage(
        database: Database, settings: Settings, slack: ScriptedTransport) -> None:
    await subscribe(database, GENERAL, "digest")
    clock = FixedClock(london(2026, 12, 28, 9, 30))  # down since early December
    await add_event(database, clock.now() + timedelta(days=3))
    await scheduler(database, settings, clock, slack).tick()
    [row] = await deliveries(database)
    assert (row.subject, row.status) == ("week:2026-12-28", "sent")
    assert len(slack.posts) == 1


async def test_a_digest_missed_by_more_than_the_grace_period_is_skipped(
        database: Database, settings: Settings, slack: ScriptedTransport) -> None:
    await subscribe(database, GENERAL, "digest")
    clock = FixedClock(london(2026, 12, 30, 12, 0))  # Wednesday: Monday's digest is stale
    await add_event(database, clock.now() + timedelta(days=3))
    await scheduler(database, settings, clock, slack).tick()
    assert slack.posts == []
    [row] = await deliveries(database)
    assert (row.subject, row.status) == ("week:2026-12-28", "skipped")


async def test_a_long_digest_shows_the_first_of_each_list_and_how_to_see_the_rest(
        database: Database, settings: Settings, slack: ScriptedTransport) -> None:
    clock = FixedClock(london(2026, 12, 7, 9, 0))
    await subscribe(database, GENERAL, "digest")
    for n in range(40):
        await add_event(database, clock.now() + timedelta(days=1, hours=n * 7),
                        title=f"Seminar {n + 1} on run charts for board reports")
    for n in range(25):
        await _add_resource(database, f"Guide {n + 1}", clock.now() - timedelta(days=1))
    for n in range(8):
        await _ask(database, f"Question number {n + 1}?", clock.now() - timedelta(days=1))
    await scheduler(database, settings, clock, slack).tick()
    [post] = slack.posts
    digest = post.reply
    assert digest.text == ("40 seminars in the next 14 days. 25 new resources in the library. "
                           "8 questions still without an answer.")
    titles = [item.title for item in digest.items]
    assert titles[15] == "…and 25 more seminars: type events"
    assert titles[26] == "…and 15 more new resources: type resources for the newest"
    assert titles[-1] == "…and 3 more questions: organisers see every one with questions open"
    assert len(titles) == 15 + 1 + 10 + 1 + 5 + 1
    assert_fits_slack(digest, "digest")
    card = assert_fits_teams(digest, "digest")
    assert "…and 3 more questions" in json.dumps(card, ensure_ascii=False)
