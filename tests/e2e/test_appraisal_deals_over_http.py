"""Issue 14 over HTTP: a confirmed deal split between two agents weighted into their appraisal
scores, and the project's revenue against expected and costs against budget, hand-computed
(docs/appraisal.md §Deals and follow-ups, §Revenue against expected). A database of its own:
the appraisal reads company-wide tables."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from store.sessions import issue_signin_link
from tests.e2e.bad_input_data import PLAN
from tests.web.conftest import Visitor


async def test_a_confirmed_deal_scores_its_agents_and_meets_its_expected_revenue(own_stack):
    stack = own_stack
    team = await stack.team()
    agent, head = team["agent"], team["dept_head"]
    colleague = await stack.person("agent", agent.department)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()

    async def ok(path: str, who, body: dict, status: int = 200) -> dict:
        r = await stack.http.post(path, json=body, headers=who.headers)
        assert r.status_code == status, r.text
        return r.json()

    pid = (await ok("/v1/projects", agent, {"customer": {"name": "孙八", "phone": "13500001111"}, "channel": "visit",
                                            "requirement": "Sell a shop", "business_type": "real_estate"}, 201))["id"]
    p = f"/v1/projects/{pid}"
    await ok(f"{p}/assessment", agent, {"in_scope": True, "difficulty": "low", "risk_level": "low",
                                        "expected_cycle_days": 30, "budget": "5000", "expected_revenue": "1000000"})
    await ok(f"{p}/decisions", head, {"gate": "initiation", "decision": "approve"})
    await ok(f"{p}/plan", agent, PLAN)
    await ok(f"{p}/decisions", head, {"gate": "plan", "decision": "approve"})
    await ok(f"{p}/costs", agent, {"amount": "6000", "description": "评估费", "spent_on": today.isoformat()}, 201)
    deal = {"deal_date": today.isoformat(), "value": "1250000", "commission": "25000",
            "split": [{"agent": agent.name, "share": 70}, {"agent": colleague.name, "share": 30}]}
    await ok(f"{p}/deal", agent, deal, 201)

    async def appraisal() -> dict:
        r = await stack.http.get("/v1/appraisal", params={"period": f"{today:%Y-%m}"}, headers=head.headers)
        assert r.status_code == 200, r.text
        return r.json()

    before = await appraisal()
    assert [(r["name"], r["deals"], r["total_score"]) for r in before["rows"]] == [
        (n, 0, None) for n in sorted([agent.name, colleague.name])]  # not confirmed: nothing to appraise
    assert before["money"] == {"projects": [], "agents": [], "departments": []}
    await ok(f"{p}/deal/confirm", head, {})

    report = await appraisal()
    rows = {r["name"]: r for r in report["rows"]}
    a, b = rows[agent.name], rows[colleague.name]
    # parts: 875,000 / 17,500 and 375,000 / 7,500. No targets in the policy: the par is the
    # department's average over its two agents: 1 deal, 625,000 value, 12,500 commission.
    assert (a["deals"], Decimal(a["deal_value"]), Decimal(a["commission"])) == (1, 875000, 17500)
    assert (b["deals"], Decimal(b["deal_value"]), Decimal(b["commission"])) == (1, 375000, 7500)
    assert (a["deals_score"], a["deal_value_score"], a["commission_score"]) == (100.0, 100.0, 100.0)
    assert (b["deals_score"], b["deal_value_score"], b["commission_score"]) == (100.0, 60.0, 60.0)
    # deals, value, commission (10 each) and risk (10, no event: 100); nothing else is due yet:
    # a (1000 + 1000 + 1000 + 1000) / 40 = 100, b (1000 + 600 + 600 + 1000) / 40 = 80
    assert (a["total_score"], a["rank"], b["total_score"], b["rank"]) == (100.0, 1, 80.0, 2)
    assert [(d["agent"], d["deals"]) for d in report["deals"]] == [(agent.name, 1), (colleague.name, 1)]

    [project] = report["money"]["projects"]
    assert (project["project_id"], project["agent"], Decimal(project["revenue"])) == (pid, agent.name, 1250000)
    assert (Decimal(project["expected_revenue"]), Decimal(project["revenue_gap"]), project["revenue_rate"]) == (
        1000000, 250000, 125.0)
    assert (Decimal(project["budget"]), Decimal(project["costs"]), project["cost_rate"], project["over_budget"]) == (
        5000, 6000, 120.0, True)
    [mine] = report["money"]["agents"]
    [dept] = report["money"]["departments"]
    assert (mine["agent_id"], mine["projects"], mine["revenue_rate"], mine["over_budget"]) == (agent.id, 1, 125.0, 1)
    assert (dept["department"], Decimal(dept["revenue"]), dept["cost_rate"]) == (agent.department, 1250000, 120.0)

    page = await stack.http.get(f"/v1/appraisal?period={today:%Y-%m}&format=csv", headers=head.headers)
    header = page.content.decode("utf-8-sig").splitlines()[0]
    assert "成交数" in header and "佣金（元）" in header and "跟进及时率（%）" in header

    # The KPIs count the same deal by its date (docs/appraisal.md §KPIs and deals): by agent each
    # part (1 deal each), the revenue against expected to the recorder (1,250,000 ÷ 1,000,000).
    async def kpis(**params: str) -> list[dict]:
        r = await stack.http.get("/v1/kpis", params={"period": f"{today:%Y-%m}", **params}, headers=head.headers)
        assert r.status_code == 200, r.text
        return r.json()["items"]

    by_agent = {k["key"]: k for k in await kpis(group_by="agent")}
    got = {name: (k["deals"], Decimal(k["deal_value"]), Decimal(k["commission"]), k["revenue_rate"])
           for name, k in by_agent.items()}
    assert got == {agent.name: (1, 875000, 17500, 125.0), colleague.name: (1, 375000, 7500, None)}
    assert by_agent[agent.name]["projects"] == 1 and by_agent[colleague.name]["projects"] == 0
    # by department and by month the deal is one deal of its full value and commission
    for group_by, key in (("department", agent.department), ("month", f"{today:%Y-%m}")):
        [row] = await kpis(group_by=group_by)
        assert (row["key"], row["deals"], Decimal(row["deal_value"]), Decimal(row["commission"]),
                row["revenue_rate"]) == (key, 1, 1250000, 25000, 125.0)  # fmt: skip
    [only] = await kpis(group_by="agent", agent=colleague.name)
    assert (only["key"], only["deals"], Decimal(only["deal_value"])) == (colleague.name, 1, 375000)
    assert await kpis(group_by="department", period=f"{today.year - 1}") == []  # dated this year

    # the 指标与考核 page shows the same figures (the use case the API reads)
    v = Visitor(stack.app)
    try:
        r = await v.sign_in_with_code(await issue_signin_link(stack.pool, head.id, timedelta(hours=1)))
        assert r.status_code == 303, r.text
        page = await v.http.get("/kpis", params={"group_by": "agent", "period": f"{today:%Y-%m}"})
        assert page.status_code == 200 and "成交数" in page.text and "收入达成率" in page.text
        assert page.text.count("<td data-deals>1</td>") == 2 and "125.0%" in page.text
    finally:
        await v.close()
