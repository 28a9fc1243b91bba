"""Bad input gets the contract's JSON error and changes nothing: not the workflow
history, not a row in PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.fixtures_stack import history_size


async def snapshot(stack, pid: str) -> tuple:
    async with stack.pool.acquire() as db:
        events = await db.fetchval("SELECT count(*) FROM events WHERE project_id=$1", pid)
        seq = await db.fetchval("SELECT seq FROM projects WHERE id=$1", pid)
        approvals = await db.fetchval("SELECT count(*) FROM approvals WHERE project_id=$1", pid)
    history = await history_size(stack.client.get_workflow_handle(f"project-{pid}"))
    return events, seq, approvals, history


def assert_error(r, status: int, code: str | None = None) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and body["error"]["message"]
    if code:
        assert body["error"]["code"] == code


@pytest.fixture
async def project(stack):
    team = await stack.team()
    r = await stack.http.post("/v1/projects", headers=team["agent"].headers, json={
        "customer": {"name": "李雷", "user": team["customer"].name}, "channel": "phone",
        "requirement": "Refinance a mortgage", "business_type": "finance"})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = await stack.http.post(f"/v1/projects/{pid}/assessment", headers=team["agent"].headers, json={
        "in_scope": True, "difficulty": "low", "risk_level": "low", "expected_cycle_days": 20, "budget": "5000"})
    assert r.status_code == 200, r.text
    return pid, team


async def test_each_rejected_action_changes_nothing(stack, project):
    pid, team = project
    http, p = stack.http, f"/v1/projects/{pid}"
    before = await snapshot(stack, pid)
    plan = {"goals": "g", "responsibilities": "r",
            "milestones": [{"name": "m", "due_date": (date.today() + timedelta(days=5)).isoformat()}]}

    assert_error(await http.post(f"{p}/plan", json=plan, headers=team["agent"].headers), 409, "wrong_stage")
    assert_error(await http.post(f"{p}/decisions", json={"gate": "initiation", "decision": "approve"},
                                 headers=team["customer"].headers), 403, "forbidden")
    assert_error(await http.post(f"{p}/decisions", json={"gate": "initiation", "decision": "approve"},
                                 headers=team["agent"].headers), 403, "forbidden")
    assert_error(await http.post(f"{p}/decisions", json={"gate": "initiation", "decision": "maybe"},
                                 headers=team["dept_head"].headers), 422, "invalid")
    assert_error(await http.post(f"{p}/assessment", json={"in_scope": True, "risk_level": "extreme"},
                                 headers=team["agent"].headers), 422, "invalid")
    assert_error(await http.post(f"{p}/decisions", json={"gate": "initiation", "decision": "approve"}), 401)
    assert_error(await http.post(f"{p}/decisions", json={"gate": "initiation", "decision": "approve"},
                                 headers={"Authorization": "Bearer not-a-token"}), 401, "unauthorized")
    assert_error(await http.post("/v1/projects/no-such-project/decisions",
                                 json={"gate": "initiation", "decision": "approve"},
                                 headers=team["dept_head"].headers), 404, "not_found")
    assert_error(await http.get("/v1/projects/no-such-project", headers=team["agent"].headers), 404, "not_found")
    assert await snapshot(stack, pid) == before

    r = await http.post(f"{p}/decisions", json={"gate": "initiation", "decision": "approve"},
                        headers=team["dept_head"].headers)
    assert r.status_code == 200 and r.json()["stage"] == "planning"
    decided = await snapshot(stack, pid)
    late_reject = {"gate": "initiation", "decision": "reject", "comment": "预算不足"}
    assert_error(await http.post(f"{p}/decisions", json=late_reject, headers=team["dept_head"].headers),
                 409, "already_decided")
    assert await snapshot(stack, pid) == decided


async def test_other_departments_and_customers_cannot_see_the_project(stack, project):
    pid, team = project
    outsider = await stack.person("agent", "another-dept")
    assert_error(await stack.http.get(f"/v1/projects/{pid}", headers=outsider.headers), 403, "forbidden")
    other_customer = await stack.person("customer")
    assert_error(await stack.http.get(f"/v1/projects/{pid}", headers=other_customer.headers), 404, "not_found")
    listed = await stack.http.get("/v1/projects", headers=outsider.headers)
    assert pid not in [item["id"] for item in listed.json()["items"]]


async def test_create_with_the_same_id_is_idempotent(stack):
    team = await stack.team()
    body = {"id": f"idem-{team['agent'].name}", "customer": {"name": "韩梅梅"}, "channel": "online",
            "requirement": "Find a job in logistics", "business_type": "talent"}
    first = await stack.http.post("/v1/projects", json=body, headers=team["agent"].headers)
    second = await stack.http.post("/v1/projects", json=body, headers=team["agent"].headers)
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["id"] == second.json()["id"] == body["id"]
    async with stack.pool.acquire() as db:
        assert await db.fetchval("SELECT count(*) FROM customers WHERE project_id=$1", body["id"]) == 1
        assert await db.fetchval("SELECT count(*) FROM events WHERE project_id=$1 AND kind='intake'", body["id"]) == 1
