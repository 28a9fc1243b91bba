"""Operators' Temporal tools are safe (issue 13): after `temporal workflow reset` (either
reapply mode), `terminate` or `cancel`, the API's view, the inboxes and `events` follow
Temporal; `jindu reconcile` finds and repairs what differs. Real API, worker, PostgreSQL,
Temporal dev server and its CLI."""

from __future__ import annotations

import asyncio
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.api.enums.v1 import EventType

from domain.project import ProjectState
from jindu.reconcile import Reconciler, sweep_forever
from jindu.temporal import temporal_cli_path
from tests.e2e.test_risk_register import running_project
from tests.fixtures_stack import STACK_TASK_QUEUE
from workflows.project import ProjectWorkflow


@pytest.fixture
async def sweeping(stack):
    """The worker's sweep, as `jindu worker` runs it, every half second."""
    stop = asyncio.Event()
    task = asyncio.create_task(sweep_forever([Reconciler(stack.client, stack.pool, STACK_TASK_QUEUE).sweep], stop, 0.5))
    yield
    stop.set()
    await task


async def eventually(check, seconds: float = 30.0):
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        try:
            return await check()
        except AssertionError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.3)


async def inbox_ids(stack, who) -> set[str]:
    r = await stack.http.get("/v1/tasks", headers=who.headers)
    assert r.status_code == 200, r.text
    return {i["project_id"] for i in r.json()["items"]}


async def same_as_temporal(stack, pid: str) -> ProjectState:
    state = await stack.client.get_workflow_handle(f"project-{pid}").query(ProjectWorkflow.state,
                                                                           result_type=ProjectState)  # fmt: skip
    row = await stack.pool.fetchrow("SELECT stage, seq, pending_kind FROM projects WHERE id = $1", pid)
    assert (row["stage"], row["seq"]) == (state.stage.value, state.seq)
    assert row["pending_kind"] == (str(state.pending.kind) if state.pending else None)
    live = [r["seq"] for r in await stack.pool.fetch(
        "SELECT seq FROM events WHERE project_id = $1 AND superseded_at IS NULL "
        "AND kind NOT IN ('reset', 'reconciled') ORDER BY seq", pid)]  # fmt: skip
    assert live == list(range(1, state.seq + 1))
    return state


@pytest.mark.parametrize("how", ["terminate", "cancel"])
async def test_a_project_ended_in_temporal_shows_terminated_and_leaves_every_inbox(stack, sweeping, how):
    team = await stack.team()
    pid = await running_project(stack, team)
    p = f"/v1/projects/{pid}"
    r = await stack.http.post(f"{p}/results", headers=team["agent"].headers, json={"summary": "合同草稿"})
    assert r.json()["stage"] == "result_review"
    assert pid in await inbox_ids(stack, team["dept_head"])
    handle = stack.client.get_workflow_handle(f"project-{pid}")
    if how == "terminate":
        await handle.terminate(reason="客户撤回委托")
    else:
        await handle.cancel()

    async def ended():
        r = await stack.http.get(p, headers=team["agent"].headers)
        assert r.json()["stage"] == "terminated", r.json()["stage"]
        return r.json()

    view = await eventually(ended)
    assert view["pending"] is None
    assert pid not in await inbox_ids(stack, team["dept_head"])
    listed = await stack.http.get("/v1/projects?stage=result_review", headers=team["operations"].headers)
    assert pid not in {i["id"] for i in listed.json()["items"]}
    step = await stack.pool.fetchrow("SELECT comment, data FROM events WHERE project_id = $1 AND kind = 'terminated'",
                                     pid)  # fmt: skip
    assert step is not None
    assert ("客户撤回委托" in step["comment"]) if how == "terminate" else ("cancel" in step["comment"])
    r = await stack.http.post(f"{p}/decisions", headers=team["dept_head"].headers,
                              json={"gate": "result_review", "decision": "approve"})  # fmt: skip
    assert r.status_code == 409, r.text
    assert await stack.pool.fetchval("SELECT count(*) FROM events WHERE project_id = $1 AND kind = 'terminated'",
                                     pid) == 1  # fmt: skip


