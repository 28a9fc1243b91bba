"""The `record` activity: one batch of steps in one transaction, written once whatever the
retries, facts into their tables, the read model patched in order, notifications queued."""

from datetime import date, timedelta

from domain.models import Role
from tests.activities.recording import DECISION, count, record, started
from tests.fixtures_db import (
    AGENT,
    CUSTOMER,
    HEAD,
    T0,
    project_state,
    record_batch,
    step,
)

DUE = (T0 + timedelta(days=2)).isoformat()


async def test_a_retried_step_writes_once(acts, pool):
    pid = await started(acts)
    batch = record_batch(pid, 2, step(2, "decision", HEAD, "good plan", **DECISION))
    await record(acts, batch)
    await record(acts, batch)
    assert await count(pool, "events", pid) == 2
    assert await count(pool, "approvals", pid) == 1
    row = await pool.fetchrow("SELECT * FROM approvals WHERE project_id = $1", pid)
    assert (row["gate"], row["level"], row["decision"], row["round"]) == ("plan", "dept_head", "approve", 2)
    assert (row["by_user_id"], row["by_name"], row["comment"]) == ("u-head", "Head Li", "good plan")
    assert (row["on_behalf_of_id"], row["on_behalf_of_name"]) == (None, None)
    event = await pool.fetchrow("SELECT * FROM events WHERE step_key = $1", f"{pid}:2")
    assert event["data"] == DECISION and (event["actor_role"], event["actor_name"]) == ("dept_head", "Head Li")
    assert (event["seq"], event["kind"], event["at"]) == (2, "decision", T0 + timedelta(hours=2))


async def test_intake_writes_a_minimal_project_row_when_none_was_claimed(acts, pool):
    """A project started some other way (an operator's `temporal workflow start`) is recorded too."""
    pid = await started(acts)
    row = await pool.fetchrow("SELECT * FROM projects WHERE id = $1", pid)
    assert (row["workflow_id"], row["stage"], row["department"], row["agent_id"], row["agent_name"]) == (
        f"project-{pid}", "assessment", "sales", "u-agent", "Agent Wang")
    assert (row["business_type"], row["channel"], row["created_at"]) == (
        "property_sale",
        "visit",
        T0 + timedelta(hours=1),
    )


async def test_the_read_model_takes_the_batchs_view(acts, pool):
    pid = await started(acts)
    state = project_state(pid, kpis={"completion_rate": 50.0, "cycle_deviation_rate": 25.0})
    state.pending.steps_done = 1
    state.warning.active, state.warning.reasons = True, ["completion_rate 50.0 < 80.0"]
    await record(acts, record_batch(pid, 2, step(2, "reminder", to_role="agent", what="results", step=1, due_at=DUE),
                                    view=state.read_view()))
    row = await pool.fetchrow("SELECT * FROM projects WHERE id = $1", pid)
    assert (row["stage"], row["risk_level"], row["seq"], row["view_version"]) == ("execution", "medium", 2, 2)
    assert (row["pending_kind"], row["pending_gate"], row["pending_role"], row["pending_user_id"]) == (
        "results", None, "agent", "u-agent")
    assert row["pending_due_at"] == state.pending.due_at
    assert row["overdue"] is True and row["warning"] is True
    assert (row["completion_rate"], row["cycle_deviation_rate"], row["satisfaction_score"]) == (50.0, 25.0, None)
    assert row["updated_at"] == T0 + timedelta(hours=2) and row["completed_at"] is None
    assert row["view"] == state.read_view()

    # A later batch carries only the fields that changed; the others stay.
    done = {
        "stage": "completed",
        "pending": None,
        "overdue": False,
        "completed_at": (T0 + timedelta(days=3)).isoformat(),
    }
    await record(acts, record_batch(pid, 3, step(3, "completed"), view=done))
    row = await pool.fetchrow("SELECT * FROM projects WHERE id = $1", pid)
    assert (row["stage"], row["pending_kind"], row["pending_due_at"], row["overdue"]) == (
        "completed",
        None,
        None,
        False,
    )
    assert row["completed_at"] == T0 + timedelta(days=3) and row["risk_level"] == "medium"
    assert row["view"] == state.read_view() | done


