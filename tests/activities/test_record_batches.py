"""The `record` activity's batches: a step that can never be stored fails for good and is
reported, a batch keeps every event once, and notifications are queued with their steps."""

from datetime import timedelta

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.project import ProjectActivities
from domain.models import Role, Stage
from domain.policy import ProjectPolicy
from domain.steps import Notice
from tests.activities.recording import count, record, started
from tests.fixtures_db import (
    AGENT,
    HEAD,
    T0,
    intake_step,
    new_project_id,
    record_batch,
    step,
)
from workflows.activities import Unrecordable


async def test_a_malformed_step_fails_for_good_and_writes_nothing(acts, pool):
    pid = new_project_id()
    batch = record_batch(pid, 1, intake_step(), step(2, "decision", HEAD, gate="plan"), view={"stage": "assessment"})
    with pytest.raises(ApplicationError) as caught:
        await record(acts, batch)
    assert caught.value.non_retryable and caught.value.type == "Unrecordable"
    assert "decision" in caught.value.message
    # The transaction rolled back: not even the project row or its intake event.
    assert await pool.fetchval("SELECT count(*) FROM projects WHERE id = $1", pid) == 0
    assert await count(pool, "events", pid) == 0


@pytest.mark.parametrize("bad", ["\x00", "\ud800"], ids=["nul", "lone-surrogate"])
async def test_text_postgresql_cannot_store_fails_for_good_and_is_reported(acts, pool, bad):
    """What the validators let through by mistake freezes nothing: the batch fails
    non-retryably, and the failure is recorded where operations look."""
    pid = await started(acts)
    batch = record_batch(pid, 2, step(2, "weekly_report", AGENT, progress=f"fine{bad}", next_week_plan="n"),
                         view={"stage": "execution"},
                         notices=[Notice(seq=2, kind="info", key="notify.reminder", to_role=Role.dept_head)])
    with pytest.raises(ApplicationError) as caught:
        await record(acts, batch)
    assert caught.value.non_retryable and caught.value.type == "Unrecordable"
    assert await count(pool, "events", pid) == 1 and await count(pool, "weekly_reports", pid) == 0
    assert await count(pool, "outbox", pid) == 0
    assert await pool.fetchval("SELECT stage FROM projects WHERE id = $1", pid) == "assessment"

    failure = Unrecordable(project_id=pid, seq=2, kinds=["weekly_report"], error=caught.value.message)
    await ActivityEnvironment().run(acts.report_unrecordable, failure)
    await ActivityEnvironment().run(acts.report_unrecordable, failure)  # a retry updates the same row
    rows = await pool.fetch("SELECT seq, kinds, error FROM record_failures WHERE project_id = $1", pid)
    assert [(r["seq"], list(r["kinds"])) for r in rows] == [(2, ["weekly_report"])] and rows[0]["error"]


async def test_a_batch_keeps_every_event_and_the_view_once(acts, pool):
    pid = new_project_id()
    task = {"task_id": f"{pid}-t1", "source": "review_rejection", "owner_id": "u-agent", "owner_role": "agent",
            "department": "sales", "due_at": (T0 + timedelta(days=3)).isoformat()}
    batch = record_batch(
        pid, 1,
        step(3, "task_created", None, "Fix the contract", **task),
        intake_step(),
        step(2, "stage_changed", AGENT, **{"from": "assessment", "to": "initiation_approval"}),
        view={"stage": Stage.initiation_approval.value},
    )  # fmt: skip
    await record(acts, batch)
    await record(acts, batch)  # a retried batch adds nothing
    row = await pool.fetchrow("SELECT seq, stage FROM projects WHERE id = $1", pid)
    assert (row["seq"], row["stage"]) == (3, "initiation_approval")
    kinds = await pool.fetch("SELECT kind FROM events WHERE project_id = $1 ORDER BY seq", pid)
    assert [k["kind"] for k in kinds] == ["intake", "stage_changed", "task_created"]
    assert await count(pool, "rectification_tasks", pid) == 1


async def test_notifications_are_queued_once_with_their_steps(pool):
    woken = []
    acts = ProjectActivities(pool, ProjectPolicy(), on_notices=lambda: woken.append(1))
    pid = await started(acts)
    assert woken == []  # nothing to send, nobody woken
    notices = [Notice(seq=2, kind="assigned", key="notify.assigned.approval", to_role=Role.dept_head,
                      department="sales", params={"project_id": pid, "gate": "initiation"}),
               Notice(seq=2, kind="assigned", key="notify.assigned.approval", to_role=Role.executive,
                      params={"project_id": pid, "gate": "initiation"})]  # fmt: skip
    batch = record_batch(pid, 2, step(2, "assessment", AGENT, in_scope=True), notices=notices)
    await record(acts, batch)
    await record(acts, batch)
    rows = await pool.fetch("SELECT * FROM outbox WHERE project_id = $1 ORDER BY id", pid)
    assert [r["id"] for r in rows] == [f"{pid}:2:assigned:dept_head", f"{pid}:2:assigned:executive"]
    assert (rows[0]["key"], rows[0]["params"], rows[0]["department"], rows[0]["sent_at"]) == (
        "notify.assigned.approval", {"project_id": pid, "gate": "initiation"}, "sales", None)
    assert len(woken) == 2
