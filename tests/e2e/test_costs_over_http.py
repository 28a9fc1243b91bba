"""Issue 14, over HTTP: expected revenue at the assessment, and costs tracked against the
approved budget with the dept head told once when their total passes it."""

from __future__ import annotations

from datetime import date

from tests.e2e.test_rejections_over_http import assert_error
from tests.e2e.test_service_over_http import post, soon


async def test_costs_pass_the_budget_once_and_the_expected_revenue_is_kept(stack):
    team = await stack.team()
    agent, head, customer = team["agent"], team["dept_head"], team["customer"]
    created = await post(stack, "/v1/projects", agent, {
        "customer": {"name": "李雷", "phone": "13911112222", "user": customer.name}, "channel": "visit",
        "requirement": "Sell a flat", "business_type": "real_estate"}, 201)  # fmt: skip
    p = f"/v1/projects/{created['id']}"
    cost = {"amount": "5000", "description": "评估费", "spent_on": date.today().isoformat()}
    assessed = await post(stack, f"{p}/assessment", agent, {
        "in_scope": True, "difficulty": "low", "risk_level": "low", "expected_cycle_days": 40, "budget": "8000",
        "expected_revenue": "30000.50"})  # fmt: skip
    assert assessed["expected_revenue"] == "30000.50"
    assert "expected_revenue" not in {k for k, v in (await stack.http.get(p, headers=customer.headers)).json().items()
                                      if v is not None}  # fmt: skip
    assert_error(await stack.http.post(f"{p}/costs", json=cost, headers=agent.headers), 409, "wrong_stage")
    await post(stack, f"{p}/decisions", head, {"gate": "initiation", "decision": "approve"})
    await post(stack, f"{p}/plan", agent, {"goals": "Sign", "responsibilities": "agent",
                                            "milestones": [{"name": "contract", "due_date": soon(30)}]})  # fmt: skip

    first = await post(stack, f"{p}/costs", agent, cost, 201)
    assert (first["total"], first["budget"], first["over_budget"]) == ("5000.00", "8000", False)
    assert_error(await stack.http.post(f"{p}/costs", json=cost, headers=team["operations"].headers), 403)
    over = await post(stack, f"{p}/costs", head, {**cost, "amount": "3000.01"}, 201)
    assert (over["total"], over["over_budget"], len(over["items"])) == ("8000.01", True, 2)
    await post(stack, f"{p}/costs", agent, {**cost, "amount": "10"}, 201)
    async with stack.pool.acquire() as db:
        told = await db.fetch("SELECT to_role, department, params->>'total' AS total FROM outbox "
                              "WHERE key = 'notify.budget_exceeded' AND params->>'project_id' = $1", created["id"])
    assert [tuple(r) for r in told] == [("dept_head", head.department, "8000.01")]
    listed = (await stack.http.get(f"{p}/costs", headers=head.headers)).json()
    assert (listed["total"], listed["over_budget"]) == ("8010.01", True)
