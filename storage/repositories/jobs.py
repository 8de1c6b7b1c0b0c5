"""Claims of once-per-period jobs: whoever inserts (job, period) first runs it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import upsert_insert
from storage.models.jobs import JobRun


class JobRunRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def has_run(self, job: str, period: str) -> bool:
        found = await self.session.execute(
            select(JobRun.job).where(JobRun.job == job, JobRun.period == period))
        return found.first() is not None

    async def claim(self, job: str, period: str, now: datetime) -> bool:
        """True for exactly one caller per (job, period), across processes.

        The claim is part of the caller's unit of work: if the job fails and rolls back, the
        period is free again.  On PostgreSQL a second claimer waits for the first's commit
        and then finds the row."""
        stmt = upsert_insert(self.session, JobRun).values(
            job=job, period=period, ran_at=now, detail="",
        ).on_conflict_do_nothing(index_elements=["job", "period"])
        result = await self.session.execute(stmt)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def note(self, job: str, period: str, detail: str) -> None:
        await self.session.execute(
            update(JobRun).where(JobRun.job == job, JobRun.period == period)
            .values(detail=detail))

    async def last(self, job: str) -> JobRun | None:
        result = await self.session.execute(
            select(JobRun).where(JobRun.job == job).order_by(JobRun.ran_at.desc()).limit(1))
        return result.scalars().first()
