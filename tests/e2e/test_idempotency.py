"""`Idempotency-Key` (issue 6): a retried action applies once and answers with the original
outcome, also when the first answer was lost after the workflow applied it; a key reused
for another request is 422; a retried create makes one project."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta

from starlette.requests import Request

from api.auth import actor
from api.idempotency import update_id
from domain.commands import DecideCommand, DecisionIn
from domain.models import Gate, Role
from store.users import user_by_token
from tests.fixtures_stack import history_size
from workflows.project import ProjectWorkflow

APPROVE = {"gate": "initiation", "decision": "approve", "comment": "fine"}


def plan() -> dict:
    return {"goals": "g", "responsibilities": "r",
            "milestones": [{"name": "m", "due_date": (date.today() + timedelta(days=5)).isoformat()}]}  # fmt: skip


async def awaiting_initiation(stack, team: dict | None = None) -> tuple[str, dict]:
    team = team or await stack.team()
    r = await stack.http.post("/v1/projects", headers=team["agent"].headers, json={
        "customer": {"name": "韩梅梅"}, "channel": "online", "requirement": "Find a job", "business_type": "talent"})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = await stack.http.post(f"/v1/projects/{pid}/assessment", headers=team["agent"].headers, json={
        "in_scope": True, "difficulty": "low", "risk_level": "low", "expected_cycle_days": 20, "budget": "5000"})
    assert r.status_code == 200 and r.json()["stage"] == "initiation_approval", r.text
    return pid, team


async def decisions(stack, pid: str) -> tuple[int, int]:
    """(approval rows, decision events) of the project."""
    return (await stack.pool.fetchval("SELECT count(*) FROM approvals WHERE project_id = $1", pid),
            await stack.pool.fetchval("SELECT count(*) FROM events WHERE project_id = $1 AND kind = 'decision'", pid))


def keyed(person, key: str) -> dict[str, str]:
    return {**person.headers, "Idempotency-Key": key}


async def test_a_retried_action_applies_once_and_answers_the_first_outcome(stack):
    pid, team = await awaiting_initiation(stack)
    p, head = f"/v1/projects/{pid}", team["dept_head"]
    key = f"decide-{uuid.uuid4().hex}"
    first = await stack.http.post(f"{p}/decisions", json=APPROVE, headers=keyed(head, key))
    assert first.status_code == 200 and first.json()["stage"] == "planning", first.text
    assert "idempotent-replayed" not in first.headers
    handle = stack.client.get_workflow_handle(f"project-{pid}")
    history = await history_size(handle)

    # The project moves on; a retry still answers with the first outcome and applies nothing.
    assert (await stack.http.post(f"{p}/plan", json=plan(), headers=team["agent"].headers)).status_code == 200
    moved = await history_size(handle)
    assert moved[1] > history[1]
    again = await stack.http.post(f"{p}/decisions", json=APPROVE, headers=keyed(head, key))
    assert again.status_code == 200, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json() and again.json()["stage"] == "planning"
    assert await decisions(stack, pid) == (1, 1)
    assert await history_size(handle) == moved

    # Without the key the same body is a new request: the gate is decided already.
    r = await stack.http.post(f"{p}/decisions", json=APPROVE, headers=head.headers)
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_decided", r.text
    assert await decisions(stack, pid) == (1, 1)


async def test_a_key_reused_for_another_request_is_422(stack):
    pid, team = await awaiting_initiation(stack)
    other, _ = await awaiting_initiation(stack, team)
    p, head = f"/v1/projects/{pid}", team["dept_head"]
    key = f"decide-{uuid.uuid4().hex}"
    assert (await stack.http.post(f"{p}/decisions", json=APPROVE, headers=keyed(head, key))).status_code == 200
    handle = stack.client.get_workflow_handle(f"project-{pid}")
    before = await history_size(handle)
    for path, body in [(f"{p}/decisions", {**APPROVE, "comment": "changed my mind"}),
                       (f"{p}/decisions", {**APPROVE, "decision": "reject"}),
                       (f"/v1/projects/{other}/decisions", APPROVE)]:  # fmt: skip
        r = await stack.http.post(path, json=body, headers=keyed(head, key))
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid", r.text
        assert key in r.json()["error"]["message"]
    assert await decisions(stack, pid) == (1, 1) and await decisions(stack, other) == (0, 0)
    assert await history_size(handle) == before
    # Keys are each caller's own: another user's same key is another action.
    r = await stack.http.post(f"{p}/cancel", json={"reason": "r"}, headers=keyed(team["operations"], key))
    assert r.status_code == 200 and r.json()["stage"] == "cancelled", r.text


async def test_concurrent_retries_with_one_key_apply_once(stack):
    pid, team = await awaiting_initiation(stack)
    key = f"decide-{uuid.uuid4().hex}"
    answers = await asyncio.gather(*(
        stack.http.post(f"/v1/projects/{pid}/decisions", json=APPROVE, headers=keyed(team["dept_head"], key))
        for _ in range(3)))  # fmt: skip
    assert [r.status_code for r in answers] == [200, 200, 200], [r.text for r in answers]
    assert {r.json()["stage"] for r in answers} == {"planning"}
    assert await decisions(stack, pid) == (1, 1)


async def test_a_retry_after_the_first_answer_was_lost_applies_once(stack):
    pid, team = await awaiting_initiation(stack)
    head = team["dept_head"]
    path, key = f"/v1/projects/{pid}/decisions", f"decide-{uuid.uuid4().hex}"
    # The API sent the update and then lost its answer (crash, timeout, cut connection):
    # nothing is stored under the key, but the workflow applied it under the key's update id.
    request = Request({"type": "http", "method": "POST", "path": path, "headers": [], "query_string": b"",
                       "server": ("jindu.test", 80), "scheme": "http"})  # fmt: skip
    user = await user_by_token(stack.pool, head.token)
    cmd = DecideCommand(actor=actor(user), body=DecisionIn(gate=Gate.initiation, decision="approve", comment="fine"))
    handle = stack.client.get_workflow_handle(f"project-{pid}")
    await handle.execute_update(ProjectWorkflow.decide, cmd, id=update_id(user.id, request, key))
    assert await decisions(stack, pid) == (1, 1)
    applied = await history_size(handle)

    r = await stack.http.post(path, json=APPROVE, headers=keyed(head, key))
    assert r.status_code == 200, r.text
    assert r.json()["stage"] == "planning" and "idempotent-replayed" not in r.headers
    assert [(a["gate"], a["level"], a["decision"]) for a in r.json()["approvals"]] == [
        ("initiation", Role.dept_head.value, "approve")]
    assert await decisions(stack, pid) == (1, 1)
    assert (await history_size(handle))[1] == applied[1]  # no update accepted, nothing recorded
    replay = await stack.http.post(path, json=APPROVE, headers=keyed(head, key))
    assert replay.headers["idempotent-replayed"] == "true" and replay.json() == r.json()


async def test_a_retried_create_without_an_id_creates_one_project(stack):
    team = await stack.team()
    agent, key = team["agent"], f"create-{uuid.uuid4().hex}"
    body = {"customer": {"name": "周明", "phone": "13700002222"}, "channel": "visit", "requirement": "Sell a shop",
            "business_type": "real_estate"}
    first = await stack.http.post("/v1/projects", json=body, headers=keyed(agent, key))
    assert first.status_code == 201, first.text
    again = await stack.http.post("/v1/projects", json=body, headers=keyed(agent, key))
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    pid = first.json()["id"]
    assert await stack.pool.fetchval("SELECT count(*) FROM projects WHERE agent_id = $1", agent.id) == 1
    assert await stack.pool.fetchval("SELECT count(*) FROM customers WHERE project_id = $1", pid) == 1
    assert await stack.pool.fetchval("SELECT count(*) FROM events WHERE project_id = $1 AND kind = 'intake'", pid) == 1

    # The first answer lost before it was stored: the key still names the same project.
    await stack.pool.execute("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2", agent.id, key)
    lost = await stack.http.post("/v1/projects", json=body, headers=keyed(agent, key))
    assert lost.status_code == 200 and lost.json()["id"] == pid, lost.text
    assert await stack.pool.fetchval("SELECT count(*) FROM projects WHERE agent_id = $1", agent.id) == 1

    other = await stack.http.post("/v1/projects", json={**body, "requirement": "Sell two shops"},
                                  headers=keyed(agent, key))
    assert other.status_code == 422, other.text
    assert await stack.pool.fetchval("SELECT count(*) FROM projects WHERE agent_id = $1", agent.id) == 1


async def test_a_retried_task_completion_answers_the_closed_task(stack):
    pid, team = await awaiting_initiation(stack)
    agent, head, p = team["agent"], team["dept_head"], f"/v1/projects/{pid}"
    for path, who, body in [("decisions", head, APPROVE), ("plan", agent, plan()),
                            ("decisions", head, {"gate": "plan", "decision": "approve"}),
                            ("results", agent, {"summary": "done"}),
                            ("decisions", head, {"gate": "result_review", "decision": "reject", "comment": "Redo"})]:
        r = await stack.http.post(f"{p}/{path}", json=body, headers=who.headers)
        assert r.status_code == 200, r.text
    [task] = r.json()["tasks"]
    key = f"close-{uuid.uuid4().hex}"
    first = await stack.http.post(f"/v1/tasks/{task['id']}/complete", json={"resolution": "Redone"},
                                  headers=keyed(agent, key))
    assert first.status_code == 200 and first.json()["status"] == "done", first.text
    again = await stack.http.post(f"/v1/tasks/{task['id']}/complete", json={"resolution": "Redone"},
                                  headers=keyed(agent, key))
    assert again.status_code == 200 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    completed = "SELECT count(*) FROM events WHERE project_id = $1 AND kind = 'task_completed'"
    assert await stack.pool.fetchval(completed, pid) == 1
    r = await stack.http.post(f"/v1/tasks/{task['id']}/complete", json={"resolution": "Redone"}, headers=agent.headers)
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_decided"


async def test_one_key_sent_at_once_with_different_bodies_applies_one_and_refuses_the_rest(stack):
    from tests.e2e.test_risk_register import RISK, running_project, soon

    team = await stack.team()
    agent = team["agent"]
    pid = await running_project(stack, team)
    headers = keyed(agent, f"risk-{uuid.uuid4().hex}")
    bodies = [RISK | {"description": f"风险 {i}", "owner": agent.name, "review_on": soon(7)} for i in range(10)]
    answers = await asyncio.gather(*(stack.http.post(f"/v1/projects/{pid}/risks", json=b, headers=headers)
                                     for b in bodies))  # fmt: skip
    codes = sorted(r.status_code for r in answers)
    assert codes == [201] + [422] * 9, [r.text for r in answers]
    assert all(r.json()["error"]["code"] == "invalid" for r in answers if r.status_code == 422)
    applied = next(r.json() for r in answers if r.status_code == 201)
    rows = await stack.pool.fetch("SELECT id, description FROM risks WHERE project_id = $1", pid)
    assert [(r["id"], r["description"]) for r in rows] == [(applied["id"], applied["description"])]


async def test_one_key_sent_at_once_with_the_same_body_applies_once_and_answers_the_same(stack):
    from tests.e2e.test_risk_register import running_project

    team = await stack.team()
    pid = await running_project(stack, team)
    headers = keyed(team["agent"], f"report-{uuid.uuid4().hex}")
    body = {"progress": "带看 3 套", "problems": "无", "next_week_plan": "谈价"}
    answers = await asyncio.gather(*(stack.http.post(f"/v1/projects/{pid}/reports", json=body, headers=headers)
                                     for _ in range(10)))  # fmt: skip
    assert [r.status_code for r in answers] == [200] * 10, [r.text for r in answers]
    replayed = [r.headers.get("idempotent-replayed") for r in answers]
    assert replayed.count(None) == 1 and replayed.count("true") == 9
    assert await stack.pool.fetchval("SELECT count(*) FROM weekly_reports WHERE project_id = $1", pid) == 1
    assert await stack.pool.fetchval("SELECT count(*) FROM events WHERE project_id = $1 AND kind = 'weekly_report' "
                                     "AND superseded_at IS NULL", pid) == 1  # fmt: skip