async def test_a_late_retry_never_moves_the_read_model_back(acts, pool):
    pid = await started(acts)
    older = record_batch(pid, 2, step(2, "stage_changed", HEAD, **{"from": "result_review", "to": "rectification"}),
                         view={"stage": "rectification"})
    newer = record_batch(pid, 3, step(3, "stage_changed", AGENT, **{"from": "rectification", "to": "result_review"}),
                         view={"stage": "result_review"})
    await record(acts, older)
    await record(acts, newer)
    await record(acts, older)  # its activity was retried after the next batch got through
    row = await pool.fetchrow("SELECT stage, seq, view_version, view FROM projects WHERE id = $1", pid)
    assert (row["stage"], row["seq"], row["view_version"], row["view"]["stage"]) == ("result_review", 3, 3,
                                                                                     "result_review")
    # A batch older than the view, written for the first time, still joins the audit trail.
    lost = record_batch(pid, 2, step(4, "reminder", to_role="agent", what="results", step=1, due_at=DUE),
                        view={"stage": "planning"})
    await record(acts, lost)
    row = await pool.fetchrow("SELECT stage, view_version FROM projects WHERE id = $1", pid)
    assert (row["stage"], row["view_version"]) == ("result_review", 3)
    seqs = await pool.fetch("SELECT seq FROM events WHERE project_id = $1 ORDER BY seq", pid)
    assert [r["seq"] for r in seqs] == [1, 2, 3, 4]


def plan(*milestones: tuple[str, date]) -> dict:
    return {"goals": "sell", "responsibilities": "agent", "resources": "car",
            "milestones": [{"name": n, "due_date": d.isoformat()} for n, d in milestones]}


async def test_a_newer_plan_replaces_the_milestones(acts, pool):
    pid = await started(acts)
    viewing, contract, handover = date(2026, 3, 10), date(2026, 3, 20), date(2026, 3, 30)
    await record(acts, record_batch(pid, 2, step(2, "plan_submitted", AGENT, **plan(("viewing", viewing),
                                                                                     ("contract", contract)))))
    await record(acts, record_batch(pid, 3, step(3, "weekly_report", AGENT, progress="viewed", next_week_plan="sign",
                                                 milestones_done={"viewing": "2026-03-09"})))  # fmt: skip
    rows = await pool.fetch("SELECT name, due_date, done_on FROM milestones WHERE project_id = $1 ORDER BY due_date",
                            pid)  # fmt: skip
    assert [tuple(r) for r in rows] == [("viewing", viewing, date(2026, 3, 9)), ("contract", contract, None)]
    assert await pool.fetchval("SELECT plan FROM projects WHERE id = $1", pid) == {
        "goals": "sell", "responsibilities": "agent", "resources": "car"}

    # A plan rejected and submitted again: its milestones are the new ones, none done yet.
    await record(acts, record_batch(pid, 4, step(4, "plan_submitted", AGENT, **plan(("viewing", viewing + timedelta(1)),
                                                                                     ("handover", handover)))))
    rows = await pool.fetch("SELECT name, due_date, done_on FROM milestones WHERE project_id = $1 ORDER BY due_date",
                            pid)  # fmt: skip
    assert [tuple(r) for r in rows] == [("viewing", viewing + timedelta(1), None), ("handover", handover, None)]


