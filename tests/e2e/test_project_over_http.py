"""Issue 2's end-to-end proof: one project from intake to archive, driven over HTTP.

Real FastAPI app, real worker and activities, real Temporal dev server, real PostgreSQL.
"""

from __future__ import annotations

from datetime import date, timedelta

from temporalio.client import WorkflowExecutionStatus

from domain.steps import Ack
from tests.history import payload_bytes


def soon(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


async def test_high_risk_project_from_intake_to_archive(stack):
    http, team = stack.http, await stack.team()
    agent, head, executive, customer = team["agent"], team["dept_head"], team["executive"], team["customer"]

    async def post(path: str, who, body: dict, status: int = 200) -> dict:
        r = await http.post(path, json=body, headers=who.headers)
        assert r.status_code == status, r.text
        return r.json()

    created = await post("/v1/projects", agent, {
        "customer": {"name": "王小明", "phone": "13812345678", "email": "wxm@example.com", "user": customer.name},
        "channel": "visit",
        "requirement": "Buy a two-bedroom flat near Xuhui schools",
        "business_type": "real_estate",
    }, 201)
    pid = created["id"]
    assert created["stage"] == "assessment"
    p = f"/v1/projects/{pid}"

    state = await post(f"{p}/assessment", agent, {
        "in_scope": True, "difficulty": "medium", "risk_level": "high",
        "expected_cycle_days": 45, "budget": "300000"})
    assert state["stage"] == "initiation_approval"
    assert state["pending"]["role"] == "dept_head"

    state = await post(f"{p}/decisions", head, {"gate": "initiation", "decision": "approve", "comment": "ok"})
    assert (state["stage"], state["pending"]["role"]) == ("initiation_approval", "executive")
    state = await post(f"{p}/decisions", executive, {"gate": "initiation", "decision": "approve"})
    assert state["stage"] == "planning"

    await post(f"{p}/plan", agent, {
        "goals": "Sign a purchase contract", "responsibilities": "agent leads viewings",
        "resources": "car, 2 days of legal review",
        "milestones": [{"name": "viewings", "due_date": soon(10)}, {"name": "contract", "due_date": soon(30)}]})
    state = await post(f"{p}/decisions", head, {"gate": "plan", "decision": "approve"})
    assert state["stage"] == "execution"

    await post(f"{p}/reports", agent, {"progress": "6 viewings", "problems": "prices up",
                                        "next_week_plan": "shortlist", "completed_milestones": ["viewings"]})
    await post(f"{p}/results", agent, {"summary": "Contract drafted", "attachments": ["contract-v1.pdf"]})
    state = await post(f"{p}/decisions", head, {"gate": "result_review", "decision": "reject",
                                                 "comment": "Missing the mortgage clause"})
    assert state["stage"] == "rectification"

    inbox = (await http.get("/v1/tasks", headers=agent.headers)).json()
    [task] = [t for t in inbox["items"] if t["kind"] == "rectification"]
    assert task["project_id"] == pid
    await post(f"/v1/tasks/{task['id']}/complete", agent, {"resolution": "Clause added"})
    await post(f"{p}/results", agent, {"summary": "Contract v2", "completed_milestones": ["contract"]})
    state = await post(f"{p}/decisions", head, {"gate": "result_review", "decision": "approve"})
    assert state["stage"] == "customer_acceptance"

    state = await post(f"{p}/acceptance", customer, {"accepted": False, "objections": ["Handover date too late"]})
    assert state["stage"] == "rectification"
    inbox = (await http.get("/v1/tasks", headers=agent.headers)).json()
    [task] = [t for t in inbox["items"] if t["kind"] == "rectification"]
    await post(f"/v1/tasks/{task['id']}/complete", agent, {"resolution": "Seller agreed to hand over earlier"})
    state = await post(f"{p}/results", agent, {"summary": "Contract v3"})
    assert state["stage"] == "customer_acceptance"
    state = await post(f"{p}/acceptance", customer, {"accepted": True, "rating": 5})
    assert state["stage"] == "completed"  # answered once archived

    handle = stack.client.get_workflow_handle(f"project-{pid}", result_type=Ack)
    final = await handle.result()
    assert final.stage == "completed"
    assert (await handle.describe()).status == WorkflowExecutionStatus.COMPLETED

    view = (await http.get(p, headers=agent.headers)).json()
    assert view["stage"] == "completed"
    assert view["customer"]["name"] == "王小明"
    kinds = [e["kind"] for e in view["history"]]
    assert final.seq == view["history"][-1]["seq"] == len(kinds)  # the workflow's last step is recorded
    milestones = ["intake", "assessment", "decision", "decision", "plan_submitted", "decision", "weekly_report",
                  "results_submitted", "decision", "task_created", "task_completed", "results_submitted", "decision",
                  "objection", "task_created", "task_completed", "results_submitted", "accepted", "archived",
                  "completed"]
    it = iter(kinds)
    assert all(k in it for k in milestones), kinds  # in this order, other events between
    stages = [e["data"]["to"] for e in view["history"] if e["kind"] == "stage_changed"]
    assert stages == ["initiation_approval", "planning", "plan_approval", "execution", "result_review",
                      "rectification", "result_review", "customer_acceptance", "rectification",
                      "customer_acceptance", "archiving", "completed"]

    async with stack.pool.acquire() as db:
        approvals = await db.fetch("SELECT gate, level, decision FROM approvals WHERE project_id=$1 ORDER BY at", pid)
        assert [tuple(r) for r in approvals] == [
            ("initiation", "dept_head", "approve"), ("initiation", "executive", "approve"),
            ("plan", "dept_head", "approve"), ("result_review", "dept_head", "reject"),
            ("result_review", "dept_head", "approve")]
        tasks = await db.fetch("SELECT source, status FROM rectification_tasks WHERE project_id=$1 ORDER BY id", pid)
        assert [tuple(r) for r in tasks] == [("review_rejection", "done"), ("customer_objection", "done")]
        assert await db.fetchval("SELECT rating FROM ratings WHERE project_id=$1", pid) == 5
        assert await db.fetchval("SELECT count(*) FROM weekly_reports WHERE project_id=$1", pid) == 1
        assert await db.fetchval("SELECT count(*) FROM result_submissions WHERE project_id=$1", pid) == 3
        bundle = await db.fetchrow("SELECT id, keywords FROM archive_bundles WHERE project_id=$1", pid)
        assert bundle["id"] == f"archive-{pid}" and pid in bundle["keywords"]
        row = await db.fetchrow("SELECT stage, completed_at FROM projects WHERE id=$1", pid)
        assert row["stage"] == "completed" and row["completed_at"] is not None
        seqs = [r["seq"] for r in await db.fetch("SELECT seq FROM events WHERE project_id=$1 ORDER BY seq", pid)]
        assert seqs == list(range(1, len(seqs) + 1))
        raw = await db.fetchrow("SELECT name_enc, phone_enc FROM customers WHERE project_id=$1", pid)
        assert "王小明".encode() not in raw["name_enc"] and b"13812345678" not in raw["phone_enc"]

    # No customer identity in Temporal: ids, roles and staff names only (README, issue 6).
    payloads = payload_bytes(await handle.fetch_history())
    assert agent.name.encode() in payloads and customer.id.encode() in payloads
    for secret in ("王小明", "13812345678", "wxm@example.com", customer.name):
        assert secret.encode() not in payloads, secret

    own = await http.get(p, headers=customer.headers)
    assert own.status_code == 200 and own.json()["customer"]["name"] == "王小明"
    audited = (await http.get(p, headers=team["auditor"].headers)).json()
    assert audited["customer"]["name"] != "王小明" and audited["customer"]["phone"] != "13812345678"
