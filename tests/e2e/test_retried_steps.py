"""A worker that dies after writing but before reporting back: Temporal retries the
`record` activity, PostgreSQL ends up with each record exactly once (step keys,
ON CONFLICT), and each notification is queued once."""

from __future__ import annotations

import uuid

from temporalio import activity
from temporalio.worker import Worker

from activities.project import ProjectActivities
from domain.policy import ProjectPolicy
from domain.steps import RecordBatch, Recorded
from tests.workflows.harness import Harness, Recorder
from workflows.project import ProjectWorkflow


class DiesAfterWriting(ProjectActivities):
    """The real activities, except every batch's first attempt crashes after its commit."""

    attempts: list[int]

    @activity.defn(name="record")
    async def record(self, batch: RecordBatch) -> Recorded:
        done = await super().record(batch)
        self.attempts.append(activity.info().attempt)
        if activity.info().attempt == 1:
            raise RuntimeError("worker lost before reporting the batch")
        return done


async def test_retried_batches_write_each_record_once(local_env, pool):
    acts = DiesAfterWriting(pool, ProjectPolicy())
    acts.attempts = []
    queue = f"retry-{uuid.uuid4().hex[:6]}"
    async with Worker(local_env.client, task_queue=queue, workflows=[ProjectWorkflow],
                      activities=[acts.setup, acts.record, acts.archive, acts.report_unrecordable]):  # fmt: skip
        h = Harness(local_env, queue, Recorder())
        handle = await h.start()
        await h.assess(handle)
        await h.decide(handle, "initiation", "reject", comment="budget unclear")
        state = await h.state(handle)
        pid = state.project_id
        await handle.terminate("test over")
    assert acts.attempts.count(1) == acts.attempts.count(2) == 3  # intake, assessment, decision: each retried

    async with pool.acquire() as db:
        events = await db.fetch("SELECT seq, kind FROM events WHERE project_id=$1 ORDER BY seq", pid)
        assert [e["seq"] for e in events] == list(range(1, state.seq + 1))
        assert [e["kind"] for e in events] == ["intake", "assessment", "stage_changed", "decision", "stage_changed"]
        assert await db.fetchval("SELECT count(*) FROM approvals WHERE project_id=$1", pid) == 1
        row = await db.fetchrow("SELECT seq, stage, view_version FROM projects WHERE id=$1", pid)
        assert (row["seq"], row["stage"], row["view_version"]) == (state.seq, "assessment", state.batches)
        queued = await db.fetch("SELECT seq, kind, to_role FROM outbox WHERE project_id=$1 ORDER BY seq", pid)
        assert [tuple(r) for r in queued] == [(1, "assigned", "agent"), (3, "assigned", "dept_head"),
                                              (5, "assigned", "agent")]  # fmt: skip
