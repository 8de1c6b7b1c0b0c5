"""The weekly digest: a channel's week at a glance, or nothing at all in an empty week.

Each section is a small query function of (session, the channel's communities, now, policy)
returning a :class:`Section`; the digest is the non-empty sections in order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.scheduler.policy import SchedulePolicy
from bot.scheduler.reminders import Skip, places_left
from bot.services.event_notices import event_label, where
from bot.timefmt import format_range
from bot.types import Button, Field, Item, Link, Reply
from storage.models.deliveries import DIGESTS, Delivery
from storage.repositories.deliveries import SubscriptionRepository, channel_ref, covers
from storage.repositories.scheduled import (
    resources_added_between,
    scheduled_events_between,
    unanswered_question_texts,
)


@dataclass(frozen=True, slots=True)
class Section:
    summary: str  # one sentence for the digest's text; "" when the section is empty
    items: tuple[Item, ...] = ()
    more: str = ""  # "…and 8 more seminars: type events" when the items were cut


WEEK = timedelta(days=7)
MAX_EVENTS = 15
MAX_ITEMS = 10
MAX_QUESTIONS = 5
MAX_WAITING = 10
MAX_TOPICS = 5


def _cut(summary: str, items: Sequence[Item], limit: int, noun: str, how: str) -> Section:
    """The first ``limit`` items; past them, how many more and how to see them."""
    if not items:
        return Section("")
    more = len(items) - limit
    return Section(summary, tuple(items[:limit]),
                   f"…and {_count(more, noun)}: {how}" if more > 0 else "")

SectionQuery = Callable[[AsyncSession, Collection[str], datetime, SchedulePolicy],
                        Awaitable[Section]]


async def upcoming_events(session: AsyncSession, scopes: Collection[str], now: datetime,
                          policy: SchedulePolicy) -> Section:
    """Seminars starting in the next 14 days, with places left and a Sign up button."""
    rows = await scheduled_events_between(
        session, now, now + timedelta(days=policy.digest_days_ahead))
    found = [
        Item(title=event_label(event),
             text=f"with {event.speaker}" if event.speaker else "",
             fields=(Field("When", format_range(event.starts_at, event.ends_at, policy.zone)),
                     Field("Where", where(event)),
                     Field("Places", places_left(event))),
             buttons=(Button("Sign up", "signup", str(event.id), style="primary"),))
        for event, slug in rows if covers(scopes, slug)
    ]
    return _cut(f"{_count(len(found), 'seminar')} in the next {policy.digest_days_ahead} "
                "days.", found, MAX_EVENTS, "more seminar", "type events")


async def new_resources(session: AsyncSession, scopes: Collection[str], now: datetime,
                        policy: SchedulePolicy) -> Section:
    """Library resources added in the last 7 days."""
    rows = await resources_added_between(session, now - WEEK, now)
    items = [
        Item(title=f"{resource.public_id} {resource.title}", text=_shorten(resource.summary),
             fields=(Field("Type", resource.type),), link=Link(resource.url, "Open"))
        for resource, slug in rows if covers(scopes, slug)
    ]
    return _cut(f"{_count(len(items), 'new resource')} in the library.", items, MAX_ITEMS,
                "more new resource", "type resources for the newest")


async def unanswered_questions(session: AsyncSession, scopes: Collection[str], now: datetime,
                               policy: SchedulePolicy) -> Section:
    """The week's most-asked questions that got no answer (questions carry no community, so
    every digest lists them)."""
    rows = await unanswered_question_texts(session, now - WEEK, now, limit=5000)
    asked: Counter[str] = Counter()
    wording: dict[str, str] = {}
    for text in rows:
        key = _same_question(text)
        if key:
            asked[key] += 1
            wording[key] = " ".join(text.split())  # newest first: ends as the first asked
    items = [Item(title=_shorten(wording[key]), text=f"asked {_count(n, 'time')} this week")
             for key, n in asked.most_common()]
    return _cut(f"{_count(len(items), 'question')} still without an answer.", items,
                MAX_QUESTIONS, "more question",
                "organisers see every one with questions open")


async def waiting_for_the_network(session: AsyncSession, scopes: Collection[str],
                                  now: datetime, policy: SchedulePolicy) -> Section:
    """Questions put to the network that nobody has answered yet."""
    from bot.scheduler.followups import waiting_questions

    items = await waiting_questions(session, scopes, policy)
    return _cut(f"{_count(len(items), 'question')} put to the network still waiting for an "
                "answer.", items, MAX_WAITING, "more question",
                "organisers see every one with questions escalated")


async def seminar_recordings(session: AsyncSession, scopes: Collection[str], now: datetime,
                             policy: SchedulePolicy) -> Section:
    """Recordings of seminars added in the last 7 days."""
    from bot.scheduler.seminar_digest import recording_items

    items = await recording_items(session, scopes, now)
    return _cut(f"{_count(len(items), 'seminar recording')} added this week.", items,
                MAX_ITEMS, "more recording", "type resources type:recording")


async def wanted_topics(session: AsyncSession, scopes: Collection[str], now: datetime,
                        policy: SchedulePolicy) -> Section:
    """The most-wanted open seminar topics (type topics to vote)."""
    from bot.scheduler.seminar_digest import wanted_topic_items

    items = await wanted_topic_items(session, scopes)
    shown = min(len(items), MAX_TOPICS)
    return _cut(f"The {_count(shown, 'seminar topic')} people most want (type topics to "
                "vote).", items, MAX_TOPICS, "more topic", "type topics")


SECTIONS: tuple[SectionQuery, ...] = (upcoming_events, seminar_recordings, new_resources,
                                      unanswered_questions, waiting_for_the_network,
                                      wanted_topics)


async def compose_digest(session: AsyncSession, delivery: Delivery, policy: SchedulePolicy,
                         now: datetime) -> Reply | Skip:
    scopes = [s.community for s in await SubscriptionRepository(session).for_channel(
        channel_ref(delivery)) if s.kind == DIGESTS]
    if not scopes:
        return Skip("the channel unsubscribed")
    sections = [await query(session, scopes, now, policy) for query in SECTIONS]
    sections = [s for s in sections if s.items]
    if not sections:
        return Skip("nothing to report this week")
    return Reply(
        title=f"This week in the {policy.network_name}",
        text=" ".join(s.summary for s in sections),
        items=tuple(item for s in sections
                    for item in (*s.items, *((Item(title=s.more),) if s.more else ()))),
        public=True,
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _shorten(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _same_question(text: str) -> str:
    """Questions asked in the same words (ignoring case, punctuation and spacing) count as
    one."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())
