"""Deals over HTTP on the real stack: recorded by the project's agent in execution, split
between agents, confirmed by the dept head, and counted in the figures (hand-computed); both
steps of the project's DealWorkflow, whose record PostgreSQL holds."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime

from tests.e2e.bad_input_data import PLAN
from tests.history import payload_bytes


async def test_a_deal_split_between_two_agents_counts_once_confirmed(stack):
    team = await stack.team()
    agent, head = team["agent"], team["dept_head"]
    colleague = await stack.person("agent", agent.department)

    async def ok(path: str, who, body: dict, status: int = 200) -> dict:
        r = await stack.http.post(path, json=body, headers=who.headers)
        assert r.status_code == status, r.text
        return r.json()

    pid = (await ok("/v1/projects", agent, {"customer": {"name": "赵六", "phone": f"137{uuid.uuid4().int % 10**8:08d}"},
                                            "channel": "visit", "requirement": "Sell a shop",
                                            "business_type": "real_estate"}, 201))["id"]  # fmt: skip
    p = f"/v1/projects/{pid}"
    deal = {"deal_date": date.today().isoformat(), "value": "1250000.00", "commission": "25000.00",
            "split": [{"agent": agent.name, "share": 70}, {"agent": colleague.name, "share": 30}]}
    early = await ok(f"{p}/deal", agent, deal, 409)
    assert early["error"]["code"] == "wrong_stage"
    await ok(f"{p}/assessment", agent, {"in_scope": True, "difficulty": "low", "risk_level": "low",
                                        "expected_cycle_days": 30, "budget": "5000"})  # fmt: skip
    await ok(f"{p}/decisions", head, {"gate": "initiation", "decision": "approve"})
    await ok(f"{p}/plan", agent, PLAN)
    await ok(f"{p}/decisions", head, {"gate": "plan", "decision": "approve"})

    await ok(f"{p}/deal", colleague, deal, 403)
    recorded = await ok(f"{p}/deal", agent, deal, 201)
    assert recorded["confirmed"] is False
    assert [(x["agent"], x["value"], x["commission"]) for x in recorded["parts"]] == [
        (agent.name, "875000.00", "17500.00"), (colleague.name, "375000.00", "7500.00")]
    await ok(f"{p}/deal", agent, deal, 409)

    figures = (await stack.http.get("/v1/deals/figures", headers=head.headers)).json()
    assert figures["agents"] == []  # not confirmed yet
    await ok(f"{p}/deal/confirm", agent, {}, 403)
    assert (await ok(f"{p}/deal/confirm", head, {}))["confirmed"] is True
    await ok(f"{p}/deal/confirm", head, {}, 409)

    figures = (await stack.http.get("/v1/deals/figures", headers=head.headers)).json()
    assert [(a["agent"], a["deals"], a["value"], a["commission"]) for a in figures["agents"]] == [
        (agent.name, 1, "875000.00", "17500.00"), (colleague.name, 1, "375000.00", "7500.00")]
    period = date.today().strftime("%Y-%m")
    appraisal = (await stack.http.get("/v1/appraisal", params={"period": period}, headers=head.headers)).json()
    assert [(a["agent"], a["deals"], a["value"], a["commission"]) for a in appraisal["deals"]] == [
        (agent.name, 1, "875000.00", "17500.00"), (colleague.name, 1, "375000.00", "7500.00")]
    own = (await stack.http.get("/v1/deals/figures", headers=colleague.headers)).json()
    assert [a["agent"] for a in own["agents"]] == [colleague.name]
    other = (await stack.team())["dept_head"]
    assert (await stack.http.get("/v1/deals/figures", headers=other.headers)).json()["agents"] == []
    assert (await stack.http.get(f"{p}/deal", headers=other.headers)).status_code == 403


async def test_a_company_customer_needs_its_business_scope_before_the_deal(stack):
    team = await stack.team()
    agent, head = team["agent"], team["dept_head"]

    async def ok(path: str, who, body: dict, status: int = 200, patch: bool = False) -> dict:
        send = stack.http.patch if patch else stack.http.post
        r = await send(path, json=body, headers=who.headers)
        assert r.status_code == status, r.text
        return r.json()

    c = await ok("/v1/customers", agent, {"name": "钱七", "phone": f"136{uuid.uuid4().int % 10**8:08d}",
                                          "company": "钱氏物流"}, 201)  # fmt: skip
    pid = (await ok("/v1/projects", agent, {"customer_id": c["id"], "channel": "phone", "requirement": "Lease a depot",
                                            "business_type": "real_estate"}, 201))["id"]  # fmt: skip
    p = f"/v1/projects/{pid}"
    await ok(f"{p}/assessment", agent, {"in_scope": True, "difficulty": "low", "risk_level": "low",
                                        "expected_cycle_days": 30, "budget": "5000"})  # fmt: skip
    await ok(f"{p}/decisions", head, {"gate": "initiation", "decision": "approve"})
    await ok(f"{p}/plan", agent, PLAN)
    await ok(f"{p}/decisions", head, {"gate": "plan", "decision": "approve"})
    deal = {"deal_date": date.today().isoformat(), "value": "80000", "commission": "1600",
            "split": [{"agent": agent.name, "share": 100}]}
    refused = await ok(f"{p}/deal", agent, deal, 409)
    assert "business_scope" in refused["error"]["message"]
    await ok(f"/v1/customers/{c['id']}", agent, {"business_scope": "仓储物流"}, patch=True)
    assert (await ok(f"{p}/deal", agent, deal, 201))["parts"][0]["value"] == "80000.00"


async def test_two_confirmations_at_once_apply_one_and_the_record_is_the_workflows(stack):
    """The deal is DealWorkflow's (deal-<project_id>): its record is a step shown in the
    project's history and the dept head's inbox; two confirmations sent together give one 200
    and one 409 `deal_confirmed`; PostgreSQL then holds what the workflow decided, and its
    history holds no customer personal data."""
    team = await stack.team()
    agent, head = team["agent"], team["dept_head"]
    phone = f"135{uuid.uuid4().int % 10**8:08d}"

    async def ok(path: str, who, body: dict, status: int = 200, **headers: str) -> dict:
        r = await stack.http.post(path, json=body, headers={**who.headers, **headers})
        assert r.status_code == status, r.text
        return r.json()

    pid = (await ok("/v1/projects", agent, {"customer": {"name": "孙八", "phone": phone}, "channel": "visit",
                                            "requirement": "Buy a flat", "business_type": "real_estate"}, 201))["id"]
    p = f"/v1/projects/{pid}"
    await ok(f"{p}/assessment", agent, {"in_scope": True, "difficulty": "low", "risk_level": "low",
                                        "expected_cycle_days": 30, "budget": "5000"})  # fmt: skip
    await ok(f"{p}/decisions", head, {"gate": "initiation", "decision": "approve"})
    await ok(f"{p}/plan", agent, PLAN)
    await ok(f"{p}/decisions", head, {"gate": "plan", "decision": "approve"})
    deal = {"deal_date": date.today().isoformat(), "value": "2000000", "commission": "40000",
            "split": [{"agent": agent.name, "share": 100}]}
    key = {"Idempotency-Key": f"deal-{uuid.uuid4().hex}"}
    first = await ok(f"{p}/deal", agent, deal, 201, **key)
    assert await ok(f"{p}/deal", agent, deal, 201, **key) == first  # a retry applies once
    assert (await ok(f"{p}/deal", agent, deal, 409))["error"]["code"] == "conflict"

    items = (await stack.http.get("/v1/tasks", headers=head.headers)).json()["items"]
    waiting = [i for i in items if i["kind"] == "deal" and i["project_id"] == pid]
    assert len(waiting) == 1 and waiting[0]["due_at"] is not None
    view = (await stack.http.get(p, headers=head.headers)).json()
    assert [e["kind"] for e in view["history"] if e["kind"].startswith("deal_")] == ["deal_recorded"]

    async def confirming() -> int:
        r = await stack.http.post(f"{p}/deal/confirm", json={}, headers=head.headers)
        assert r.status_code in (200, 409), r.text
        assert r.status_code == 200 or r.json()["error"]["message"] == "the deal is already confirmed", r.text
        return r.status_code

    assert sorted(await asyncio.gather(confirming(), confirming())) == [200, 409]

    handle = stack.client.get_workflow_handle(f"deal-{pid}")
    state = (await handle.result())["status"], await handle.query("state")
    row = await stack.pool.fetchrow("SELECT confirmed_at, confirmed_by, due_at, seq, view_version FROM deals "
                                    "WHERE project_id = $1", pid)  # fmt: skip
    assert state[0] == "confirmed" and row["confirmed_by"] == head.id == state[1]["confirmed_by"]
    assert row["confirmed_at"] == datetime.fromisoformat(state[1]["confirmed_at"]) and row["due_at"] is None
    assert (row["seq"], row["view_version"]) == (state[1]["seq"], state[1]["batches"]) == (2, 2)
    kinds = [r["kind"] for r in await stack.pool.fetch("SELECT kind FROM deal_events WHERE project_id = $1 "
                                                         "AND superseded_at IS NULL ORDER BY seq", pid)]  # fmt: skip
    assert kinds == ["deal_recorded", "deal_confirmed"]
    view = (await stack.http.get(p, headers=head.headers)).json()
    assert [e["kind"] for e in view["history"] if e["kind"].startswith("deal_")] == kinds
    items = (await stack.http.get("/v1/tasks", headers=head.headers)).json()["items"]
    assert not [i for i in items if i["kind"] == "deal" and i["project_id"] == pid]
    payloads = payload_bytes(await handle.fetch_history())
    assert pid.encode() in payloads and agent.id.encode() in payloads
    for secret in ("孙八", phone):
        assert secret.encode() not in payloads, secret
