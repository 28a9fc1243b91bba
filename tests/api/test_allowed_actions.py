"""`allowed_actions` in the project view, per role, over the API on the real stack (worker,
Temporal dev server, PostgreSQL); what it lists is what the service then accepts."""

from __future__ import annotations

from tests.web.helpers import call, project_at

ROLES = ("agent", "dept_head", "executive", "customer", "operations", "auditor")
RISK = {"category": "market", "description": "房价波动", "likelihood": "low", "impact": "medium",
        "response": "reduce", "measures": "锁价", "owner": None, "review_on": None}  # fmt: skip


async def allowed(stack, team, pid: str) -> dict[str, list[str]]:
    return {r: (await call(stack, "GET", f"/v1/projects/{pid}", team[r]))["allowed_actions"] for r in ROLES}


async def test_each_role_is_offered_what_the_stage_and_the_guards_allow(stack):
    team = await stack.team()
    pid = await project_at(stack, team, "initiation_approval")
    assert await allowed(stack, team, pid) == {
        "agent": ["risk_add", "risk_update"], "dept_head": ["decision", "risk_add", "risk_update"],
        "executive": [], "customer": [], "operations": ["decide_for", "reassign", "extend", "cancel"], "auditor": [],
    }  # fmt: skip
    await call(stack, "POST", f"/v1/projects/{pid}/decisions", team["dept_head"],
               {"gate": "initiation", "decision": "approve"})  # fmt: skip
    now = await allowed(stack, team, pid)
    assert now["agent"] == ["plan", "risk_add", "risk_update"] and now["dept_head"] == ["risk_add", "risk_update"]
    assert now["operations"] == ["reassign", "extend", "cancel"]
    assert not now["customer"] and not now["auditor"] and not now["executive"]


async def test_what_is_listed_is_accepted(stack):
    team = await stack.team()
    pid = await project_at(stack, team, "execution")
    p = f"/v1/projects/{pid}"
    seen = await allowed(stack, team, pid)
    assert seen["agent"] == ["results", "report", "risk_add", "risk_update"]  # the results it owes first
    assert seen["customer"] == [] and seen["operations"] == ["reassign", "extend", "cancel"]
    await call(stack, "POST", f"{p}/reports", team["agent"], {"progress": "带看三套", "next_week_plan": "谈价"})
    await call(stack, "POST", f"{p}/risks", team["dept_head"], RISK | {"owner": team["agent"].name,
                                                                    "review_on": _in_days(7)}, 201)  # fmt: skip
    await call(stack, "POST", f"{p}/results", team["agent"], {"summary": "合同已起草",
                                                               "completed_milestones": ["带看", "签约"]})  # fmt: skip
    await call(stack, "POST", f"{p}/decisions", team["dept_head"], {"gate": "result_review", "decision": "approve"})
    at_acceptance = await allowed(stack, team, pid)
    assert at_acceptance["customer"] == ["acceptance"] and "acceptance" not in at_acceptance["agent"]
    assert at_acceptance["operations"] == ["extend", "cancel"]  # a customer's answer: more time only
    await call(stack, "POST", f"{p}/cancel", team["operations"], {"reason": "客户撤回"})
    ended = await allowed(stack, team, pid)
    assert ended == {r: (["dispose"] if r == "operations" else []) for r in ROLES}
    await call(stack, "POST", f"{p}/customer/dispose", team["operations"], {})
    assert (await allowed(stack, team, pid))["operations"] == []


def _in_days(days: int) -> str:
    from datetime import date, timedelta

    return (date.today() + timedelta(days=days)).isoformat()
