"""An event's fields as people type them (``event add``, ``event edit``, forms, import files).

``title="Intro to SPC charts" start="2026-12-03 14:00" duration=90m capacity=30
community=analysis link=https://… speaker="…"`` — or ``date=2026-12-03 time=14:00`` instead of
``start`` (what a submitted form sends).  Every problem is collected and reported at once as
:class:`bot.errors.InvalidFields`, keyed by field name so forms can show each next to its input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import InvalidFields
from bot.links import link_problem
from bot.numbers import number_between
from bot.timefmt import (
    TimeInputError,
    combine_local,
    parse_date,
    parse_duration,
    parse_local_datetime,
    parse_time,
)
from storage.models import Community
from storage.models.events import Event

FIELDS = ("title", "start", "date", "time", "duration", "end", "capacity", "community",
          "location", "link", "speaker", "description", "timezone")
ALIASES = {"join_link": "link", "url": "link", "tz": "timezone"}
IMPORT_FIELDS = ("external_id",)

MAX_CAPACITY = 100_000
MAX_LENGTH = {"title": 300, "speaker": 300, "location": 300, "link": 1000, "description": 10_000}
LONGEST_EVENT = timedelta(days=7)
CAPACITY_RULE = f"must be a whole number from 1 to {MAX_CAPACITY}"


def parse_capacity(text: str) -> int | None:
    """A number of places (``event add``, ``event edit``, ``event capacity``, imports):
    ASCII digits from 1 to :data:`MAX_CAPACITY`; None otherwise (see :data:`CAPACITY_RULE`)."""
    return number_between(text, 1, MAX_CAPACITY)


@dataclass(frozen=True)
class EventDraft:
    """A new event, validated."""

    title: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    timezone: str
    community_id: int | None = None
    location: str = ""
    join_link: str = ""
    speaker: str = ""
    description: str = ""
    external_id: str | None = None


@dataclass(frozen=True)
class EventChanges:
    """Edits to an event; None means "leave as it is"."""

    title: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    capacity: int | None = None
    timezone: str | None = None
    community_id: int | None = None
    location: str | None = None
    join_link: str | None = None
    speaker: str | None = None
    description: str | None = None


class _Reader:
    """Collects problems while reading one set of named values."""

    def __init__(self, values: Mapping[str, str], *, allowed: Sequence[str]) -> None:
        self.values: dict[str, str] = {}
        self.errors: dict[str, str] = {}
        for raw_name, value in values.items():
            name = ALIASES.get(raw_name.lower(), raw_name.lower())
            if name not in allowed:
                self.errors[raw_name] = "unknown field (use " + ", ".join(
                    n for n in allowed if n not in ("timezone", *IMPORT_FIELDS)) + ")"
                continue
            self.values[name] = value.strip()

    def given(self, name: str) -> bool:
        return bool(self.values.get(name))

    def text(self, name: str, *, required: bool = False) -> str | None:
        value = self.values.get(name)
        if value is None or (required and not value):
            if required:
                self.errors[name] = "missing"
            return None
        if len(value) > MAX_LENGTH.get(name, 300):
            self.errors[name] = f"too long (at most {MAX_LENGTH.get(name, 300)} characters)"
            return None
        return value

    def link(self) -> str | None:
        value = self.text("link")
        if value and (problem := link_problem(value)):
            self.errors["link"] = problem
            return None
        return value

    def capacity(self, *, required: bool) -> int | None:
        value = self.values.get("capacity", "")
        if not value:
            if required:
                self.errors["capacity"] = "missing (how many places, e.g. capacity=30)"
            return None
        capacity = parse_capacity(value)
        if capacity is None:
            self.errors["capacity"] = CAPACITY_RULE
        return capacity

    def zone(self, default: ZoneInfo) -> ZoneInfo:
        value = self.values.get("timezone")
        if not value:
            return default
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            self.errors["timezone"] = "not a time zone name such as Europe/London"
            return default

    def community(self, communities: Sequence[Community]) -> int | None:
        value = self.values.get("community")
        if not value:
            return None
        wanted = value.lower()
        for community in communities:
            if wanted in (community.slug.lower(), community.name.lower()):
                return community.id
        known = ", ".join(c.slug for c in communities) or "none are set up"
        self.errors["community"] = f"no community called “{value}” (known: {known})"
        return None

    def start(self, zone: ZoneInfo, current: datetime | None) -> datetime | None:
        """From ``start``, or ``date`` + ``time`` (either alone changes one part of
        ``current`` when editing)."""
        try:
            if self.given("start"):
                return parse_local_datetime(self.values["start"], zone)
        except TimeInputError as exc:
            self.errors["start"] = str(exc)
            return None
        if not (self.given("date") or self.given("time")):
            if current is None:
                self.errors["start"] = 'missing (e.g. start="2026-12-03 14:00")'
            return None
        local = current.astimezone(zone) if current is not None else None
        day = at = None
        try:
            day = parse_date(self.values["date"]) if self.given("date") else None
        except TimeInputError as exc:
            self.errors["date"] = str(exc)
        try:
            at = parse_time(self.values["time"]) if self.given("time") else None
        except TimeInputError as exc:
            self.errors["time"] = str(exc)
        if day is None and local is not None and "date" not in self.errors:
            day = local.date()
        if at is None and local is not None and "time" not in self.errors:
            at = local.time()
        if day is None or at is None:
            for name in ("date", "time"):
                if not self.given(name) and name not in self.errors:
                    self.errors[name] = "missing"
            return None
        try:
            return combine_local(day, at, zone)
        except TimeInputError as exc:
            self.errors["time"] = str(exc)
            return None

    def end(self, start: datetime | None, zone: ZoneInfo,
            current_length: timedelta | None) -> datetime | None:
        """From ``duration``, or ``end`` (a time on the start's day, or a date and time)."""
        if start is None:
            for name in ("duration", "end"):
                self._check_only(name)
            return None
        if self.given("duration"):
            try:
                length = parse_duration(self.values["duration"])
            except TimeInputError as exc:
                self.errors["duration"] = str(exc)
                return None
        elif self.given("end"):
            ends_at = self._end_time(start, zone)
            if ends_at is None:
                return None
            length = ends_at - start
            if length <= timedelta(0):
                self.errors["end"] = "must be after the start"
                return None
        elif current_length is not None:
            length = current_length
        else:
            self.errors["duration"] = "missing (e.g. duration=90m or end=15:30)"
            return None
        if length > LONGEST_EVENT:
            self.errors["duration" if self.given("duration") else "end"] = \
                "an event can last at most 7 days"
            return None
        return start + length

    def _end_time(self, start: datetime, zone: ZoneInfo) -> datetime | None:
        text = self.values["end"]
        try:
            if len(text) <= 7:  # "15:30", "3:30pm"
                return combine_local(start.astimezone(zone).date(), parse_time(text), zone)
            return parse_local_datetime(text, zone)
        except TimeInputError as exc:
            self.errors["end"] = str(exc)
            return None

    def _check_only(self, name: str) -> None:
        """Report a malformed value even when it cannot be used (the start was bad)."""
        if name == "duration" and self.given(name):
            try:
                parse_duration(self.values[name])
            except TimeInputError as exc:
                self.errors[name] = str(exc)


def parse_new_event(values: Mapping[str, str], *, communities: Sequence[Community],
                    default_zone: ZoneInfo, now: datetime, for_import: bool = False,
                    ) -> EventDraft:
    """A validated :class:`EventDraft`, or InvalidFields naming every problem."""
    allowed = FIELDS + IMPORT_FIELDS if for_import else FIELDS
    reader = _Reader(values, allowed=allowed)
    zone = reader.zone(default_zone)
    title = reader.text("title", required=True)
    starts_at = reader.start(zone, None)
    if starts_at is not None and starts_at <= now and not for_import:
        reader.errors["date" if reader.given("date") else "start"] = "must be in the future"
    ends_at = reader.end(starts_at, zone, None)
    capacity = reader.capacity(required=True)
    community_id = reader.community(communities)
    location = reader.text("location") or ""
    join_link = reader.link() or ""
    speaker = reader.text("speaker") or ""
    description = reader.text("description") or ""
    external_id = (reader.text("external_id") or None) if for_import else None
    if reader.errors:
        raise InvalidFields(reader.errors, summary="The event was not saved. Please fix:")
    assert title and starts_at and ends_at and capacity
    return EventDraft(title=title, starts_at=starts_at, ends_at=ends_at, capacity=capacity,
                      timezone=zone.key, community_id=community_id, location=location,
                      join_link=join_link, speaker=speaker, description=description,
                      external_id=external_id)


def parse_event_changes(values: Mapping[str, str], event: Event, *,
                        communities: Sequence[Community], default_zone: ZoneInfo,
                        now: datetime) -> EventChanges:
    """Validated edits to ``event``; InvalidFields naming every problem."""
    if not values:
        raise InvalidFields({"fields": "give at least one, e.g. title=\"…\" or capacity=40"},
                            summary="Nothing to change.")
    reader = _Reader(values, allowed=FIELDS)
    zone = reader.zone(default_zone)
    if "title" in reader.values and not reader.values["title"]:
        reader.errors["title"] = "cannot be empty"
    starts_at = reader.start(zone, event.starts_at)
    if starts_at == event.starts_at:
        starts_at = None  # a form sends the unchanged date and time back
    if starts_at is not None and starts_at <= now:
        reader.errors["date" if reader.given("date") else "start"] = "must be in the future"
    moved = starts_at is not None or any(reader.given(n) for n in ("duration", "end"))
    ends_at = reader.end(starts_at or event.starts_at, zone,
                         event.ends_at - event.starts_at) if moved else None
    changes = EventChanges(
        title=reader.text("title"),
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=reader.capacity(required=False),
        timezone=zone.key if "timezone" in reader.values else None,
        community_id=reader.community(communities),
        location=reader.text("location"),
        join_link=reader.link(),
        speaker=reader.text("speaker"),
        description=reader.text("description"),
    )
    if reader.errors:
        raise InvalidFields(reader.errors, summary=f"#{event.id} was not changed. Please fix:")
    return changes
