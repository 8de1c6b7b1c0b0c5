"""The rows of ``copbot export feedback``, ``export topics`` and ``export learning``."""

from __future__ import annotations

import argparse

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.csv_export import Cell, event_number, write_csv
from bot.errors import UsageError
from bot.services.events import EventService
from bot.services.learning import learning_record
from bot.settings import Settings
from bot.timefmt import local_iso
from storage.models.seminars import TOPIC_CLOSED, TOPIC_OPEN, TOPIC_PLANNED
from storage.repositories.communities import CommunityRepository
from storage.repositories.seminars import FeedbackRepository, TopicRepository

FEEDBACK_COLUMNS = ("event_id", "rating", "comment", "name", "given")
TOPIC_COLUMNS = ("topic", "title", "community", "status", "votes", "event_id", "suggested")
LEARNING_COLUMNS = ("name", "platform", "user_id", "email", "event_id", "title", "date",
                    "hours", "recorded_by")


async def feedback_rows(session: AsyncSession, args: argparse.Namespace,
                        settings: Settings) -> tuple[str, int]:
    event_id = event_number(args.event_id)
    if event_id is None:
        raise UsageError(f"{args.event_id!r} is not an event number (e.g. 12)")
    await EventService(session, settings).get(event_id)  # NotFound for a wrong number
    rows = await FeedbackRepository(session).of_event(event_id)
    table: list[tuple[Cell, ...]] = [
        (event_id, f.rating, f.comment, (p.display_name or p.user_id) if f.signed else "",
         local_iso(f.updated_at, settings.zone)) for f, p in rows]
    return write_csv(FEEDBACK_COLUMNS, table, "responses"), len(table)


async def topic_rows(session: AsyncSession, args: argparse.Namespace,
                     settings: Settings) -> tuple[str, int]:
    communities = {c.id: c.slug for c in await CommunityRepository(session).list()}
    rows = await TopicRepository(session).with_votes((TOPIC_OPEN, TOPIC_PLANNED, TOPIC_CLOSED))
    table: list[tuple[Cell, ...]] = [
        (topic.public_id, topic.title, communities.get(topic.community_id or 0, ""),
         topic.status, votes, topic.event_id or "", local_iso(topic.created_at, settings.zone))
        for topic, votes in rows]
    return write_csv(TOPIC_COLUMNS, table, "topics"), len(table)


async def learning_rows(session: AsyncSession, args: argparse.Namespace,
                        settings: Settings) -> tuple[str, int]:
    entries = await learning_record(session, None, args.year, settings.zone)
    table: list[tuple[Cell, ...]] = [
        (e.person.display_name or e.person.user_id, e.person.platform, e.person.user_id,
         e.person.email or "", e.event.id, e.event.title,
         e.event.starts_at.astimezone(settings.zone).date().isoformat(), round(e.hours, 2),
         e.attendance.source) for e in entries]
    return write_csv(LEARNING_COLUMNS, table, "rows"), len(table)
