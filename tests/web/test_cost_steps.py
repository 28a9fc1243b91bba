"""Costs as steps of the project's workflow, over HTTP (issue 14): two costs sent at once that
take the total past the budget raise one warning and one notice; PostgreSQL holds what the
workflow holds; the history shows the step, in Chinese and in English."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

from domain.project import ProjectState
from tests.e2e.test_service_over_http import post, soon
from workflows.project import ProjectWorkflow


async def test_two_costs_at_once_past_the_budget_warn_once_and_the_records_are_the_workflows(stack, browserless):
    team = await stack.team()
    agent, head = team["agent"], team["dept_head"]
    created = await post(stack, "/v1/projects", agent, {
        "customer": {"name": "韩梅梅", "phone": "13922223333"}, "channel": "phone",
        "requirement": "Rent a shop", "business_type": "real_estate"}, 201)  # fmt: skip
    pid, today = created["id"], date.today().isoformat()
    p = f"/v1/projects/{pid}"
    await post(stack, f"{p}/assessment", agent, {"in_scope": True, "difficulty": "low", "risk_level": "low",
                                                  "expected_cycle_days": 40, "budget": "8000"})  # fmt: skip
    await post(stack, f"{p}/decisions", head, {"gate": "initiation", "decision": "approve"})
    await post(stack, f"{p}/plan", agent, {"goals": "Sign", "responsibilities": "agent",
                                            "milestones": [{"name": "contract", "due_date": soon(30)}]})  # fmt: skip
    await post(stack, f"{p}/costs", agent, {"amount": "7000", "description": "广告费", "spent_on": today}, 201)

    def cost(who, amount: str, key: str):
        return post(stack, f"{p}/costs", who, {"amount": amount, "description": "中介费", "spent_on": today}, 201, key)

    first, second = await asyncio.gather(cost(agent, "600", f"{pid}-a"), cost(head, "700", f"{pid}-b"))
    again = await cost(agent, "600", f"{pid}-a")  # a retry applies nothing twice
    # each answers the costs as recorded once it applied; the later one sees both
    assert max(first["total"], second["total"]) == "8300.00" and again == first

    state = ProjectState.model_validate(await stack.client.get_workflow_handle(f"project-{pid}").query(
        ProjectWorkflow.state))  # fmt: skip
    listed = (await stack.http.get(f"{p}/costs", headers=head.headers)).json()
    assert (Decimal(listed["total"]), listed["over_budget"], len(listed["items"])) == (state.costs_total, True, 3)
    async with stack.pool.acquire() as db:
        warnings = await db.fetch("SELECT reasons FROM warnings WHERE project_id = $1 AND kind = 'raised'", pid)
        told = await db.fetch("SELECT to_role, department, params->>'total' AS total FROM outbox "
                              "WHERE key = 'notify.budget_exceeded' AND project_id = $1", pid)  # fmt: skip
        steps = await db.fetch("SELECT data->>'cost_id' AS id FROM events WHERE project_id = $1 "
                               "AND kind = 'cost_recorded' ORDER BY seq", pid)  # fmt: skip
    assert [list(r["reasons"]) for r in warnings] == [["over_budget 8300 > 8000"]]
    assert [tuple(r) for r in told] == [("dept_head", head.department, "8300")]
    assert sorted(r["id"] for r in steps) == sorted(item["id"] for item in listed["items"])
    assert state.warning.active and state.warning.reasons == ["over_budget 8300 > 8000"]

    project = (await stack.http.get(p, headers=head.headers)).json()
    assert [e["kind"] for e in project["history"]].count("cost_recorded") == 3
    v = await browserless(head)
    zh, en = (await v.http.get(f"/projects/{pid}")).text, (await v.http.get(f"/projects/{pid}?lang=en")).text
    assert "记录成本" in zh and "超出预算" in zh and "成本合计 8300 元超出预算 8000 元" in zh
    assert "Cost recorded" in en and "past the budget of" in en


async def test_the_project_page_records_a_cost_through_the_same_use_case(stack, browserless):
    team = await stack.team()
    agent, head, customer = team["agent"], team["dept_head"], team["customer"]
    created = await post(stack, "/v1/projects", agent, {
        "customer": {"name": "李雷", "phone": "13933334444", "user": customer.name}, "channel": "visit",
        "requirement": "Sell a flat", "business_type": "real_estate"}, 201)  # fmt: skip
    pid = created["id"]
    await post(stack, f"/v1/projects/{pid}/assessment", agent, {"in_scope": True, "difficulty": "low",
               "risk_level": "low", "expected_cycle_days": 40, "budget": "1000"})  # fmt: skip
    v = await browserless(agent)
    before = (await v.http.get(f"/projects/{pid}")).text
    assert 'id="costs"' in before and 'id="form-cost"' not in before  # before the budget is approved: no form
    await post(stack, f"/v1/projects/{pid}/decisions", head, {"gate": "initiation", "decision": "approve"})
    page = f"/projects/{pid}"
    form = {"amount": "abc", "description": "评估费", "spent_on": "2026-01-05"}
    refused = await v.submit(page, f"{page}/costs", form)
    assert refused.status_code == 422 and 'id="form-cost" open' in refused.text
    sent = await v.submit(page, f"{page}/costs", {**form, "amount": "1200"})
    assert sent.status_code == 303 and sent.headers["location"] == f"{page}?done=cost#costs"
    shown = (await v.http.get(f"{page}?done=cost")).text
    assert "成本已记录" in shown and "已超出预算" in shown and "评估费" in shown
    listed = (await stack.http.get(f"/v1/projects/{pid}/costs", headers=agent.headers)).json()
    assert [(i["amount"], i["recorded_by_id"]) for i in listed["items"]] == [("1200.00", agent.id)]
    mine = (await (await browserless(customer)).http.get(page)).text
    assert 'id="costs"' not in mine  # the customer does not see the costs
