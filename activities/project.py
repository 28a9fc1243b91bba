"""ProjectWorkflow's side effects: recording its steps, archiving, reporting what cannot be
recorded. Thin on purpose: the SQL is store/'s. Every method is idempotent, so Temporal
may retry it freely; a batch PostgreSQL refuses for good fails non-retryably
(`Unrecordable`) instead of retrying forever.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain.policy import ProjectPolicy
from domain.steps import ArchiveIn, ArchiveOut, RecordBatch, Recorded
from jindu.holidays import official_dates
from store import archive, records
from store.intake import published_years
from store.records import MalformedStep
from workflows.activities import ProjectRecording, Setup, SetupIn, Unrecordable

log = structlog.get_logger(__name__)

# Errors no retry can fix: bad data (22xxx), a broken constraint (23xxx), text UTF-8
# cannot encode, a step that lacks its facts.
PERMANENT = (asyncpg.DataError, asyncpg.IntegrityConstraintViolationError, UnicodeEncodeError, MalformedStep)


def unrecordable(err: BaseException) -> ApplicationError:
    return ApplicationError(f"{type(err).__name__}: {err}"[:900], type="Unrecordable", non_retryable=True)


async def record_with(pool: asyncpg.Pool, write: Callable[[asyncpg.Connection, Any], Awaitable[list[str]]],
                      batch: Any, on_notices: object, **ref: str) -> None:  # fmt: skip
    """Write one batch in one transaction; a batch PostgreSQL refuses for good is `Unrecordable`;
    queued notifications wake the outbox."""
    try:
        async with pool.acquire() as conn, conn.transaction():
            seen = await write(conn, batch)
    except PERMANENT as err:
        log.error("batch cannot be recorded", error=str(err), **ref)
        raise unrecordable(err) from err
    if seen:
        log.info("steps already recorded", step_keys=seen)
    if batch.notices and callable(on_notices):
        on_notices()


class ProjectActivities(ProjectRecording):
    def __init__(self, pool: asyncpg.Pool, policy: ProjectPolicy | None = None, on_notices: object = None) -> None:
        self.pool, self.policy = pool, policy or ProjectPolicy()
        self.on_notices = on_notices  # called after a batch queued notifications (wakes the outbox)

    @activity.defn(name="setup")
    async def setup(self, req: SetupIn) -> Setup:
        year = req.created_at.astimezone(ZoneInfo(self.policy.calendar.timezone)).year
        dates = official_dates(year, await published_years(self.pool))
        return Setup(policy=self.policy.model_dump_json(), calendar=dates.model_dump_json())

    @activity.defn(name="record")
    async def record(self, batch: RecordBatch) -> Recorded:
        await record_with(self.pool, records.write_batch, batch, self.on_notices, project_id=batch.project_id)
        seqs = [s.seq for s in batch.steps]
        return Recorded(first=min(seqs, default=None), last=max(seqs, default=None))

    @activity.defn(name="archive")
    async def archive(self, req: ArchiveIn) -> ArchiveOut:
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                bundle_id, words = await archive.archive(conn, req.project_id, f"{req.project_id}:archive")
        except archive.NoProject as err:
            raise ApplicationError(str(err), type="NotFound", non_retryable=True) from err
        return ArchiveOut(bundle_id=bundle_id, keywords=words)

    @activity.defn(name="report_unrecordable")
    async def report_unrecordable(self, failure: Unrecordable) -> None:
        await self.pool.execute(
            """INSERT INTO record_failures (project_id, seq, kinds, error) VALUES ($1, $2, $3, $4)
               ON CONFLICT (project_id, seq) DO UPDATE SET error = EXCLUDED.error, at = now()""",
            failure.project_id, failure.seq, failure.kinds, failure.error,
        )
