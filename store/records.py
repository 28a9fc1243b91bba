"""What the `record` activity writes: a batch of steps in one transaction.

Each step lands in the event log under its step key (`<project_id>:<seq>`) and, the first
time only, its facts land in their tables (store/facts.py); the read model's `view` takes
the batch's changed fields unless a newer batch got there first; notifications go to the
outbox. A retried batch therefore changes nothing.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

from domain.steps import Notice, RecordBatch, Step
from store import facts


class MalformedStep(ValueError):
    """A step whose facts lack what its kind needs: retrying cannot fix it."""


def step_key(project_id: str, seq: int) -> str:
    return f"{project_id}:{seq}"


async def insert_event(conn: asyncpg.Connection, project_id: str, at: datetime, step: Step) -> bool:
    """Append the step to the audit trail. False if it was recorded before (a retry)."""
    actor = step.actor
    row = await conn.fetchrow(
        """INSERT INTO events (step_key, project_id, seq, kind, at, actor_id, actor_name, actor_role, comment, data)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (step_key) DO NOTHING RETURNING step_key""",
        step_key(project_id, step.seq), project_id, step.seq, step.kind, at,
        actor.user_id if actor else None, actor.name if actor else None, actor.role.value if actor else None,
        step.comment, step.data,
    )  # fmt: skip
    return row is not None


APPLY_VIEW = """
WITH merged AS (SELECT id, view || $2::jsonb AS v FROM projects WHERE id = $1 AND view_version < $3 FOR UPDATE)
UPDATE projects p SET
    view = m.v, view_version = $3, seq = greatest(p.seq, $5), updated_at = $4,
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
    return await conn.fetchval(APPLY_VIEW, batch.project_id, batch.view, batch.version, batch.at, seq) is not None


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
    seen = []
    for step in steps:
        if step.kind == "intake":
            await facts.ensure_project(conn, pid, batch.at, step)
        if not await insert_event(conn, pid, batch.at, step):
            seen.append(step_key(pid, step.seq))
            continue
        try:
            await facts.apply(conn, pid, batch.at, step)
        except (KeyError, TypeError, ValueError) as err:
            raise MalformedStep(f"step {step_key(pid, step.seq)} ({step.kind}) lacks {err}") from err
    if batch.view or steps:
        await apply_view(conn, batch)
    await enqueue(conn, pid, batch.notices)
    return seen
