"""A worker that dies after writing but before reporting back: Temporal retries the
step, PostgreSQL ends up with each record exactly once (step keys, ON CONFLICT)."""

from __future__ import annotations

import uuid
from temporalio import activity
from temporalio.worker import Worker

from activities.notifier import build_notifier
from activities.project import ProjectActivities
from domain.models import Notification, StepBatch
from tests.workflows.harness import Harness, Recorder
from workflows.project import ProjectWorkflow


class DiesAfterWriting(ProjectActivities):
    """The real activities, except every step's first attempt crashes after its commit."""

    @activity.defn(name="record_steps")
    async def record_steps(self, batch: StepBatch) -> None:
        await super().record_steps(batch)
        if activity.info().attempt == 1:
            raise RuntimeError("worker lost before reporting the step")

    @activity.defn(name="notify")
    async def notify(self, note: Notification) -> None:
        await super().notify(note)
        if activity.info().attempt == 1:
            raise RuntimeError("worker lost before reporting the notification")


async def test_retried_steps_write_each_record_once(local_env, pool, cipher):
    acts = DiesAfterWriting(pool, build_notifier(None), cipher)
    queue = f"retry-{uuid.uuid4().hex[:6]}"
    async with Worker(local_env.client, task_queue=queue, workflows=[ProjectWorkflow],
                      activities=[acts.record_steps, acts.notify, acts.archive_project]):
        h = Harness(local_env, queue, Recorder())
        handle = await h.start()
        await h.assess(handle)
        await h.decide(handle, "initiation", "reject", comment="budget unclear")
        state = await h.state(handle)
        pid = state.project_id

    async with pool.acquire() as db:
        events = await db.fetch("SELECT seq, kind FROM events WHERE project_id=$1 ORDER BY seq", pid)
        assert [e["seq"] for e in events] == list(range(1, state.seq + 1))
        assert [e["kind"] for e in events] == ["intake", "assessment", "stage_changed", "decision", "stage_changed"]
        assert await db.fetchval("SELECT count(*) FROM approvals WHERE project_id=$1", pid) == 1
        assert await db.fetchval("SELECT seq FROM projects WHERE id=$1", pid) == state.seq
        sent = await db.fetch("SELECT step_key, channel, count(*) AS n FROM notifications WHERE project_id=$1 "
                              "GROUP BY step_key, channel", pid)
        assert sent and all(r["n"] == 1 for r in sent)
