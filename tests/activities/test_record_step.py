import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.notifier import build_notifier
from activities.project import ProjectActivities
from domain.models import Role, Stage, StepBatch, TaskStatus
from tests.fixtures_db import project_state, rectification_task, step_record


@pytest.fixture
def acts(pool, cipher):
    return ProjectActivities(pool, build_notifier(None), cipher)


async def record(acts, *steps):
    await ActivityEnvironment().run(acts.record_steps, StepBatch(steps=list(steps)))


async def count(pool, table, project_id):
    return await pool.fetchval(f"SELECT count(*) FROM {table} WHERE project_id = $1", project_id)


DECISION = {"gate": "plan", "level": "dept_head", "decision": "approve", "round": 2}


async def test_a_retried_step_writes_once(acts, pool):
    state = project_state(seq=3)
    step = step_record(state, "decision", data=DECISION, actor_role=Role.dept_head, comment="good plan")
    await record(acts, step)
    await record(acts, step)
    assert await count(pool, "events", state.project_id) == 1
    assert await count(pool, "approvals", state.project_id) == 1
    row = await pool.fetchrow("SELECT * FROM approvals WHERE project_id = $1", state.project_id)
    assert (row["gate"], row["level"], row["decision"], row["round"]) == ("plan", "dept_head", "approve", 2)
    assert (row["by_user_id"], row["by_name"], row["comment"]) == ("u-head", "Head Li", "good plan")
    event = await pool.fetchrow("SELECT * FROM events WHERE step_key = $1", step.step_key)
    assert event["data"] == DECISION and event["actor_role"] == "dept_head"


async def test_the_read_model_mirrors_the_state(acts, pool):
    task = rectification_task(steps_done=1)
    state = project_state(seq=4, tasks=[task])
    await record(acts, step_record(state, "task_created", data={"task_id": task.id}))
    row = await pool.fetchrow("SELECT * FROM projects WHERE id = $1", state.project_id)
    assert row["workflow_id"] == f"project-{state.project_id}"
    assert (row["stage"], row["department"], row["risk_level"], row["seq"]) == ("execution", "sales", "medium", 4)
    assert (row["pending_kind"], row["pending_role"], row["pending_user_id"]) == ("results", "agent", "u-agent")
    assert row["pending_due_at"] == state.pending.due_at
    assert row["overdue"] is True and row["warning"] is False
    assert (row["completion_rate"], row["cycle_deviation_rate"], row["satisfaction_score"]) == (100.0, 5.0, None)
    assert row["state"] == state.model_dump(mode="json")
    milestones = await pool.fetch("SELECT name, due_date FROM milestones WHERE project_id = $1 ORDER BY due_date",
                                  state.project_id)
    assert [(m["name"], m["due_date"]) for m in milestones] == [(m.name, m.due_date) for m in state.milestones]
    stored = await pool.fetchrow("SELECT * FROM rectification_tasks WHERE id = $1", task.id)
    assert (stored["status"], stored["escalations"], stored["owner_name"]) == ("open", 1, "Agent Wang")


async def test_an_older_step_never_overwrites_a_newer_read_model(acts, pool):
    task = rectification_task()
    newer = project_state(seq=8, stage=Stage.customer_acceptance,
                          tasks=[task.model_copy(update={"status": TaskStatus.done, "resolution": "fixed"})])
    older = project_state(newer.project_id, seq=7, stage=Stage.rectification, tasks=[task])
    await record(acts, step_record(newer, "stage_changed", data={"from": "rectification", "to": "customer_acceptance"}))
    await record(acts, step_record(older, "task_created", data={"task_id": task.id}))

    row = await pool.fetchrow("SELECT stage, seq, state FROM projects WHERE id = $1", newer.project_id)
    assert (row["stage"], row["seq"], row["state"]["seq"]) == ("customer_acceptance", 8, 8)
    assert await pool.fetchval("SELECT status FROM rectification_tasks WHERE id = $1", task.id) == "done"
    # The late step is still part of the audit trail.
    seqs = await pool.fetch("SELECT seq FROM events WHERE project_id = $1 ORDER BY seq", newer.project_id)
    assert [r["seq"] for r in seqs] == [7, 8]


async def test_a_newer_plan_replaces_the_milestones(acts, pool):
    first = project_state(seq=1)
    await record(acts, step_record(first, "plan_submitted"))
    done = first.milestones[0].model_copy(update={"done_on": first.milestones[0].due_date})
    await record(acts, step_record(project_state(first.project_id, seq=2, milestones=[done]), "weekly_report",
                                   data={"progress": "viewed", "next_week_plan": "sign", "on_time": True}))
    rows = await pool.fetch("SELECT name, done_on FROM milestones WHERE project_id = $1", first.project_id)
    assert [(r["name"], r["done_on"]) for r in rows] == [("viewing", done.done_on)]


