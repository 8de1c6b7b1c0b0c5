"""Scheduled jobs that must run once per period whichever replica gets there first.

A :class:`JobRun` row is the claim and the record at once: the replica whose INSERT of
(job, period) succeeds runs the job, in the same transaction, so the job's work and its
record commit together or not at all.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class JobRun(Base):
    __tablename__ = "job_runs"

    job: Mapped[str] = mapped_column(String(64), primary_key=True)  # "housekeeping"
    period: Mapped[str] = mapped_column(String(32), primary_key=True)  # "2026-12-03"
    ran_at: Mapped[datetime]
    detail: Mapped[str] = mapped_column(Text, default="")


__all__ = ["JobRun"]