async def test_each_kind_writes_its_table(acts, pool):
    pid = await started(acts)
    due = T0 + timedelta(days=3)
    task = {"task_id": f"{pid}-t1", "source": "review_rejection", "owner_id": "u-agent", "owner": "Agent Wang",
            "owner_role": "agent", "department": "sales", "due_at": due.isoformat(), "round": 1}
    steps = [
        step(2, "decision", HEAD, "no budget", gate="initiation", level="dept_head", decision="reject", round=1),
        step(3, "decision", HEAD.model_copy(update={"user_id": "u-ops", "name": "Ops Qian", "role": Role.operations}),
             gate="plan", level="dept_head", decision="approve", round=1, on_behalf_of=HEAD.model_dump(mode="json")),
        step(4, "plan_submitted", AGENT, **plan(("viewing", date(2026, 3, 10)))),
        step(5, "weekly_report", AGENT, progress="p", problems="none", next_week_plan="n",
             completed_milestones=["viewing"], on_time=False, milestones_done={"viewing": "2026-03-10"}),
        step(6, "results_submitted", AGENT, summary="sold", attachments=["contract.pdf"], submission=1),
        step(7, "task_created", None, "Add the mortgage clause", **task),
        step(8, "reminder", None, task_id=task["task_id"], to_role="agent", what="task", step=1,
             due_at=DUE),
        step(9, "reassigned", None, "on leave", target=f"task:{task['task_id']}", to="Agent Sun", to_id="u-sun",
             to_role="agent", department="sales-2", previous="Agent Wang"),
        step(10, "deadline_extended", None, "waiting for the bank", target=f"task:{task['task_id']}",
             due_at=(due + timedelta(days=2)).isoformat(), previous_due_at=due.isoformat(), working_days=2),
        step(11, "task_completed", AGENT, "Clause added", task_id=task["task_id"], source="review_rejection"),
        step(12, "accepted", CUSTOMER, rating=4),
        step(13, "warning_raised", reasons=["completion rate 50% < 80%"]),
        step(14, "warning_analysed", HEAD, "short of staff", cause="resources", measures=1),
        step(15, "warning_cleared", completion_rate=100.0),
        step(16, "cancelled", None, "customer withdrew"),
    ]
    for s in steps:
        await record(acts, record_batch(pid, s.seq, s))

    assert await count(pool, "events", pid) == len(steps) + 1
    approvals = await pool.fetch("SELECT * FROM approvals WHERE project_id = $1 ORDER BY step_key", pid)
    assert [(a["gate"], a["decision"], a["by_name"], a["on_behalf_of_id"], a["on_behalf_of_name"], a["comment"])
            for a in approvals] == [("initiation", "reject", "Head Li", None, None, "no budget"),
                                    ("plan", "approve", "Ops Qian", "u-head", "Head Li", "")]  # fmt: skip
    report = await pool.fetchrow("SELECT * FROM weekly_reports WHERE project_id = $1", pid)
    assert (report["progress"], report["problems"], report["next_week_plan"]) == ("p", "none", "n")
    assert report["completed_milestones"] == ["viewing"] and report["on_time"] is False
    assert (report["agent_id"], report["department"]) == ("u-agent", "sales")
    assert await pool.fetchval("SELECT done_on FROM milestones WHERE project_id = $1", pid) == date(2026, 3, 10)
    result = await pool.fetchrow("SELECT * FROM result_submissions WHERE project_id = $1", pid)
    assert (result["submission"], result["summary"], result["attachments"]) == (1, "sold", ["contract.pdf"])
    t = await pool.fetchrow("SELECT * FROM rectification_tasks WHERE project_id = $1", pid)
    assert (t["id"], t["source"], t["description"], t["summary"], t["round"]) == (
        task["task_id"], "review_rejection", "Add the mortgage clause", "Add the mortgage clause", 1)
    assert (t["owner_user_id"], t["owner_name"], t["owner_role"], t["department"]) == ("u-sun", "Agent Sun", "agent",
                                                                                       "sales-2")
    assert (t["due_at"], t["escalations"]) == (due + timedelta(days=2), 0)  # the extension restarts its chain
    assert (t["status"], t["resolution"], t["completed_at"]) == ("done", "Clause added", T0 + timedelta(hours=11))
    ratings = await pool.fetch("SELECT rating, agent_id, department FROM ratings WHERE project_id = $1", pid)
    assert [tuple(r) for r in ratings] == [(4, "u-agent", "sales")]
    warnings = await pool.fetch("SELECT kind, reasons, cause, analysis FROM warnings WHERE project_id = $1 ORDER BY at",
                                pid)
    assert [tuple(w) for w in warnings] == [
        ("raised", ["completion rate 50% < 80%"], None, None),
        ("analysed", [], "resources", "short of staff"),
        ("cleared", [], None, None),
    ]
    assert await pool.fetchval("SELECT cancel_reason FROM projects WHERE id = $1", pid) == "customer withdrew"


async def test_a_reminder_counts_the_tasks_escalations(acts, pool):
    pid = await started(acts)
    task = {"task_id": f"{pid}-t1", "source": "customer_objection", "owner_id": "u-agent", "owner_role": "agent",
            "department": "sales", "due_at": (T0 + timedelta(days=1)).isoformat()}
    await record(acts, record_batch(pid, 2, step(2, "task_created", None, "Earlier handover", **task)))
    chased = {"task_id": task["task_id"], "what": "task", "due_at": DUE}
    await record(acts, record_batch(pid, 3, step(3, "reminder", step=1, **chased),
                                    step(4, "escalation", step=2, **chased)))
    row = await pool.fetchrow("SELECT owner_name, escalations, status FROM rectification_tasks WHERE id = $1",
                              task["task_id"])  # fmt: skip
    assert tuple(row) == ("", 2, "open")
