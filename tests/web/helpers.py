"""Drive a project to a stage through the JSON API (the workspace tests then act in pages)."""

from __future__ import annotations

from datetime import date, timedelta


def soon(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


async def call(stack, method: str, path: str, who, body: dict | None = None, status: int = 200) -> dict:
    r = await stack.http.request(method, path, json=body, headers=who.headers)
    assert r.status_code == status, r.text
    return r.json()


async def customer_project_in_execution(stack, team, customer_id: str) -> str:
    """A project for a customer of the master (`customer_id`), walked to execution."""
    agent, head = team["agent"], team["dept_head"]
    created = await call(stack, "POST", "/v1/projects", agent, {"customer_id": customer_id, "channel": "phone",
                         "requirement": "两居室", "business_type": "real_estate"}, 201)  # fmt: skip
    p = f"/v1/projects/{created['id']}"
    await call(stack, "POST", f"{p}/assessment", agent, {"in_scope": True, "difficulty": "medium",
               "risk_level": "low", "expected_cycle_days": 30, "budget": "80000"})  # fmt: skip
    await call(stack, "POST", f"{p}/decisions", head, {"gate": "initiation", "decision": "approve"})
    await call(stack, "POST", f"{p}/plan", agent, {"goals": "签约", "responsibilities": "业务员带看",
               "milestones": [{"name": "签约", "due_date": soon(20)}]})  # fmt: skip
    await call(stack, "POST", f"{p}/decisions", head, {"gate": "plan", "decision": "approve"})
    return str(created["id"])


async def project_at(stack, team, stage: str, *, risk: str = "medium", budget: str = "120000") -> str:
    """A project of `team` walked to `stage`: initiation_approval, planning, execution or customer_acceptance."""
    agent, head = team["agent"], team["dept_head"]
    created = await call(
        stack,
        "POST",
        "/v1/projects",
        agent,
        {
            "customer": {
                "name": "陈杰",
                "phone": "13812345678",
                "email": "chen@example.com",
                "user": team["customer"].name,
            },
            "channel": "visit",
            "requirement": "徐汇区学区两居室",
            "business_type": "real_estate",
        },
        201,
    )
    p = f"/v1/projects/{created['id']}"
    await call(stack, "POST", f"{p}/assessment", agent, {"in_scope": True, "difficulty": "medium", "risk_level": risk,
                                                         "expected_cycle_days": 45, "budget": budget})
    if stage == "initiation_approval":
        return created["id"]
    await call(stack, "POST", f"{p}/decisions", head, {"gate": "initiation", "decision": "approve"})
    if stage == "planning":
        return created["id"]
    await call(stack, "POST", f"{p}/plan", agent, {"goals": "签订购房合同", "responsibilities": "业务员带看",
        "milestones": [{"name": "带看", "due_date": soon(10)}, {"name": "签约", "due_date": soon(30)}]})
    await call(stack, "POST", f"{p}/decisions", head, {"gate": "plan", "decision": "approve"})
    if stage == "execution":
        return created["id"]
    await call(
        stack, "POST", f"{p}/results", agent, {"summary": "合同已起草", "completed_milestones": ["带看", "签约"]}
    )
    await call(stack, "POST", f"{p}/decisions", head, {"gate": "result_review", "decision": "approve"})
    assert stage == "customer_acceptance"
    return created["id"]
