"""The risk register over HTTP (RULES §Risk management): a high risk notifies the dept_head,
a risk that occurs is a risk event with its loss, the owner's inbox carries the review, the
archive bundle includes the register, and bad requests change nothing.
Real API, worker, PostgreSQL and Temporal dev server."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta


def soon(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


async def running_project(stack, team) -> str:
    agent, head, customer = team["agent"], team["dept_head"], team["customer"]

    async def post(path, who, body, status=200):
        r = await stack.http.post(path, json=body, headers=who.headers)
        assert r.status_code == status, r.text
        return r.json()

    pid = (await post("/v1/projects", agent, {"customer": {"name": "赵敏", "user": customer.name}, "channel": "visit",
                                             "requirement": "二手房贷款", "business_type": "loan"}, 201))["id"]
    p = f"/v1/projects/{pid}"
    await post(f"{p}/assessment", agent, {"in_scope": True, "difficulty": "low", "risk_level": "low",
                                          "expected_cycle_days": 30, "budget": "1000"})
    await post(f"{p}/decisions", head, {"gate": "initiation", "decision": "approve"})
    await post(f"{p}/plan", agent, {"goals": "放款", "responsibilities": "王", "milestones": [
        {"name": "审批", "due_date": soon(10)}]})
    await post(f"{p}/decisions", head, {"gate": "plan", "decision": "approve"})
    return pid


RISK = {"category": "credit", "description": "银行可能拒贷", "likelihood": "high", "impact": "medium",
        "probability": "0.3", "loss_amount": "50000", "response": "reduce", "measures": "先做预审"}


async def test_the_register_over_http(stack):
    team = await stack.team()
    agent, head, customer, auditor = team["agent"], team["dept_head"], team["customer"], team["auditor"]
    pid = await running_project(stack, team)
    p = f"/v1/projects/{pid}/risks"
    body = RISK | {"owner": agent.name, "review_on": soon(5)}

    for who, status in ((customer, 403), (auditor, 403), (team["operations"], 403)):
        r = await stack.http.post(p, json=body, headers=who.headers)
        assert r.status_code == status, r.text
    for bad in ({"likelihood": "huge"}, {"probability": "1.5"}, {"description": "x\u0000"}, {"owner": "nobody"},
                {"review_on": "2020-01-01"}):
        r = await stack.http.post(p, json=body | bad, headers=agent.headers)
        assert r.status_code == 422, (bad, r.text)
    assert await stack.pool.fetchval("SELECT count(*) FROM risks WHERE project_id = $1", pid) == 0

    r = await stack.http.post(p, json=body, headers=agent.headers)
    assert r.status_code == 201, r.text
    risk = r.json()
    assert (risk["level"], risk["expected_loss"], risk["status"]) == ("high", "15000.00", "open")
    notified = {row["to_role"] for row in await stack.pool.fetch(
        "SELECT to_role FROM outbox WHERE project_id = $1 AND key = 'notify.risk_attention'", pid)}  # fmt: skip
    assert notified == {"dept_head", "executive"}

    inbox = (await stack.http.get("/v1/tasks", headers=agent.headers)).json()["items"]
    assert [i["id"] for i in inbox if i["kind"] == "risk_review"] == [risk["id"]]

    listed = await stack.http.get(p, headers=auditor.headers)
    assert listed.status_code == 200 and [x["id"] for x in listed.json()] == [risk["id"]]
    assert (await stack.http.get(p, headers=customer.headers)).status_code in (403, 404)

    events = await stack.pool.fetchval("SELECT count(*) FROM events WHERE project_id = $1", pid)
    r = await stack.http.patch(f"{p}/{risk['id']}", json={"status": "open"}, headers=head.headers)
    assert r.status_code == 422 and "changes nothing" in r.text  # and records nothing:
    assert await stack.pool.fetchval("SELECT count(*) FROM events WHERE project_id = $1", pid) == events
    r = await stack.http.patch(f"{p}/{risk['id']}", json={"status": "occurred", "loss_amount": "42000"},
                               headers=head.headers)  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "occurred", r.text
    event = await stack.pool.fetchrow("SELECT loss_amount, department, agent_id FROM risk_events WHERE risk_id = $1",
                                      risk["id"])  # fmt: skip
    assert (str(event["loss_amount"]), event["department"], event["agent_id"]) == ("42000.00", agent.department,
                                                                                   agent.id)  # fmt: skip
    again = await stack.http.patch(f"{p}/{risk['id']}", json={"measures": "late"}, headers=agent.headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_decided"
    assert [i for i in (await stack.http.get("/v1/tasks", headers=agent.headers)).json()["items"]
            if i["kind"] == "risk_review"] == []  # fmt: skip


async def test_the_archive_bundle_includes_the_register(stack):
    team = await stack.team()
    agent, head, customer = team["agent"], team["dept_head"], team["customer"]
    pid = await running_project(stack, team)
    r = await stack.http.post(f"/v1/projects/{pid}/risks", json=RISK | {"owner": agent.name, "review_on": soon(3)},
                              headers=agent.headers)  # fmt: skip
    assert r.status_code == 201, r.text
    p = f"/v1/projects/{pid}"
    for path, who, body in ((f"{p}/results", agent, {"summary": "放款完成", "completed_milestones": ["审批"]}),
                            (f"{p}/decisions", head, {"gate": "result_review", "decision": "approve"}),
                            (f"{p}/acceptance", customer, {"accepted": True, "rating": 5})):
        r = await stack.http.post(path, json=body, headers=who.headers)
        assert r.status_code == 200, r.text
    assert r.json()["stage"] == "completed"
    bundle = await stack.pool.fetchval("SELECT bundle FROM archive_bundles WHERE project_id = $1", pid)
    register = (
        bundle["risk_register"] if isinstance(bundle, dict) else __import__("json").loads(bundle)["risk_register"]
    )
    assert [x["description"] for x in register] == ["银行可能拒贷"]
    late = await stack.http.post(f"{p}/risks", json=RISK | {"owner": agent.name, "review_on": soon(3)},
                                 headers=agent.headers)  # fmt: skip
    assert late.status_code == 409  # the register closes with the project


async def test_a_cancelled_project_closes_its_open_risks_and_their_reviews(stack):
    team = await stack.team()
    agent, ops = team["agent"], team["operations"]
    pid = await running_project(stack, team)
    r = await stack.http.post(f"/v1/projects/{pid}/risks", json=RISK | {"owner": agent.name, "review_on": soon(3)},
                              headers=agent.headers)  # fmt: skip
    assert r.status_code == 201, r.text
    risk_id = r.json()["id"]

    async def reviews() -> list[str]:
        inbox = (await stack.http.get("/v1/tasks", headers=agent.headers)).json()["items"]
        return [i["id"] for i in inbox if i["kind"] == "risk_review"]

    assert await reviews() == [risk_id]
    r = await stack.http.post(f"/v1/projects/{pid}/cancel", json={"reason": "客户撤回委托"}, headers=ops.headers)
    assert r.status_code == 200 and r.json()["stage"] == "cancelled", r.text
    await stack.client.get_workflow_handle(f"project-{pid}").result()  # closed as it ended
    row = await stack.pool.fetchrow("SELECT status, closed_at FROM risks WHERE id = $1", risk_id)
    assert row["status"] == "closed" and row["closed_at"] is not None
    assert await reviews() == []
    kinds = [e["kind"] for e in (await stack.http.get(f"/v1/projects/{pid}", headers=agent.headers)).json()["history"]]
    assert kinds[-2:] == ["cancelled", "risk_closed"]


async def test_two_keepers_adding_at_once_each_get_their_own_risk(stack):
    team = await stack.team()
    agent, head = team["agent"], team["dept_head"]
    pid = await running_project(stack, team)

    async def add(who, description: str) -> dict:
        r = await stack.http.post(f"/v1/projects/{pid}/risks", headers=who.headers, json=RISK | {
            "description": description, "owner": agent.name, "review_on": soon(5)})  # fmt: skip
        assert r.status_code == 201, r.text
        return r.json()

    for _ in range(3):
        mine, theirs = await asyncio.gather(add(agent, f"agent {_}"), add(head, f"head {_}"))
        assert (mine["description"], theirs["description"]) == (f"agent {_}", f"head {_}")
        assert mine["id"] != theirs["id"]


async def test_a_deactivated_user_cannot_be_given_a_risk(stack):
    team = await stack.team()
    agent, ops = team["agent"], team["operations"]
    pid = await running_project(stack, team)
    leaver = await stack.person("agent", agent.department)
    r = await stack.http.post(f"/v1/users/{leaver.id}/deactivate", json={"reason": "left"}, headers=ops.headers)
    assert r.status_code == 200, r.text
    r = await stack.http.post(f"/v1/projects/{pid}/risks", json=RISK | {"owner": leaver.name, "review_on": soon(3)},
                              headers=agent.headers)  # fmt: skip
    assert r.status_code == 422 and f"no active staff member named {leaver.name!r}" in r.text
    assert (await stack.http.get(f"/v1/projects/{pid}/risks", headers=agent.headers)).json() == []


async def test_risks_added_together_each_answer_their_own(stack):
    """Concurrent adds (an agent and a dept head at once, a double click): each answer is the
    risk its own update added — taken from the update's answer, never dug out of `events`."""
    team = await stack.team()
    agent, head = team["agent"], team["dept_head"]
    pid = await running_project(stack, team)
    p = f"/v1/projects/{pid}/risks"

    async def add(i: int):
        who = agent if i % 2 else head
        return await stack.http.post(p, json=RISK | {"description": f"风险 {i}", "owner": agent.name,
                                                    "review_on": soon(5)}, headers=who.headers)  # fmt: skip

    answers = await asyncio.gather(*(add(i) for i in range(10)))
    assert [r.status_code for r in answers] == [201] * 10, [r.text for r in answers if r.status_code != 201]
    got = {r.json()["description"]: r.json()["id"] for r in answers}
    assert set(got) == {f"风险 {i}" for i in range(10)} and len(set(got.values())) == 10
    register = {r["id"]: r["description"] for r in (await stack.http.get(p, headers=agent.headers)).json()}
    assert {got[d]: d for d in got} == register
