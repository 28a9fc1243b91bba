"""Issue 7's proof for complaints, revisits and suggestions, over HTTP: real app, worker,
activities, Temporal dev server and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from temporalio.client import WorkflowExecutionStatus

from tests.e2e.test_rejections_over_http import assert_error
from tests.history import payload_bytes
from workflows import search_attributes as sa

CONTACT = {"name": "王小明", "phone": "13812345678", "email": "wxm@example.com"}


def soon(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


async def post(stack, path: str, who, body: dict, status: int = 200, key: str | None = None) -> dict:
    headers = {**who.headers, **({"Idempotency-Key": key} if key else {})}
    r = await stack.http.post(path, json=body, headers=headers)
    assert r.status_code == status, r.text
    return r.json()


async def project_in_execution(stack, team) -> str:
    agent, head = team["agent"], team["dept_head"]
    created = await post(stack, "/v1/projects", agent, {
        "customer": {"name": "王小明", "phone": "13812345678", "user": team["customer"].name}, "channel": "visit",
        "requirement": "Buy a flat", "business_type": "real_estate"}, 201)  # fmt: skip
    p = f"/v1/projects/{created['id']}"
    await post(stack, f"{p}/assessment", agent, {"in_scope": True, "difficulty": "low", "risk_level": "low",
                                                  "expected_cycle_days": 40, "budget": "8000"})  # fmt: skip
    await post(stack, f"{p}/decisions", head, {"gate": "initiation", "decision": "approve"})
    await post(stack, f"{p}/plan", agent, {"goals": "Sign", "responsibilities": "agent",
                                            "milestones": [{"name": "contract", "due_date": soon(30)}]})
    await post(stack, f"{p}/decisions", head, {"gate": "plan", "decision": "approve"})
    return created["id"]


async def complaint_snapshot(stack, cid: str) -> tuple:
    async with stack.pool.acquire() as db:
        events = await db.fetchval("SELECT count(*) FROM complaint_events WHERE complaint_id = $1", cid)
        row = await db.fetchrow("SELECT status, round, seq, rating FROM complaints WHERE id = $1", cid)
    history = await stack.client.get_workflow_handle(f"complaint-{cid}").fetch_history()
    return events, tuple(row), len(history.events)


async def inbox(stack, who) -> list[dict]:
    r = await stack.http.get("/v1/tasks", headers=who.headers)
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def test_a_customer_complains_the_dept_head_rectifies_and_the_customer_confirms(stack):
    team = await stack.team()
    agent, head, customer = team["agent"], team["dept_head"], team["customer"]
    pid = await project_in_execution(stack, team)

    filed = await post(stack, "/v1/complaints", customer, {
        "content": "The agent missed two viewings", "channel": "online", "project_id": pid, "contact": CONTACT},
        201, key="complaint-1")  # fmt: skip
    again = await post(stack, "/v1/complaints", customer, {
        "content": "The agent missed two viewings", "channel": "online", "project_id": pid, "contact": CONTACT},
        201, key="complaint-1")  # fmt: skip
    cid = filed["id"]
    assert again["id"] == cid and filed["status"] == "open" and filed["assignee_role"] == "dept_head"
    assert filed["first_reply_due_at"] < filed["resolution_due_at"] and filed["contact"]["name"] == "王小明"
    assert [i["complaint_id"] for i in await inbox(stack, head) if i["kind"] == "complaint"] == [cid]

    c = f"/v1/complaints/{cid}"
    seen = {role: (await stack.http.get(c, headers=team[role].headers)) for role in ("agent", "auditor")}
    assert seen["agent"].json()["contact"]["phone"] == "13812345678"
    assert seen["auditor"].json()["contact"] == {"name": "王**", "phone": "138****5678", "email": "w**@example.com",
                                                 "masked": True}  # fmt: skip
    outsider, stranger = await stack.person("agent", "another-dept"), await stack.person("customer")
    assert_error(await stack.http.get(c, headers=outsider.headers), 403, "forbidden")
    assert_error(await stack.http.get(c, headers=stranger.headers), 404, "not_found")
    listed = (await stack.http.get("/v1/complaints", headers=outsider.headers)).json()
    assert cid not in [i["id"] for i in listed["items"]]
    mine = (await stack.http.get("/v1/complaints", headers=customer.headers)).json()
    assert [i["id"] for i in mine["items"]] == [cid]

    before = await complaint_snapshot(stack, cid)
    other_head = await stack.person("dept_head", "another-dept")
    reply = {"reply": "We will redo the viewings", "resolved": True,
             "rectification": ["Redo the two viewings", "Call the customer weekly"]}  # fmt: skip
    assert_error(await stack.http.post(f"{c}/replies", json=reply, headers=agent.headers), 403, "forbidden")
    assert_error(await stack.http.post(f"{c}/replies", json=reply, headers=other_head.headers), 403, "forbidden")
    assert_error(await stack.http.post(f"{c}/confirmation", json={"satisfied": True, "rating": 5},
                                       headers=customer.headers), 409, "wrong_stage")  # fmt: skip
    assert_error(await stack.http.post(f"{c}/replies", json={**reply, "reply": "bad\u0000"}, headers=head.headers),
                 422, "invalid")  # fmt: skip
    assert_error(await stack.http.post(f"{c}/replies", json={**reply, "unresolved_reason": "x"},
                                       headers=head.headers), 422, "invalid")  # fmt: skip
    assert await complaint_snapshot(stack, cid) == before

    answered = await post(stack, f"{c}/replies", head, reply, key="reply-1")
    assert answered["status"] == "answered" and answered["first_replied_at"] and len(answered["task_ids"]) == 2
    assert (await post(stack, f"{c}/replies", head, reply, key="reply-1"))["task_ids"] == answered["task_ids"]
    tasks = [i for i in await inbox(stack, agent) if i["kind"] == "rectification"]
    assert sorted(t["id"] for t in tasks) == sorted(answered["task_ids"])
    for task in tasks:
        await post(stack, f"/v1/tasks/{task['id']}/complete", agent, {"resolution": "Done"})
    assert [i["kind"] for i in await inbox(stack, customer)] == ["complaint"]

    assert_error(await stack.http.post(f"{c}/confirmation", json={"satisfied": True, "rating": 6},
                                       headers=customer.headers), 422, "invalid")  # fmt: skip
    closed = await post(stack, f"{c}/confirmation", customer, {"satisfied": True, "rating": 5, "comment": "Thanks",
                                                                "suggestions": ["Confirm viewings by SMS"]})
    assert (closed["status"], closed["rating"], closed["satisfied"]) == ("closed", 5, True)
    assert [s["text"] for s in closed["suggestions"]] == ["Confirm viewings by SMS"]
    kinds = [e["kind"] for e in closed["history"]]
    assert kinds == ["filed", "replied", "tasks_opened", "confirmed", "closed", "rating_sent"]
    assert_error(await stack.http.post(f"{c}/replies", json=reply, headers=head.headers), 409, "wrong_stage")
    handle = stack.client.get_workflow_handle(f"complaint-{cid}")
    described = await handle.describe()
    assert described.status == WorkflowExecutionStatus.COMPLETED
    assert described.typed_search_attributes.get(sa.KIND) == "complaint"
    project_attrs = (await stack.client.get_workflow_handle(f"project-{pid}").describe()).typed_search_attributes
    assert (project_attrs.get(sa.KIND), project_attrs.get(sa.STAGE)) == ("project", "execution")

    async with stack.pool.acquire() as db:
        assert await db.fetchval("SELECT source FROM ratings WHERE project_id = $1", pid) == "complaint"
        raw = await db.fetchval("SELECT contact_enc FROM complaints WHERE id = $1", cid)
        assert "王小明".encode() not in raw and b"13812345678" not in raw
    project = (await stack.http.get(f"/v1/projects/{pid}", headers=agent.headers)).json()
    assert project["ratings"] == [5] and {t["source"] for t in project["tasks"]} == {"complaint"}

    # No customer personal data (contact, account name) in the complaint's history.
    payloads = payload_bytes(await handle.fetch_history())
    assert cid.encode() in payloads and customer.id.encode() in payloads
    for secret in ("王小明", "13812345678", "wxm@example.com", customer.name, "missed two viewings"):
        assert secret.encode() not in payloads, secret

    [suggestion] = closed["suggestions"]
    s = f"/v1/suggestions/{suggestion['id']}/decision"
    assert_error(await stack.http.post(s, json={"adopted": True}, headers=agent.headers), 403, "forbidden")
    decided = await post(stack, s, head, {"adopted": True, "comment": "SMS from next month"})
    assert (decided["adopted"], decided["decided_by"]) == (True, head.name)
    assert_error(await stack.http.post(s, json={"adopted": False}, headers=head.headers), 409, "already_decided")
    listed = (await stack.http.get("/v1/suggestions?decision=adopted", headers=head.headers)).json()
    assert suggestion["id"] in [i["id"] for i in listed["items"]]


async def test_a_low_revisit_rating_raises_the_satisfaction_warning(stack):
    team = await stack.team()
    agent, head, customer = team["agent"], team["dept_head"], team["customer"]
    pid = await project_in_execution(stack, team)
    p = f"/v1/projects/{pid}"
    revisit = {"rating": 2, "comments": "The handover was slow", "suggestions": ["Hand keys over on signing"]}
    assert_error(await stack.http.post(f"{p}/revisit", json=revisit, headers=agent.headers), 409, "wrong_stage")
    await post(stack, f"{p}/results", agent, {"summary": "Signed", "completed_milestones": ["contract"]})
    await post(stack, f"{p}/decisions", head, {"gate": "result_review", "decision": "approve"})
    assert (await post(stack, f"{p}/acceptance", customer, {"accepted": True, "rating": 5}))["stage"] == "completed"

    await stack.client.get_workflow_handle(f"revisit-{pid}").execute_update("sync", {"actor": {
        "user_id": agent.id, "name": agent.name, "role": "agent", "department": agent.department}})
    scheduled = (await stack.http.get(f"{p}/revisit", headers=head.headers)).json()
    assert (scheduled["status"], scheduled["assignee_user_id"]) == ("scheduled", agent.id)
    assert scheduled["opens_at"] > scheduled["completed_at"]
    other_agent = await stack.person("agent", agent.department)
    assert_error(await stack.http.post(f"{p}/revisit", json=revisit, headers=other_agent.headers), 403, "forbidden")
    assert_error(await stack.http.post(f"{p}/revisit", json=revisit, headers=head.headers), 403, "forbidden")
    assert_error(await stack.http.post(f"{p}/revisit", json={**revisit, "rating": 0}, headers=agent.headers), 422)

    done = await post(stack, f"{p}/revisit", agent, revisit, key=f"revisit-{uuid.uuid4().hex[:6]}")
    assert (done["status"], done["rating"], done["comments"]) == ("done", 2, "The handover was slow")
    assert [s["text"] for s in done["suggestions"]] == ["Hand keys over on signing"]
    assert_error(await stack.http.post(f"{p}/revisit", json=revisit, headers=agent.headers), 409, "already_decided")

    async with stack.pool.acquire() as db:
        warning = await db.fetchrow("SELECT kind, reasons, agent_id, department, source FROM warnings "
                                    "WHERE project_id = $1 AND source = 'revisit'", pid)  # fmt: skip
        assert dict(warning) == {"kind": "raised", "reasons": ["satisfaction_score 40.0 < 80.0"], "agent_id": agent.id,
                                 "department": agent.department, "source": "revisit"}  # fmt: skip
        notice = await db.fetchrow("SELECT to_role, department, path FROM outbox WHERE project_id = $1 AND "
                                   "key = 'notify.satisfaction_warning'", pid)  # fmt: skip
        assert dict(notice) == {"to_role": "dept_head", "department": agent.department,
                                "path": f"/projects/{pid}/revisit"}  # fmt: skip
        assert await db.fetchval("SELECT rating FROM ratings WHERE project_id = $1 AND source = 'revisit'", pid) == 2


async def test_staff_record_a_complaint_without_a_project_for_operations(stack):
    team = await stack.team()
    ops, agent = team["operations"], team["agent"]
    filed = await post(stack, "/v1/complaints", agent, {"content": "Rude on the phone", "channel": "phone",
                                                        "contact": {"phone": "13900001111"}}, 201)  # fmt: skip
    assert (filed["assignee_role"], filed["department"], filed["project_id"]) == ("operations", None, None)
    assert_error(await stack.http.post("/v1/complaints", json={"content": "x", "channel": "phone"},
                                       headers=team["customer"].headers), 422, "invalid")  # fmt: skip
    assert_error(await stack.http.post("/v1/complaints", json={"content": "x", "channel": "fax"},
                                       headers=agent.headers), 422, "invalid")  # fmt: skip
    assert_error(await stack.http.post("/v1/complaints", json={"content": "x", "channel": "phone"},
                                       headers=team["auditor"].headers), 403, "forbidden")  # fmt: skip
    c = f"/v1/complaints/{filed['id']}"
    assert_error(await stack.http.get(c, headers=agent.headers), 403, "forbidden")
    assert filed["id"] in [i["complaint_id"] for i in await inbox(stack, ops)]
    assert_error(await stack.http.post(f"{c}/replies", json={"reply": "Sorry", "resolved": False,
                                                             "rectification": ["x"]}, headers=ops.headers),
                 422, "invalid")  # fmt: skip
    answered = await post(stack, f"{c}/replies", ops, {"reply": "We apologise", "resolved": False,
                                                       "unresolved_reason": "The call was not recorded"})  # fmt: skip
    assert (answered["status"], answered["resolved"], answered["unresolved_reason"]) == (
        "answered", False, "The call was not recorded")
    reopened = await post(stack, f"{c}/confirmation", ops, {"satisfied": False, "rating": 1})
    assert (reopened["status"], reopened["round"]) == ("in_progress", 2)
    async with stack.pool.acquire() as db:
        row = await db.fetchrow("SELECT project_id, agent_id, department, source FROM warnings WHERE step_key LIKE $1",
                                f"complaint:{filed['id']}:%")  # fmt: skip
        assert dict(row) == {"project_id": None, "agent_id": None, "department": None, "source": "complaint"}
        assert await db.fetchval("SELECT to_role FROM outbox WHERE id LIKE $1 AND key = 'notify.satisfaction_warning'",
                                 f"complaint:{filed['id']}:%") == "operations"  # fmt: skip
