"""What the `record` activity writes: a batch of steps in one transaction.

Each step lands in the event log under its step key (`<project_id>:<seq>`) and its facts in
their tables (store/facts.py); the read model takes the batch's view; notifications go to the
outbox. Which batch wins when a workflow task never completed is store/fencing.py's: a retried
batch changes nothing, a dead task's batch is refused, and steps a completed task replaced
are marked superseded, never silently kept.
"""

from __future__ import annotations

import asyncpg
import structlog

from domain.steps import Notice, RecordBatch, Step
from store import facts, fencing
from store.db import dump_json

log = structlog.get_logger(__name__)


class MalformedStep(ValueError):
    """A step whose facts lack what its kind needs: retrying cannot fix it."""


def step_key(project_id: str, seq: int) -> str:
    return f"{project_id}:{seq}"


# The read model's columns from the merged view (`m.v`): $3 version, $4 at, $5 the batch's
# last step, $6 run id, $7 workflow task.
VIEW_SET = """
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
"""

APPLY_VIEW = f"""
WITH merged AS (SELECT id, view || $2::jsonb AS v FROM projects WHERE id = $1 AND view_version < $3 FOR UPDATE)
UPDATE projects p SET {VIEW_SET}
FROM merged m WHERE p.id = m.id
RETURNING p.id
"""

# A batch's steps, read model and notices in one statement (data-modifying CTEs: one round
# trip, not one per step, one for the view and one for the notices), written in the order
# the batch lists them. Parameters $1-$7 as APPLY_VIEW's; $8 the guard: when true, nothing
# is written if a live step follows the batch's starting point $9 (fencing.verdict's
# presumption), and those steps come back instead; $11 whether the view is applied.
WRITE = f"""
WITH stored AS (
    SELECT seq, kind, comment, data FROM events
    WHERE $8 AND project_id = $1 AND seq > $9 AND superseded_at IS NULL AND kind <> ALL($10::text[])),
go AS (SELECT NOT EXISTS (SELECT 1 FROM stored) AS ok),
added AS (
    INSERT INTO events (step_key, project_id, seq, kind, at, actor_id, actor_name, actor_role, comment, data,
        run_id, task)
    SELECT s.key, $1, s.seq, s.kind, $4, s.actor_id, s.actor_name, s.actor_role, s.comment, s.data::jsonb, $6, $7
    FROM unnest($12::text[], $13::int[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[],
                $19::text[]) WITH ORDINALITY AS s(key, seq, kind, actor_id, actor_name, actor_role, comment, data, n)
    WHERE (SELECT ok FROM go) ORDER BY s.n
    ON CONFLICT (step_key) DO NOTHING RETURNING step_key),
merged AS (SELECT id, view || $2::jsonb AS v FROM projects
           WHERE id = $1 AND view_version < $3 AND $11 AND (SELECT ok FROM go) FOR UPDATE),
viewed AS (UPDATE projects p SET {VIEW_SET} FROM merged m WHERE p.id = m.id),
queued AS (
    INSERT INTO outbox (id, project_id, seq, kind, key, params, to_role, to_user_id, department)
    SELECT o.id, $1, o.seq, o.kind, o.key, o.params::jsonb, o.to_role, o.to_user_id, o.department
    FROM unnest($20::text[], $21::int[], $22::text[], $23::text[], $24::text[], $25::text[], $26::text[],
                $27::text[]) WITH ORDINALITY AS o(id, seq, kind, key, params, to_role, to_user_id, department, n)
    WHERE (SELECT ok FROM go) ORDER BY o.n
    ON CONFLICT (id) DO NOTHING)
SELECT (SELECT ok FROM go) AS ok, ARRAY(SELECT step_key FROM added) AS added,
       ARRAY(SELECT ROW(seq, kind, comment, data::text) FROM stored ORDER BY seq) AS stored
"""


async def write(conn: asyncpg.Connection, batch: RecordBatch, steps: list[Step], *,
                guard: bool) -> asyncpg.Record:  # fmt: skip
    """Run WRITE for the batch's `steps` (sorted by seq): `ok` (false only when guarded and a
    live step follows the batch's start, then nothing was written and they are `stored`),
    the step keys `added` (the others were recorded before)."""
    pid, actors = batch.project_id, [s.actor for s in steps]
    return await conn.fetchrow(
        WRITE, pid, batch.view, batch.version, batch.at, max((s.seq for s in steps), default=0),
        batch.run_id or None, batch.task, guard, batch.base_seq, list(fencing.OPERATOR_KINDS),
        bool(batch.view or steps),
        [step_key(pid, s.seq) for s in steps], [s.seq for s in steps], [s.kind for s in steps],
        [a.user_id if a else None for a in actors], [a.name if a else None for a in actors],
        [a.role.value if a else None for a in actors], [s.comment for s in steps],
        [dump_json(s.data) for s in steps],
        [n.notice_id(pid) for n in batch.notices], [n.seq for n in batch.notices], [n.kind for n in batch.notices],
        [n.key for n in batch.notices], [dump_json(n.params) for n in batch.notices],
        [n.to_role.value for n in batch.notices], [n.to_user_id for n in batch.notices],
        [n.department for n in batch.notices],
    )  # fmt: skip


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
    verdict, presumed = await fencing.verdict(conn, batch, rec)
    if (done := await _settle(conn, batch, rec, verdict)) is not None:
        return done
    if rec is None:  # no project row yet (not started through the API): the intake writes one
        for step in steps:
            if step.kind == "intake":
                await facts.ensure_project(conn, pid, batch.at, step)
    written = await write(conn, batch, steps, guard=presumed)
    if not written["ok"]:  # live steps follow the batch's start after all: the verdict is theirs
        assert rec is not None
        verdict = fencing.decide_on(batch, rec, {r[0]: fencing.content(r[1], r[2], r[3]) for r in written["stored"]})
        if (done := await _settle(conn, batch, rec, verdict)) is not None:
            return done
        written = await write(conn, batch, steps, guard=False)
    added, seen = set(written["added"]), []
    for step in steps:
        key = step_key(pid, step.seq)
        if key not in added:
            seen.append(key)
            await _differs(conn, pid, batch, step)
            continue
        added.discard(key)  # a second step of the batch under the same key was not written
        try:
            await facts.apply(conn, pid, batch.at, step)
        except (KeyError, TypeError, ValueError) as err:
            raise MalformedStep(f"step {key} ({step.kind}) lacks {err}") from err
    return seen


async def _settle(conn: asyncpg.Connection, batch: RecordBatch, rec: fencing.LastRecorded | None,
                  verdict: fencing.Verdict) -> list[str] | None:  # fmt: skip
    """Act on a verdict other than "new": a retry's step keys (nothing written), a stale batch
    refused, a diverged one's predecessors superseded (then it is written as new: None)."""
    pid = batch.project_id
    match verdict:
        case "retry":
            return [step_key(pid, s.seq) for s in sorted(batch.steps, key=lambda s: s.seq)]
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
    return None
