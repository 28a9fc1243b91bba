"""Deals over HTTP on the real stack: recorded by the project's agent in execution, split
between agents, confirmed by the dept head, and counted in the figures (hand-computed)."""

from __future__ import annotations

import uuid
from datetime import date

from tests.e2e.bad_input_data import PLAN


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
