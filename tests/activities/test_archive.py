import uuid

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.notifier import build_notifier
from activities.project import ProjectActivities
from domain.models import ArchiveRequest, CustomerIn, Role, Stage, StepBatch
from store.customers import insert_customer
from tests.fixtures_db import project_state, rectification_task, step_record


@pytest.fixture
def acts(pool, cipher):
    return ProjectActivities(pool, build_notifier(None), cipher)


async def test_archive_bundles_the_project_once(acts, pool, cipher):
    env = ActivityEnvironment()
    pid = f"p-{uuid.uuid4().hex[:12]}"
    await insert_customer(pool, project_id=pid, customer=CustomerIn(name="Chen Jingyi", phone="13912345678"),
                          user_id=None, cipher=cipher)
    task = rectification_task()
    steps = [
        ("intake", {}, Role.agent),
        ("decision", {"gate": "plan", "level": "dept_head", "decision": "approve", "round": 1}, Role.dept_head),
        ("stage_changed", {"from": "plan_approval", "to": "execution"}, Role.dept_head),
        ("weekly_report", {"progress": "viewed", "next_week_plan": "sign", "on_time": True}, Role.agent),
        ("results_submitted", {"summary": "sold", "submission": 1}, Role.agent),
        ("task_created", {"task_id": task.id}, None),
        ("stage_changed", {"from": "execution", "to": "customer_acceptance"}, Role.agent),
        ("accepted", {"rating": 5}, Role.customer),
    ]
    # Recorded out of order on purpose: the bundle lists operation records by seq.
    for seq in (2, 1, 3, 4, 5, 6, 7, 8):
        kind, data, role = steps[seq - 1]
        state = project_state(pid, seq=seq, tasks=[task] if seq >= 6 else [])
        await env.run(acts.record_steps, StepBatch(steps=[step_record(state, kind, data=data, actor_role=role)]))

    final = project_state(pid, seq=9, stage=Stage.archiving, tasks=[task], risk_level="high")
    req = ArchiveRequest(step_key=f"{pid}:9", project_id=pid, state=final)
    result = await env.run(acts.archive_project, req)
    assert result.bundle_id == f"archive-{pid}"
    assert result.keywords[:5] == [pid, "sales", "property_sale", "Agent Wang", "high"]
    assert {"execution", "customer_acceptance"} <= set(result.keywords)

    again = await env.run(acts.archive_project, req.model_copy(update={"state": project_state(pid, seq=10)}))
    assert again == result
    rows = await pool.fetch("SELECT * FROM archive_bundles WHERE project_id = $1", pid)
    assert len(rows) == 1 and list(rows[0]["keywords"]) == result.keywords
    bundle = rows[0]["bundle"]
    assert [e["seq"] for e in bundle["operation_records"]] == list(range(1, 9))
    assert [e["kind"] for e in bundle["operation_records"]] == [s[0] for s in steps]
    assert bundle["customer"] == {"customer_id": f"customer-{pid}", "project_id": pid, "customer_user_id": None}
    assert "Chen Jingyi" not in str(bundle) and "13912345678" not in str(bundle)
    assert [m["name"] for m in bundle["milestones"]] == ["viewing", "contract"]
    assert [r["progress"] for r in bundle["weekly_reports"]] == ["viewed"]
    assert [r["summary"] for r in bundle["result_submissions"]] == ["sold"]
    assert [(a["gate"], a["decision"]) for a in bundle["approvals"]] == [("plan", "approve")]
    assert [t["id"] for t in bundle["rectification_tasks"]] == [task.id]
    assert bundle["acceptance"]["accepted"] is True and bundle["acceptance"]["rating"] == 5


async def test_archiving_an_unknown_project_is_not_retried(acts):
    state = project_state()
    req = ArchiveRequest(step_key=f"{state.project_id}:9", project_id=state.project_id, state=state)
    with pytest.raises(ApplicationError) as caught:
        await ActivityEnvironment().run(acts.archive_project, req)
    assert caught.value.non_retryable
