"""GET /v1/tasks (the inbox) on inserted rows, and the checks before closing a task."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from domain.models import Gate, Role, Stage
from jindu.i18n import t

from .conftest import assert_error, pending


async def insert_task(api, project_id: str, owner, due_in: timedelta, status: str = "open") -> str:
    task_id = f"{project_id}-t{uuid.uuid4().hex[:4]}"
    now = datetime.now(UTC)
    await api.pool.execute(
        """INSERT INTO rectification_tasks (id, project_id, source, description, owner_user_id, owner_name,
               owner_role, department, created_at, due_at, status)
           VALUES ($1, $2, 'review_rejection', 'Add the mortgage clause', $3, $4, $5, $6, $7, $8, $9)""",
        task_id, project_id, owner.id, owner.name, owner.role, owner.department or "-", now, now + due_in, status,
    )
    return task_id


async def test_inbox_lists_the_callers_work_soonest_due_first(api, users):
    dept, agent, head = users["agent"].department, users["agent"], users["dept_head"]
    d = timedelta(days=1)
    plan_gate = await api.insert_project(department=dept, agent=agent, stage=Stage.plan_approval,
                                         pending=pending("approval", Role.dept_head, dept, 3 * d, gate=Gate.plan))
    initiation = await api.insert_project(
        department=dept, agent=agent, stage=Stage.initiation_approval,
        pending=pending("approval", Role.dept_head, dept, 1 * d, gate=Gate.initiation))
    to_assess = await api.insert_project(department=dept, agent=agent,
                                         pending=pending("assessment", Role.agent, dept, 2 * d, user=agent))
    executive_gate = await api.insert_project(
        department=dept, agent=agent, stage=Stage.initiation_approval,
        pending=pending("approval", Role.executive, dept, 4 * d, gate=Gate.initiation))
    rework = await api.insert_project(department=dept, agent=agent, stage=Stage.rectification,
                                      pending=pending("rectification", Role.agent, dept, 9 * d, user=agent))
    open_task = await insert_task(api, rework, agent, 2.5 * d)
    await insert_task(api, rework, agent, 0.5 * d, status="done")

    inbox = (await api.http.get("/v1/tasks", headers=head.headers)).json()["items"]
    assert [(i["id"], i["kind"], i["gate"]) for i in inbox] == [
        (f"{initiation}:approval", "approval", "initiation"), (f"{plan_gate}:approval", "approval", "plan")]
    # Pending actions are described in the catalogue's words: the gate for an approval.
    assert inbox[0]["project_id"] == initiation and inbox[0]["description"] == t("web.gate.initiation") == "立项审批"
    assert inbox[1]["description"] == t("web.gate.plan")
    assert inbox[0]["due_at"] < inbox[1]["due_at"]

    inbox = (await api.http.get("/v1/tasks", headers=agent.headers)).json()["items"]
    assert [(i["id"], i["kind"]) for i in inbox] == [
        (f"{to_assess}:assessment", "assessment"), (open_task, "rectification"), (f"{rework}:rectification", "results")]
    assert inbox[1]["project_id"] == rework and inbox[1]["description"] == "Add the mortgage clause"
    assert inbox[0]["description"] == t("web.pending.assessment") and inbox[2]["description"] == t(
        "web.pending.results"
    )

    executive = await api.person("executive")  # no department: sees every department's executive gates
    ids = [i["id"] for i in (await api.http.get("/v1/tasks", headers=executive.headers)).json()["items"]]
    assert f"{executive_gate}:approval" in ids and f"{plan_gate}:approval" not in ids

    other_head = await api.person("dept_head", "another-dept")
    ids = [i["id"] for i in (await api.http.get("/v1/tasks", headers=other_head.headers)).json()["items"]]
    assert not {f"{initiation}:approval", f"{plan_gate}:approval"} & set(ids)


async def test_a_customer_sees_their_acceptance(api, users):
    dept, customer = users["agent"].department, users["customer"]
    pid = await api.insert_project(department=dept, agent=users["agent"], customer=customer,
                                   stage=Stage.customer_acceptance,
                                   pending=pending("acceptance", Role.customer, dept, timedelta(days=5), user=customer))
    inbox = (await api.http.get("/v1/tasks", headers=customer.headers)).json()["items"]
    assert [(i["id"], i["kind"], i["project_id"]) for i in inbox] == [(f"{pid}:acceptance", "acceptance", pid)]


async def test_only_the_owner_may_close_a_task(api, users):
    dept, agent = users["agent"].department, users["agent"]
    pid = await api.insert_project(department=dept, agent=agent, stage=Stage.rectification)
    task_id = await insert_task(api, pid, agent, timedelta(days=2))
    for role in ("dept_head", "executive", "customer"):
        r = await api.http.post(f"/v1/tasks/{task_id}/complete", json={"resolution": "done"},
                                headers=users[role].headers)
        assert_error(r, 403, "forbidden")
    r = await api.http.post(f"/v1/tasks/{task_id}/complete", json={"resolution": ""}, headers=agent.headers)
    assert_error(r, 422, "invalid")
    assert await api.pool.fetchval("SELECT status FROM rectification_tasks WHERE id = $1", task_id) == "open"
