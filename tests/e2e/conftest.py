"""Fixtures of the end-to-end tests."""

import pytest

from tests.e2e.bad_input_data import PLAN


@pytest.fixture(scope="module")
async def in_rectification(stack):
    """A project sent back for rectification: one open task, every kind of wait in play."""
    team = await stack.team()
    http = stack.http

    async def ok(path: str, who: str, body: dict, status: int = 200) -> dict:
        r = await http.post(path, json=body, headers=team[who].headers)
        assert r.status_code == status, r.text
        return r.json()

    pid = (await ok("/v1/projects", "agent", {
        "customer": {"name": "李雷", "user": team["customer"].name}, "channel": "phone",
        "requirement": "Refinance a mortgage", "business_type": "finance"}, 201))["id"]  # fmt: skip
    p = f"/v1/projects/{pid}"
    await ok(f"{p}/assessment", "agent", {"in_scope": True, "difficulty": "low", "risk_level": "low",
                                          "expected_cycle_days": 20, "budget": "5000"})
    await ok(f"{p}/decisions", "dept_head", {"gate": "initiation", "decision": "approve"})
    await ok(f"{p}/plan", "agent", PLAN)
    await ok(f"{p}/decisions", "dept_head", {"gate": "plan", "decision": "approve"})
    await ok(f"{p}/results", "agent", {"summary": "done"})
    view = await ok(f"{p}/decisions", "dept_head", {"gate": "result_review", "decision": "reject", "comment": "Redo"})
    assert view["stage"] == "rectification"
    [task] = view["tasks"]
    return pid, task["id"], team
