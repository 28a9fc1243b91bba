"""归档: one bundle per project, built from its records, indexed by keyword, built once."""

import uuid
from datetime import timedelta

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from domain.commands import CustomerIn
from domain.steps import ArchiveIn
from store.customers import insert_customer
from tests.fixtures_db import AGENT, CUSTOMER, HEAD, T0, intake_step, project_state, record_batch, step


async def test_archive_bundles_the_project_once(acts, pool, cipher):
    env = ActivityEnvironment()
    pid = f"p-{uuid.uuid4().hex[:12]}"
    await insert_customer(pool, project_id=pid, customer=CustomerIn(name="Chen Jingyi", phone="13912345678"),
                          user_id=None, cipher=cipher)
    task = {"task_id": f"{pid}-t1", "source": "review_rejection", "owner_id": "u-agent", "owner": "Agent Wang",
            "owner_role": "agent", "department": "sales", "due_at": (T0 + timedelta(days=3)).isoformat()}
    plan = {
        "goals": "sell",
        "responsibilities": "agent",
        "milestones": [{"name": "viewing", "due_date": "2026-03-10"}, {"name": "contract", "due_date": "2026-03-20"}],
    }
    steps = [
        intake_step(),
        step(2, "decision", HEAD, gate="plan", level="dept_head", decision="approve", round=1),
        step(3, "plan_submitted", AGENT, **plan),
        step(4, "stage_changed", HEAD, **{"from": "plan_approval", "to": "execution"}),
        step(5, "weekly_report", AGENT, progress="viewed", next_week_plan="sign", on_time=True),
        step(6, "results_submitted", AGENT, summary="sold", submission=1),
        step(7, "task_created", None, "Fix the contract", **task),
        step(8, "stage_changed", AGENT, **{"from": "execution", "to": "customer_acceptance"}),
        step(9, "accepted", CUSTOMER, rating=5),
    ]
    for s in steps:
        await env.run(acts.record, record_batch(pid, s.seq, s))
    view = project_state(pid).read_view() | {"risk_level": "high"}
    await env.run(acts.record, record_batch(pid, 10, view=view))

    result = await env.run(acts.archive, ArchiveIn(project_id=pid, seq=10))
    assert result.bundle_id == f"archive-{pid}"
    assert result.keywords == [pid, "sales", "property_sale", "Agent Wang", "high", "visit", "execution",
                               "customer_acceptance"]
    again = await env.run(acts.archive, ArchiveIn(project_id=pid, seq=12))
    assert again == result
    rows = await pool.fetch("SELECT * FROM archive_bundles WHERE project_id = $1", pid)
    assert len(rows) == 1 and list(rows[0]["keywords"]) == result.keywords
    assert rows[0]["step_key"] == f"{pid}:archive"
    bundle = rows[0]["bundle"]
    assert [e["seq"] for e in bundle["operation_records"]] == list(range(1, 10))
    assert [e["kind"] for e in bundle["operation_records"]] == [s.kind for s in steps]
    assert bundle["customer"] == {"customer_id": f"customer-{pid}", "project_id": pid, "customer_user_id": None}
    assert "Chen Jingyi" not in str(bundle) and "13912345678" not in str(bundle)
    assert bundle["plan"] == {"goals": "sell", "responsibilities": "agent", "resources": ""}
    assert bundle["summary"]["risk_level"] == "high" and bundle["summary"]["department"] == "sales"
    assert [m["name"] for m in bundle["milestones"]] == ["viewing", "contract"]
    assert [r["progress"] for r in bundle["weekly_reports"]] == ["viewed"]
    assert [r["summary"] for r in bundle["result_submissions"]] == ["sold"]
    assert [(a["gate"], a["decision"]) for a in bundle["approvals"]] == [("plan", "approve")]
    assert [t["id"] for t in bundle["rectification_tasks"]] == [task["task_id"]]
    assert bundle["acceptance"]["accepted"] is True and bundle["acceptance"]["rating"] == 5


async def test_archiving_an_unknown_project_is_not_retried(acts):
    with pytest.raises(ApplicationError) as caught:
        await ActivityEnvironment().run(acts.archive, ArchiveIn(project_id="no-such-project", seq=9))
    assert caught.value.non_retryable and caught.value.type == "NotFound"
