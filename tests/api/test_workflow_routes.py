"""Routes that start or update the real ProjectWorkflow (worker on the app's task queue)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from tests.history import payload_bytes

from .conftest import assert_error

pytestmark = pytest.mark.usefixtures("worker")

ASSESSMENT = {"in_scope": True, "difficulty": "low", "risk_level": "low", "expected_cycle_days": 20,
              "budget": "5000"}


def intake(customer=None, **extra) -> dict:
    c = {"name": "韩梅梅", "phone": "13912345678"}
    if customer is not None:
        c["user"] = customer.name
    return {"customer": c, "channel": "online", "requirement": "Find a job in logistics", "business_type": "talent",
            **extra}


async def test_create_starts_the_project_once(api, users):
    agent = users["agent"]
    body = intake(users["customer"], id=f"api-{uuid.uuid4().hex[:8]}")
    first = await api.http.post("/v1/projects", json=body, headers=agent.headers)
    assert first.status_code == 201, first.text
    view = first.json()
    assert view["id"] == body["id"] and view["stage"] == "assessment"
    assert view["department"] == agent.department and view["agent_name"] == agent.name
    assert view["pending"]["kind"] == "assessment" and view["pending"]["user_id"] == agent.id
    assert view["customer"]["name"] == "韩梅梅" and view["customer"]["user_id"] == users["customer"].id
    assert [e["kind"] for e in view["history"]][:1] == ["intake"]

    again = await api.http.post("/v1/projects", json=body, headers=agent.headers)
    assert again.status_code == 200, again.text
    assert again.json()["id"] == body["id"] and again.json()["history"] == view["history"]
    outsider = await api.person("agent", "another-dept")
    assert_error(await api.http.post("/v1/projects", json=body, headers=outsider.headers), 409, "conflict")

    async with api.pool.acquire() as db:
        assert await db.fetchval("SELECT count(*) FROM customers WHERE project_id=$1", body["id"]) == 1
        assert await db.fetchval("SELECT count(*) FROM events WHERE project_id=$1 AND kind='intake'", body["id"]) == 1
        owner = await db.fetchval("SELECT customer_user_id FROM projects WHERE id=$1", body["id"])
        assert owner == users["customer"].id
    handle = api.app.state.client.get_workflow_handle(f"project-{body['id']}")
    desc = await handle.describe()
    assert desc.task_queue == "jindu-projects-api-test"
    assert await desc.static_summary() == f"talent · {agent.department} · agent {agent.name} · project {body['id']}"
    payloads = payload_bytes(await handle.fetch_history())
    assert agent.name.encode() in payloads  # the check can see names: staff names are there
    assert "韩梅梅".encode() not in payloads and b"13912345678" not in payloads  # customer data is not
    assert users["customer"].name.encode() not in payloads  # nor the customer's account name
    assert users["customer"].id.encode() in payloads  # the customer is an id there

    # The customer named in the intake may read it; the generated id is used when none is given.
    assert (await api.http.get(f"/v1/projects/{body['id']}", headers=users["customer"].headers)).status_code == 200
    generated = await api.http.post("/v1/projects", json=intake(), headers=agent.headers)
    assert generated.status_code == 201 and len(generated.json()["id"]) == 12


async def test_decisions_go_through_the_workflow_validators(api, users):
    agent, head = users["agent"], users["dept_head"]
    pid = (await api.http.post("/v1/projects", json=intake(users["customer"]), headers=agent.headers)).json()["id"]
    p = f"/v1/projects/{pid}"
    plan = {"goals": "g", "responsibilities": "r",
            "milestones": [{"name": "m", "due_date": (date.today() + timedelta(days=5)).isoformat()}]}

    assert_error(await api.http.post(f"{p}/plan", json=plan, headers=agent.headers), 409, "wrong_stage")
    colleague = await api.person("agent", agent.department)
    assert_error(await api.http.post(f"{p}/assessment", json=ASSESSMENT, headers=colleague.headers), 403, "forbidden")
    events = await api.pool.fetchval("SELECT count(*) FROM events WHERE project_id=$1", pid)

    r = await api.http.post(f"{p}/assessment", json=ASSESSMENT, headers=agent.headers)
    assert r.status_code == 200, r.text
    assert r.json()["stage"] == "initiation_approval" and r.json()["pending"]["role"] == "dept_head"
    assert len(r.json()["history"]) > events

    inbox = (await api.http.get("/v1/tasks", headers=head.headers)).json()["items"]
    assert [(i["id"], i["kind"], i["gate"]) for i in inbox] == [(f"{pid}:approval", "approval", "initiation")]

    r = await api.http.post(f"{p}/decisions", json={"gate": "initiation", "decision": "approve"}, headers=head.headers)
    assert r.status_code == 200 and r.json()["stage"] == "planning", r.text
    r = await api.http.post(f"{p}/decisions", json={"gate": "initiation", "decision": "reject", "comment": "预算不足"},
                            headers=head.headers)
    assert_error(r, 409, "already_decided")
    assert (await api.http.get("/v1/tasks", headers=head.headers)).json()["items"] == []

    late = {**plan, "milestones": [{"name": "m", "due_date": (date.today() - timedelta(days=3)).isoformat()}]}
    assert_error(await api.http.post(f"{p}/plan", json=late, headers=agent.headers), 422, "invalid")


async def test_warning_analysis_owners_are_resolved_by_name(api, users):
    pid = (await api.http.post("/v1/projects", json=intake(), headers=users["agent"].headers)).json()["id"]
    body = {"cause": "resources", "analysis": "Short of staff",
            "measures": [{"description": "Hire", "owner": "no-such-person", "deadline_working_days": 3}]}
    r = await api.http.post(f"/v1/projects/{pid}/warning-analysis", json=body, headers=users["dept_head"].headers)
    assert "no-such-person" in assert_error(r, 422, "invalid")["message"]
    body["measures"][0]["owner"] = users["agent"].name
    r = await api.http.post(f"/v1/projects/{pid}/warning-analysis", json=body, headers=users["dept_head"].headers)
    assert_error(r, 409, "wrong_stage")  # no active warning: the workflow's validator says so


async def test_operations_cancel_and_a_finished_project_refuses_more(api, users):
    agent = users["agent"]
    pid = (await api.http.post("/v1/projects", json=intake(), headers=agent.headers)).json()["id"]
    p = f"/v1/projects/{pid}"
    r = await api.http.post(f"{p}/cancel", json={"reason": "customer withdrew"}, headers=users["operations"].headers)
    assert r.status_code == 200, r.text
    assert r.json()["stage"] == "cancelled" and r.json()["cancel_reason"] == "customer withdrew"
    handle = api.app.state.client.get_workflow_handle(f"project-{pid}")
    await handle.result()
    r = await api.http.post(f"{p}/cancel", json={"reason": "again"}, headers=users["operations"].headers)
    # The workflow has closed: Temporal's NOT_FOUND for a finished execution becomes 409.
    assert "already finished" in assert_error(r, 409, "wrong_stage")["message"]
    assert_error(await api.http.post(f"{p}/assessment", json=ASSESSMENT, headers=agent.headers), 409, "wrong_stage")
    assert (await api.http.get(p, headers=agent.headers)).json()["stage"] == "cancelled"


async def test_the_task_owner_closes_a_rectification_task(api, users):
    agent, head, customer = users["agent"], users["dept_head"], users["customer"]
    pid = (await api.http.post("/v1/projects", json=intake(customer), headers=agent.headers)).json()["id"]
    p = f"/v1/projects/{pid}"

    async def ok(path, who, body):
        r = await api.http.post(path, json=body, headers=who.headers)
        assert r.status_code == 200, r.text
        return r.json()

    await ok(f"{p}/assessment", agent, ASSESSMENT)
    await ok(f"{p}/decisions", head, {"gate": "initiation", "decision": "approve"})
    await ok(f"{p}/plan", agent, {"goals": "g", "responsibilities": "r", "milestones": [
        {"name": "m", "due_date": (date.today() + timedelta(days=5)).isoformat()}]})
    await ok(f"{p}/decisions", head, {"gate": "plan", "decision": "approve"})
    await ok(f"{p}/results", agent, {"summary": "done"})
    view = await ok(f"{p}/decisions", head, {"gate": "result_review", "decision": "reject", "comment": "Redo it"})
    assert view["stage"] == "rectification"

    inbox = (await api.http.get("/v1/tasks", headers=agent.headers)).json()["items"]
    [task] = [i for i in inbox if i["kind"] == "rectification"]
    assert task["project_id"] == pid and task["description"] == "Redo it"
    assert_error(await api.http.post(f"{p}/results", json={"summary": "v2"}, headers=agent.headers), 409, "conflict")
    assert_error(await api.http.post(f"/v1/tasks/{task['id']}/complete", json={"resolution": "x"},
                                     headers=head.headers), 403, "forbidden")

    r = await api.http.post(f"/v1/tasks/{task['id']}/complete", json={"resolution": "Redone"}, headers=agent.headers)
    assert r.status_code == 200, r.text
    assert (r.json()["id"], r.json()["status"], r.json()["resolution"]) == (task["id"], "done", "Redone")
    r = await api.http.post(f"/v1/tasks/{task['id']}/complete", json={"resolution": "again"}, headers=agent.headers)
    assert_error(r, 409, "already_decided")
    assert task["id"] not in [i["id"] for i in (await api.http.get("/v1/tasks", headers=agent.headers)).json()["items"]]
    assert (await ok(f"{p}/results", agent, {"summary": "v2"}))["stage"] == "result_review"
