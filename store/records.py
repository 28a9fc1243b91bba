"""What the `record` activity writes: a batch of steps in one transaction.

Each step lands in the event log under its step key (`<project_id>:<seq>`) and its facts in
their tables (store/facts.py); the read model takes the batch's view; notifications go to the
outbox. Which batch wins when a workflow task never completed is store/fencing.py's: a retried
batch changes nothing, a dead task's batch is refused, and steps a completed task replaced
are marked superseded, never silently kept.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg
import structlog

from domain.steps import Notice, RecordBatch, Step
from store import facts, fencing

log = structlog.get_logger(__name__)


class MalformedStep(ValueError):
    """A step whose facts lack what its kind needs: retrying cannot fix it."""


def step_key(project_id: str, seq: int) -> str:
    return f"{project_id}:{seq}"


async def insert_event(conn: asyncpg.Connection, project_id: str, at: datetime, step: Step,
                       batch: RecordBatch | None = None) -> bool:  # fmt: skip
    """Append the step to the audit trail. False if it was recorded before (a retry)."""
    actor = step.actor
    row = await conn.fetchrow(
        """INSERT INTO events (step_key, project_id, seq, kind, at, actor_id, actor_name, actor_role, comment, data,
               run_id, task)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (step_key) DO NOTHING RETURNING step_key""",
        step_key(project_id, step.seq), project_id, step.seq, step.kind, at,
        actor.user_id if actor else None, actor.name if actor else None, actor.role.value if actor else None,
        step.comment, step.data, batch.run_id or None if batch else None, batch.task if batch else None,
    )  # fmt: skip
    return row is not None


APPLY_VIEW = """
WITH merged AS (SELECT id, view || $2::jsonb AS v FROM projects WHERE id = $1 AND view_version < $3 FOR UPDATE)
UPDATE projects p SET
    view = m.v, view_version = $3, seq = greatest(p.seq, $5), updated_at = $4,
    run_id = coalesce($6, p.run_id), task = CASE WHEN $6 IS NULL THEN p.task ELSE $7 END,
    stage = coalesce(m.v->>'stage', p.stage),
    risk_level = m.v->>'risk_level',
    pending_kind = m.v->'pending'->>'kind',
    pending_gate = m.v->'pending'->>'gate',
    pending_role = m.v->'pending'->>'role',
    pending_user_id = m.v->'pending'->>'user_id',
    pending_due_at = (m.v->'pending'->>'due_at')::timestamptz,
    overdue = coalesce((m.v->>'overdue')::boolean, false),
    warning = coalesce((m.v->'warning'->>'active')::boolean, false),
    completion_rate = (m.v->'kpis'->>'completion_rate')::float8,
    cycle_deviation_rate = (m.v->'kpis'->>'cycle_deviation_rate')::float8,
    satisfaction_score = (m.v->'kpis'->>'satisfaction_score')::float8,
    completed_at = (m.v->>'completed_at')::timestamptz
FROM merged m WHERE p.id = m.id
RETURNING p.id
"""


async def apply_view(conn: asyncpg.Connection, batch: RecordBatch) -> bool:
    """Patch the read model unless a later batch is there already (a late retry)."""
    seq = max((s.seq for s in batch.steps), default=0)
    return await conn.fetchval(APPLY_VIEW, batch.project_id, batch.view, batch.version, batch.at, seq,
                               batch.run_id or None, batch.task) is not None  # fmt: skip


async def _differs(conn: asyncpg.Connection, pid: str, batch: RecordBatch, step: Step) -> None:
    """A step key written before (an unfenced writer's retry): the same content is fine; other
    content is a defect, logged and counted, never a silent DO NOTHING."""
    stored = await fencing.steps_after(conn, pid, step.seq - 1)
    mine = fencing.content(step.kind, step.comment, step.model_dump(mode="json").get("data", {}))
    if stored.get(step.seq) != mine:
        log.error("a step key was recorded before with other content", project_id=pid, seq=step.seq, kind=step.kind)
        await fencing.note(conn, pid, "conflict", batch.run_id or None, {"seq": step.seq, "kind": step.kind})


async def retire_run(conn: asyncpg.Connection, pid: str, run_id: str | None) -> None:
    """A run an operator reset away: its late batches are refused from now on."""
    if run_id:
        await conn.execute("UPDATE projects SET retired_runs = array_append(retired_runs, $2) WHERE id = $1 "
                           "AND NOT ($2 = ANY(retired_runs))", pid, run_id)  # fmt: skip


async def enqueue(conn: asyncpg.Connection, project_id: str | None, notices: list[Notice], *,
                  scope: str | None = None, path: str | None = None) -> None:  # fmt: skip
    """Queue the notices once each: their ids are `<scope>:<seq>:<kind>:<role>`, the scope being
    the project id (complaints and revisits name theirs); `path` opens the item in the workspace."""
    scope = scope or project_id
    assert scope is not None
    await conn.executemany(
        """INSERT INTO outbox (id, project_id, seq, kind, key, params, to_role, to_user_id, department, path)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING""",
        [(n.notice_id(scope), project_id, n.seq, n.kind, n.key, n.params, n.to_role.value, n.to_user_id,
          n.department, path) for n in notices],
    )  # fmt: skip


async def write_batch(conn: asyncpg.Connection, batch: RecordBatch) -> list[str]:
    """Record one batch of one project; run inside a transaction. Returns the step keys
    that were recorded before (a retry)."""
    pid = batch.project_id
    steps = sorted(batch.steps, key=lambda s: s.seq)
    rec = await fencing.lock_project(conn, pid)
    match await fencing.verdict(conn, batch, rec):
        case "retry":
            return [step_key(pid, s.seq) for s in steps]
        case "stale":
            raise fencing.StaleBatch(f"batch {batch.version} of {pid} comes from a workflow task that was replaced")
        case "diverged":
            assert rec is not None
            kind = "reset" if rec.run_id not in (None, batch.run_id) else "superseded"
            await fencing.supersede(conn, batch, rec, reason=kind)
            if kind == "reset":
                await retire_run(conn, pid, rec.run_id)
                await fencing.operator_step(conn, pid, "reset", batch.run_id, "",
                                            {"from_run": rec.run_id, "kept_to_seq": batch.base_seq})  # fmt: skip
    seen = []
    for step in steps:
        if step.kind == "intake":
            await facts.ensure_project(conn, pid, batch.at, step)
        if not await insert_event(conn, pid, batch.at, step, batch):
            seen.append(step_key(pid, step.seq))
            await _differs(conn, pid, batch, step)
            continue
        try:
            await facts.apply(conn, pid, batch.at, step)
        except (KeyError, TypeError, ValueError) as err:
            raise MalformedStep(f"step {step_key(pid, step.seq)} ({step.kind}) lacks {err}") from err
    if batch.view or steps:
        await apply_view(conn, batch)
    await enqueue(conn, pid, batch.notices)
    return seen
