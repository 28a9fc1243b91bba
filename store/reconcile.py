"""Bringing the read model back to what Temporal holds (issue 13): after an operator's reset,
terminate or cancel, and for `jindu reconcile`. Temporal is the truth; these write what it
says, recording why (jindu/reconcile.py asks Temporal)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from domain.models import TERMINAL_STAGES
from domain.steps import RecordBatch
from store import fencing
from store.records import apply_view, retire_run

ENDED = tuple(s.value for s in TERMINAL_STAGES)


@dataclass(frozen=True)
class ReadModel:
    id: str
    run_id: str | None
    stage: str
    seq: int
    version: int
    pending_kind: str | None
    pending_user_id: str | None
    pending_due_at: datetime | None


READ = """SELECT id, run_id, stage, seq, view_version, pending_kind, pending_user_id, pending_due_at FROM projects"""


def _model(row: asyncpg.Record) -> ReadModel:
    return ReadModel(row["id"], row["run_id"], row["stage"], row["seq"], row["view_version"], row["pending_kind"],
                     row["pending_user_id"], row["pending_due_at"])  # fmt: skip


async def read_models(db: asyncpg.Pool | asyncpg.Connection, ids: list[str]) -> dict[str, ReadModel]:
    return {r["id"]: _model(r) for r in await db.fetch(READ + " WHERE id = ANY($1::text[])", ids)}


async def open_projects(db: asyncpg.Pool, *, after: str, limit: int) -> list[ReadModel]:
    """Projects the read model says are not ended, a page at a time (keyset on id)."""
    rows = await db.fetch(READ + " WHERE stage <> ALL($1::text[]) AND id > $2 ORDER BY id LIMIT $3",
                          list(ENDED), after, limit)  # fmt: skip
    return [_model(r) for r in rows]


def differs(rec: ReadModel, view: dict[str, Any], seq: int) -> list[str]:
    """What the read model says differently from the workflow's state (its `read_view`)."""
    pending = view.get("pending") or {}
    found = []
    if rec.stage != view.get("stage"):
        found.append(f"stage {rec.stage} ≠ {view.get('stage')}")
    if rec.seq != seq:
        found.append(f"seq {rec.seq} ≠ {seq}")
    if rec.pending_kind != pending.get("kind") or rec.pending_user_id != pending.get("user_id"):
        theirs = f"{pending.get('kind')}/{pending.get('user_id')}"
        found.append(f"pending {rec.pending_kind}/{rec.pending_user_id} ≠ {theirs}")
    return found


async def resync(pool: asyncpg.Pool, pid: str, *, run_id: str, view: dict[str, Any], seq: int, batches: int,
                 reset_from: str | None, why: str) -> bool:  # fmt: skip
    """Write the workflow's state over the read model: steps after its last one are superseded,
    facts rebuilt, the whole view written; a reset (`reset_from` the run it replaced) is
    recorded as a step. False when the run itself has recorded further meanwhile."""
    batch = RecordBatch(project_id=pid, version=batches, at=datetime.now().astimezone(), view=view,
                        run_id=run_id, base_seq=seq)  # fmt: skip
    async with pool.acquire() as conn, conn.transaction():
        rec = await fencing.lock_project(conn, pid)
        if rec is None:
            return False
        if rec.run_id == run_id and rec.version > batches and not reset_from:
            return False  # the workflow recorded a newer batch since it answered the query
        await fencing.supersede(conn, batch, rec, reason="reset" if reset_from else "reconciled")
        await apply_view(conn, batch)  # supersede left the view one version back
        if reset_from:
            await retire_run(conn, pid, reset_from)
            await fencing.operator_step(conn, pid, "reset", run_id, why, {"from_run": reset_from, "kept_to_seq": seq})
        else:
            await fencing.operator_step(conn, pid, "reconciled", f"{run_id}:{batches}", why, {"run_id": run_id})
    return True


async def mark_ended(pool: asyncpg.Pool, pid: str, *, run_id: str, status: str, reason: str) -> bool:
    """A workflow terminated, cancelled, failed or timed out in Temporal: the project ends
    (`terminated`), leaves every inbox and list of open work, and the end is recorded with its
    reason. False when it was recorded before."""
    async with pool.acquire() as conn, conn.transaction():
        ended = await conn.fetchval(
            """UPDATE projects SET stage = 'terminated', ended_reason = $2, pending_kind = NULL, pending_gate = NULL,
                   pending_role = NULL, pending_user_id = NULL, pending_due_at = NULL, overdue = false, warning = false,
                   updated_at = now(),
                   view = view || jsonb_build_object('stage', 'terminated', 'pending', null, 'overdue', false)
                                || jsonb_build_object('warning', coalesce(view->'warning', '{}'::jsonb)
                                                      || '{"active": false, "analysis_due_at": null}'::jsonb)
               WHERE id = $1 AND stage <> ALL($3::text[]) RETURNING id""",
            pid, reason[:1000], list(ENDED),
        )  # fmt: skip
        if ended is None:
            return False
        await conn.execute("UPDATE rectification_tasks SET status = 'cancelled' WHERE project_id = $1 "
                           "AND status = 'open'", pid)  # fmt: skip
        await conn.execute("UPDATE risks SET status = 'closed', closed_at = now() WHERE project_id = $1 "
                           "AND status = 'open'", pid)  # fmt: skip
        await fencing.operator_step(conn, pid, "terminated", run_id, reason, {"status": status})
        await fencing.note(conn, pid, "terminated", run_id, {"status": status, "reason": reason[:200]})
    return True


async def divergences(db: asyncpg.Pool | asyncpg.Connection) -> dict[str, int]:
    """How often the record differed from Temporal, by kind (record_divergences), for /metrics."""
    rows = await db.fetch("SELECT kind, count(*) AS n FROM record_divergences GROUP BY kind")
    return {r["kind"]: r["n"] for r in rows}


# --------------------------------------------------------------------------- unanswered intakes

# An intake claims the project's row before it starts the workflow (jindu/services/intake.py);
# a 2xx is given only once the workflow has recorded the intake. A claim still at `intake`
# after this long, with no workflow in Temporal, was never acknowledged: it is released.
CLAIM_GRACE_MINUTES = 10
UNANSWERED = f"stage = 'intake' AND seq = 0 AND created_at < now() - interval '{CLAIM_GRACE_MINUTES} minutes'"


async def stale_claims(db: asyncpg.Pool | asyncpg.Connection, *, limit: int = 500) -> list[str]:
    rows = await db.fetch(f"SELECT id FROM projects WHERE {UNANSWERED} ORDER BY id LIMIT $1", limit)
    return [r["id"] for r in rows]


async def release_claim(pool: asyncpg.Pool, project_id: str) -> bool:
    """Remove an unacknowledged intake claim (the caller checked Temporal has no workflow for
    it): its project row, customer row and master link, in one transaction."""
    async with pool.acquire() as conn, conn.transaction():
        claimed = await conn.fetchval(f"SELECT 1 FROM projects WHERE id = $1 AND {UNANSWERED} FOR UPDATE", project_id)
        if not claimed:
            return False
        await conn.execute("DELETE FROM customer_projects WHERE project_id = $1", project_id)
        await conn.execute("DELETE FROM customers WHERE project_id = $1", project_id)
        await conn.execute("DELETE FROM projects WHERE id = $1", project_id)
    return True
