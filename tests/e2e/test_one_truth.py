"""One truth under concurrency (issue 13): a busy office fires actions at one project at once
(an agent's reports and risks, a double-clicked results form, the dept head's decision). Every
answer is checked against the history, the read model and Temporal: nothing acknowledged is
missing, nothing refused is recorded, the read model's stage equals the workflow's.
Real API, worker, PostgreSQL and Temporal dev server."""

from __future__ import annotations

import asyncio
import random
import uuid

from domain.project import ProjectState
from tests.e2e.test_risk_register import RISK, running_project, soon
from workflows.project import ProjectWorkflow

ROUNDS = 20


def actions(pid: str, team, round_no: int) -> list[tuple[str, str, object, dict]]:
    """20 mixed actions: 10 risks, 7 reports, 2 results (a double click), 1 result decision."""
    agent, head = team["agent"], team["dept_head"]
    p = f"/v1/projects/{pid}"
    out = [("risk", f"{p}/risks", agent, RISK | {"description": f"风险 {round_no}-{i}", "owner": agent.name,
                                                  "review_on": soon(7)}) for i in range(10)]  # fmt: skip
    out += [("report", f"{p}/reports", agent, {"progress": f"第{i}周进展", "problems": "无",
                                                "next_week_plan": "继续"}) for i in range(7)]  # fmt: skip
    out += [("results", f"{p}/results", agent, {"summary": f"成果 {i}"}) for i in range(2)]
    out += [("decision", f"{p}/decisions", head, {"gate": "result_review", "decision": "approve"})]
    random.Random(round_no).shuffle(out)
    return out


async def fire(stack, batch) -> list[tuple[str, int, dict]]:
    async def one(kind, path, who, body):
        headers = {**who.headers, "Idempotency-Key": f"k-{uuid.uuid4().hex}"}
        r = await stack.http.post(path, json=body, headers=headers)
        return kind, r.status_code, r.json()

    return await asyncio.gather(*(one(*a) for a in batch))


async def check(stack, pid: str, answers: list[tuple[str, int, dict]]) -> None:
    assert not [a for a in answers if a[1] >= 500], answers
    assert {a[1] for a in answers} <= {200, 201, 409}, answers
    ok = [a for a in answers if a[1] < 300]
    db = stack.pool
    live = "project_id = $1 AND superseded_at IS NULL"
    kinds = {r["kind"]: r["n"] for r in await db.fetch(
        f"SELECT kind, count(*) AS n FROM events WHERE {live} GROUP BY kind", pid)}  # fmt: skip

    risk_ids = sorted(a[2]["id"] for a in ok if a[0] == "risk")
    assert len(set(risk_ids)) == len(risk_ids), "two answers named the same risk"
    recorded = sorted(r["id"] for r in await db.fetch("SELECT id FROM risks WHERE project_id = $1", pid))
    assert recorded == risk_ids
    assert kinds.get("risk_added", 0) == len(risk_ids)
    assert sorted(r["id"] for r in (await stack.http.get(
        f"/v1/projects/{pid}/risks", headers=stack.agent.headers)).json()) == risk_ids  # fmt: skip

    reports = sum(1 for a in ok if a[0] == "report")
    assert kinds.get("weekly_report", 0) == reports
    assert await db.fetchval("SELECT count(*) FROM weekly_reports WHERE project_id = $1", pid) == reports
    results = sum(1 for a in ok if a[0] == "results")
    assert results == 1, "a results form sent twice at once is applied once"
    assert await db.fetchval("SELECT count(*) FROM result_submissions WHERE project_id = $1", pid) == results
    decided = sum(1 for a in ok if a[0] == "decision")
    assert await db.fetchval("SELECT count(*) FROM approvals WHERE project_id = $1 AND gate = 'result_review'",
                             pid) == decided  # fmt: skip

    handle = stack.client.get_workflow_handle(f"project-{pid}")
    state: ProjectState = await handle.query(ProjectWorkflow.state, result_type=ProjectState)
    row = await db.fetchrow("SELECT stage, seq, pending_kind, pending_role FROM projects WHERE id = $1", pid)
    assert row["stage"] == state.stage.value
    assert row["seq"] == state.seq
    pending = state.pending
    assert (row["pending_kind"], row["pending_role"]) == (
        (str(pending.kind), pending.role.value) if pending else (None, None))
    seqs = [r["seq"] for r in await db.fetch(f"SELECT seq FROM events WHERE {live} "
                                             "AND kind <> 'reset' ORDER BY seq", pid)]  # fmt: skip
    assert seqs == list(range(1, state.seq + 1)), "the live steps are the workflow's, none missing or doubled"
    view = (await stack.http.get(f"/v1/projects/{pid}", headers=stack.agent.headers)).json()
    assert view["stage"] == state.stage.value


async def test_concurrent_actions_at_one_project_are_recorded_exactly_as_answered(stack):
    team = await stack.team()
    stack.agent = team["agent"]
    for round_no in range(ROUNDS):
        pid = await running_project(stack, team)
        answers = await fire(stack, actions(pid, team, round_no))
        await check(stack, pid, answers)
