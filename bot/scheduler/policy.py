"""The scheduler's settings, read once: offsets, digest time, grace period and time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from bot.scheduler.timing import DAY, parse_clock_time, parse_offsets
from bot.settings import Settings, parse_duration

# How long a claimed delivery is reserved for its claimer before others may retry it.
LEASE = timedelta(minutes=10)
# Send attempts (across claims) before a delivery is marked failed.
MAX_ATTEMPTS = 6


@dataclass(frozen=True)
class SchedulePolicy:
    channel_offsets: tuple[timedelta, ...]
    personal_offsets: tuple[timedelta, ...]
    digest_day: str
    digest_time: time
    grace: timedelta
    zone: ZoneInfo
    network_name: str
    # For the network's follow-ups (unanswered questions, FAQ reviews).
    followup_working_days: int = 3
    faq_review_age_months: int = 12
    organisers: tuple[str, ...] = ()
    digest_days_ahead: int = 14
    lease: timedelta = LEASE
    max_attempts: int = MAX_ATTEMPTS

    @classmethod
    def from_settings(cls, settings: Settings) -> SchedulePolicy:
        return cls(
            channel_offsets=parse_offsets(settings.channel_reminder_offsets),
            personal_offsets=parse_offsets(settings.personal_reminder_offsets),
            digest_day=settings.digest_day,
            digest_time=parse_clock_time(settings.digest_time),
            grace=parse_duration(settings.missed_grace),
            zone=settings.zone,
            network_name=settings.network_name,
            followup_working_days=settings.unanswered_after_working_days,
            faq_review_age_months=settings.faq_review_age_months,
            organisers=tuple(settings.organisers),
        )

    @property
    def longest_offset(self) -> timedelta:
        return max((*self.channel_offsets, *self.personal_offsets), default=timedelta(0))

    @property
    def catch_up(self) -> timedelta:
        """How far back a scheduler looks when it starts, to record what it missed: every
        reminder of an event not yet started, and the last digest."""
        return max(self.longest_offset, timedelta(days=7)) + DAY