def reset(stack, workflow_id: str, event_id: int, *, exclude_all: bool) -> None:
    args = [str(temporal_cli_path()), "workflow", "reset", "--workflow-id", workflow_id,
            "--event-id", str(event_id), "--reason", "operator test",
            "--address", stack.client.service_client.config.target_host]  # fmt: skip
    if exclude_all:
        args += ["--reapply-exclude", "All"]
    done = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


async def before_first_decision(stack, pid: str) -> int:
    """The workflow task that accepted the project's first decision (the initiation approval)."""
    events = (await stack.client.get_workflow_handle(f"project-{pid}").fetch_history()).events
    completed = 0
    for e in events:
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            completed = e.event_id
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED and \
                e.workflow_execution_update_accepted_event_attributes.accepted_request.input.name == "decide":
            return completed
    raise AssertionError("no decision in the history")


async def test_a_reset_without_reapply_resyncs_and_later_actions_answer_what_is_recorded(stack, sweeping):
    team = await stack.team()
    agent, head, auditor = team["agent"], team["dept_head"], team["auditor"]
    pid = await running_project(stack, team)
    p = f"/v1/projects/{pid}"
    reset(stack, f"project-{pid}", await before_first_decision(stack, pid), exclude_all=True)

    async def resynced():
        r = await stack.http.get(p, headers=agent.headers)
        assert r.json()["stage"] == "initiation_approval", r.json()["stage"]

    await eventually(resynced)
    await same_as_temporal(stack, pid)
    assert await stack.pool.fetchval("SELECT count(*) FROM events WHERE project_id = $1 AND kind = 'reset'", pid) == 1
    r = await stack.http.post(f"{p}/decisions", headers=head.headers,
                              json={"gate": "initiation", "decision": "reject", "comment": "预算不清"})  # fmt: skip
    assert r.status_code == 200 and r.json()["stage"] == "assessment", r.text
    r = await stack.http.post(f"{p}/assessment", headers=agent.headers, json={"in_scope": False})
    assert r.status_code == 200 and r.json()["stage"] == "declined", r.text
    await stack.client.get_workflow_handle(f"project-{pid}").result()
    await same_as_temporal(stack, pid)
    decisions = await stack.pool.fetch("SELECT decision FROM approvals WHERE project_id = $1", pid)
    assert [d["decision"] for d in decisions] == ["reject"]
    gone = await stack.pool.fetch("SELECT kind FROM events WHERE project_id = $1 AND superseded_at IS NOT NULL", pid)
    assert "plan_submitted" in {g["kind"] for g in gone}
    history = (await stack.http.get(p, headers=auditor.headers)).json()["history"]
    assert any(h["superseded"] for h in history), "auditors see the abandoned branch, marked"
    assert not any(h.get("superseded") for h in (await stack.http.get(p, headers=agent.headers)).json()["history"])


async def test_a_reset_with_reapply_ends_equal_to_temporal(stack, sweeping):
    team = await stack.team()
    pid = await running_project(stack, team)
    reset(stack, f"project-{pid}", await before_first_decision(stack, pid), exclude_all=False)
    await asyncio.sleep(1)
    await eventually(lambda: same_as_temporal(stack, pid))
    state = await same_as_temporal(stack, pid)
    r = await stack.http.get(f"/v1/projects/{pid}", headers=team["agent"].headers)
    assert r.json()["stage"] == state.stage.value


async def test_reconcile_finds_and_repairs_a_read_model_that_differs(stack):
    team = await stack.team()
    pid = await running_project(stack, team)
    await stack.pool.execute("UPDATE projects SET stage = 'result_review', pending_kind = NULL WHERE id = $1", pid)
    rec = Reconciler(stack.client, stack.pool, STACK_TASK_QUEUE)
    finding = await rec.project(pid, fix=False)
    assert finding is not None and any("stage result_review" in p for p in finding.problems), finding
    assert (await stack.pool.fetchval("SELECT stage FROM projects WHERE id = $1", pid)) == "result_review"
    finding = await rec.project(pid, fix=True)
    assert finding is not None and finding.fixed
    await same_as_temporal(stack, pid)
    assert await rec.project(pid, fix=False) is None
    since = datetime.now(UTC) - timedelta(minutes=5)
    assert all(f.project_id != pid for f in await rec.sweep(since))