async def test_each_kind_writes_its_table(acts, pool):
    state = project_state(seq=1)
    pid = state.project_id
    steps = [
        ("intake", {"channel": "visit", "business_type": "property_sale"}, Role.agent),
        ("decision", {"gate": "initiation", "level": "dept_head", "decision": "reject", "round": 1}, Role.dept_head),
        ("weekly_report", {"progress": "p", "problems": "none", "next_week_plan": "n",
                           "completed_milestones": ["viewing"], "on_time": False}, Role.agent),
        ("results_submitted", {"summary": "sold", "attachments": ["contract.pdf"], "completed_milestones": [],
                               "submission": 1}, Role.agent),
        ("accepted", {"rating": 4}, Role.customer),
        ("rating", {"rating": 5}, Role.customer),
        ("warning_raised", {"reasons": ["completion rate 50% < 80%"]}, None),
        ("warning_analysed", {"cause": "resources", "analysis": "short of staff", "measures": []}, Role.dept_head),
        ("warning_cleared", {"kpis": {}}, None),
    ]
    for seq, (kind, data, role) in enumerate(steps, start=1):
        await record(acts, step_record(project_state(pid, seq=seq), kind, data=data, actor_role=role))

    assert await count(pool, "events", pid) == len(steps)
    assert await count(pool, "approvals", pid) == 1
    report = await pool.fetchrow("SELECT * FROM weekly_reports WHERE project_id = $1", pid)
    assert (report["progress"], report["problems"], report["next_week_plan"]) == ("p", "none", "n")
    assert report["completed_milestones"] == ["viewing"] and report["on_time"] is False
    assert (report["agent_id"], report["department"]) == ("u-agent", "sales")
    result = await pool.fetchrow("SELECT * FROM result_submissions WHERE project_id = $1", pid)
    assert (result["submission"], result["summary"], result["attachments"]) == (1, "sold", ["contract.pdf"])
    ratings = await pool.fetch("SELECT rating, agent_id FROM ratings WHERE project_id = $1 ORDER BY at", pid)
    assert [(r["rating"], r["agent_id"]) for r in ratings] == [(4, "u-agent"), (5, "u-agent")]
    warnings = await pool.fetch("SELECT kind, reasons, cause, analysis FROM warnings WHERE project_id = $1 ORDER BY at",
                                pid)
    assert [tuple(w) for w in warnings] == [
        ("raised", ["completion rate 50% < 80%"], None, None),
        ("analysed", [], "resources", "short of staff"),
        ("cleared", [], None, None),
    ]


async def test_a_malformed_step_is_not_retried(acts, pool):
    state = project_state(seq=1)
    with pytest.raises(ApplicationError) as caught:
        await record(acts, step_record(state, "decision", data={"gate": "plan"}, actor_role=Role.dept_head))
    assert caught.value.non_retryable
    # The transaction rolled back: not even the project row was written.
    assert await pool.fetchval("SELECT count(*) FROM projects WHERE id = $1", state.project_id) == 0


async def test_a_batch_keeps_every_event_and_the_newest_snapshot(acts, pool):
    first = project_state(seq=1, stage=Stage.assessment)
    second = project_state(first.project_id, seq=2, stage=Stage.initiation_approval)
    third = project_state(first.project_id, seq=3, stage=Stage.initiation_approval,
                          tasks=[rectification_task(status=TaskStatus.open)])
    batch = [step_record(third, "task_created"), step_record(first, "assessment"),
             step_record(second, "stage_changed", data={"from": "assessment", "to": "initiation_approval"})]
    await record(acts, *batch)
    await record(acts, *batch)  # a retried batch adds nothing
    row = await pool.fetchrow("SELECT seq, stage FROM projects WHERE id = $1", first.project_id)
    assert (row["seq"], row["stage"]) == (3, "initiation_approval")
    kinds = await pool.fetch("SELECT kind FROM events WHERE project_id = $1 ORDER BY seq", first.project_id)
    assert [k["kind"] for k in kinds] == ["assessment", "stage_changed", "task_created"]
    assert await count(pool, "rectification_tasks", first.project_id) == 1


async def test_a_batch_mixing_projects_is_refused(acts):
    a, b = project_state(seq=1), project_state(seq=2)
    with pytest.raises(ApplicationError, match="another project"):
        await record(acts, step_record(a, "intake"), step_record(b, "intake"))
