"""Issue 14, over HTTP: a satisfaction warning raised by a revisit after completion is
analysed by the dept head (no longer 409) and tracked to its measures, whose owner closes
them; then the revisit's workflow ends."""

from __future__ import annotations

from temporalio.client import WorkflowExecutionStatus

from tests.e2e.test_rejections_over_http import assert_error
from tests.e2e.test_service_over_http import post, project_in_execution


async def test_a_warning_after_completion_is_analysed_and_its_measure_closed(stack):
    team = await stack.team()
    agent, head, customer = team["agent"], team["dept_head"], team["customer"]
    pid = await project_in_execution(stack, team)
    p = f"/v1/projects/{pid}"
    await post(stack, f"{p}/results", agent, {"summary": "Signed", "completed_milestones": ["contract"]})
    await post(stack, f"{p}/decisions", head, {"gate": "result_review", "decision": "approve"})
    assert (await post(stack, f"{p}/acceptance", customer, {"accepted": True, "rating": 5}))["stage"] == "completed"
    await stack.client.get_workflow_handle(f"revisit-{pid}").execute_update("sync", {"actor": {
        "user_id": agent.id, "name": agent.name, "role": "agent", "department": agent.department}})
    analysis = {"cause": "people", "analysis": "交房拖延", "measures": [
        {"description": "交房流程培训", "owner": agent.name, "deadline_working_days": 3}]}
    assert_error(await stack.http.post(f"{p}/warning-analysis", json=analysis, headers=head.headers), 409)
    await post(stack, f"{p}/revisit", agent, {"rating": 2, "comments": "The handover was slow"})

    assert_error(await stack.http.post(f"{p}/warning-analysis", json=analysis, headers=agent.headers), 403)
    await post(stack, f"{p}/warning-analysis", head, analysis)
    async with stack.pool.acquire() as db:
        row = await db.fetchrow("SELECT cause, analysis FROM warnings WHERE project_id = $1 AND kind = 'analysed'", pid)
        task = await db.fetchrow("SELECT id, owner_user_id, status FROM rectification_tasks WHERE project_id = $1", pid)
    assert dict(row) == {"cause": "people", "analysis": "交房拖延"}
    assert (task["id"], task["owner_user_id"], task["status"]) == (f"{pid}-rv1", agent.id, "open")
    handle = stack.client.get_workflow_handle(f"revisit-{pid}")
    assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING

    closed = await post(stack, f"/v1/tasks/{task['id']}/complete", agent, {"resolution": "已培训"})
    assert closed["status"] == "done"
    assert await handle.result() is not None
    assert (await handle.describe()).status == WorkflowExecutionStatus.COMPLETED
