"""The activities ProjectWorkflow v1 calls (workflows/v1, frozen), under their v1 names and
inputs, written into today's records: running v1 projects keep working after the upgrade.
"""

from __future__ import annotations

import asyncpg
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.project import PERMANENT, unrecordable
from store import archive, records, v1
from workflows.v1.state import ArchiveRequest, ArchiveResult, Notification, StepBatch


class V1Activities:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    @activity.defn(name="record_steps")
    async def record_steps(self, batch: StepBatch) -> None:
        newest = max(batch.steps, key=lambda s: s.seq).state
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                await v1.ensure_project(conn, newest)
                await records.write_batch(conn, v1.batch(batch.steps))
                await v1.sync_milestones(conn, newest)
        except PERMANENT as err:
            raise unrecordable(err) from err

    @activity.defn(name="notify")
    async def notify(self, note: Notification) -> None:
        await self.pool.execute(
            """INSERT INTO outbox (id, project_id, seq, kind, key, params, to_role, to_user_id, department)
               VALUES ($1, $2, $3, $4, 'notify.v1', $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING""",
            note.step_key, note.project_id, int(note.step_key.split(":")[1]), note.kind,
            {"project_id": note.project_id, "subject": note.subject, "text": note.text},
            note.to_role.value, note.to_user_id, note.department,
        )  # fmt: skip

    @activity.defn(name="archive_project")
    async def archive_project(self, req: ArchiveRequest) -> ArchiveResult:
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                bundle_id, words = await archive.archive(conn, req.project_id, req.step_key)
        except archive.NoProject as err:
            raise ApplicationError(str(err), type="NotFound", non_retryable=True) from err
        return ArchiveResult(bundle_id=bundle_id, keywords=words)
