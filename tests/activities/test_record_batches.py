"""The `record` activity's batches: a step that can never be stored fails for good and is
reported, a batch keeps every event once, notifications are queued with their steps, and
a v1 project's batches land in the same tables."""

from datetime import date, timedelta

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.project import ProjectActivities
from activities.v1 import V1Activities
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
from workflows.v1.state import MilestoneState, StepBatch, StepRecord
from workflows.v1.state import PendingAction as V1Pending
from workflows.v1.state import ProjectState as V1State


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
    batch = record_batch(pid, 2, step(2, "assessment", AGENT), notices=notices)
    await record(acts, batch)
    await record(acts, batch)
    rows = await pool.fetch("SELECT * FROM outbox WHERE project_id = $1 ORDER BY id", pid)
    assert [r["id"] for r in rows] == [f"{pid}:2:assigned:dept_head", f"{pid}:2:assigned:executive"]
    assert (rows[0]["key"], rows[0]["params"], rows[0]["department"], rows[0]["sent_at"]) == (
        "notify.assigned.approval", {"project_id": pid, "gate": "initiation"}, "sales", None)
    assert len(woken) == 2


async def test_a_v1_projects_steps_land_in_the_same_tables(pool):
    """Running v1 projects record full snapshots through `record_steps`; the adapter turns
    each batch into the same events, facts and read model as a v2 batch."""
    pid = new_project_id()
    state = V1State(
        project_id=pid, stage=Stage.execution, department="sales", business_type="property_sale", channel="visit",
        requirement="Sell a flat", agent_id="u-agent", agent_name="Agent Wang", created_at=T0, updated_at=T0,
        in_scope=True, difficulty="low", risk_level="high", expected_cycle_days=30, original_expected_cycle_days=30,
        budget="1000",
        milestones=[MilestoneState(name="viewing", due_date=date(2026, 3, 10), done_on=date(2026, 3, 9))],
        pending=V1Pending(kind="results", sla="execution", role=Role.agent, user_id="u-agent", department="sales",
                          since=T0, due_at=T0 + timedelta(days=9), steps_done=1),
        seq=3,
    )  # fmt: skip

    def record_(seq: int, kind: str, **fields) -> StepRecord:
        return StepRecord(step_key=f"{pid}:{seq}", project_id=pid, seq=seq, kind=kind, at=T0 + timedelta(hours=seq),
                          state=state.model_copy(update={"seq": seq}), **fields)  # fmt: skip

    plan = {"goals": "g", "responsibilities": "r", "milestones": [{"name": "viewing", "due_date": "2026-03-10"}]}
    batch = StepBatch(steps=[
        record_(3, "decision", actor_id="u-head", actor_name="Head Li", actor_role=Role.dept_head,
                data={"gate": "plan", "level": "dept_head", "decision": "approve", "round": 1}),
        record_(2, "plan_submitted", actor_id="u-agent", actor_name="Agent Wang", actor_role=Role.agent, data=plan),
    ])  # fmt: skip
    acts = V1Activities(pool)
    await ActivityEnvironment().run(acts.record_steps, batch)
    await ActivityEnvironment().run(acts.record_steps, batch)
    assert [r["seq"] for r in await pool.fetch("SELECT seq FROM events WHERE project_id = $1 ORDER BY seq", pid)] == [
        2,
        3,
    ]
    assert await count(pool, "approvals", pid) == 1
    row = await pool.fetchrow("SELECT * FROM projects WHERE id = $1", pid)
    assert (row["stage"], row["risk_level"], row["pending_kind"], row["overdue"], row["requirement"]) == (
        "execution", "high", "results", True, "Sell a flat")
    assert row["view"]["assessment"]["expected_cycle_days"] == 30
    assert await pool.fetchval("SELECT done_on FROM milestones WHERE project_id = $1", pid) == date(2026, 3, 9)
