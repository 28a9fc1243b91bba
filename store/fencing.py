"""Which batch wins: the record follows the workflow task that *completed* (issue 13, one truth).

A `record` local activity writes inside its workflow task. When that task never completes (it
timed out, the worker lost it, an operator reset the workflow), its writes are in PostgreSQL
but not in Temporal's history, and the task that replaces it may decide differently: other
updates, in another order, under the same step keys. Each batch therefore carries its run id
and the history length at which its workflow task began (`RecordBatch.run_id`, `.task`):

- a batch newer than what is recorded is written as usual;
- a retry of a batch already written by the same task changes nothing;
- a batch of a dead task (a later task of its run, or a newer run, wrote since) is refused:
  `StaleBatch`, retried until its task is gone;
- otherwise what was recorded from the task's starting point on came from a task that never
  completed: those steps are marked superseded (kept in `events`, out of every figure), the
  facts they wrote are rebuilt from the steps that remain, and the batch is written.

Every divergence is logged and kept in `record_divergences` (counted in /metrics).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any, Literal

import asyncpg
import structlog

from domain.models import Actor, Role
from domain.steps import RecordBatch, Step
from store import facts

log = structlog.get_logger(__name__)

Verdict = Literal["new", "retry", "diverged", "stale"]


class StaleBatch(RuntimeError):
    """A batch of a workflow task that a later task (or run) has replaced: never written."""


@dataclass(frozen=True)
class LastRecorded:
    """What PostgreSQL holds of the last batch recorded for a workflow: its run, the workflow
    task that wrote it, the view's version, and the runs a reset retired."""

    run_id: str | None
    task: int
    version: int
    retired_runs: list[str]

    @classmethod
    def of(cls, row: asyncpg.Record) -> LastRecorded:
        """From a read model's row (run_id, task, view_version, retired_runs)."""
        return cls(row["run_id"], row["task"], row["view_version"], list(row["retired_runs"]))


async def lock_project(conn: asyncpg.Connection, pid: str) -> LastRecorded | None:
    """The project's fence, locked for this transaction (batches of one project queue here)."""
    row = await conn.fetchrow(
        "SELECT run_id, task, view_version, retired_runs FROM projects WHERE id = $1 FOR UPDATE", pid)
    if row is None:
        return None
    return LastRecorded.of(row)


async def steps_after(conn: asyncpg.Connection, pid: str, seq: int) -> dict[int, str]:
    """The project's live steps after `seq`, each as its canonical content."""
    rows = await conn.fetch("SELECT seq, kind, comment, data FROM events WHERE project_id = $1 AND seq > $2 "
                            "AND superseded_at IS NULL AND kind <> ALL($3::text[])",
                            pid, seq, list(OPERATOR_KINDS))  # fmt: skip
    return {r["seq"]: content(r["kind"], r["comment"], r["data"]) for r in rows}


def content(kind: str, comment: str, data: Any) -> str:
    if isinstance(data, str):
        data = json.loads(data)
    return json.dumps([kind, comment, data], sort_keys=True, default=str)


@dataclass(frozen=True)
class Fence:
    """What a batch says of itself: its run, its workflow task, its version, its first step."""

    run_id: str
    task: int
    version: int
    base_seq: int


def decide(fence: Fence, rec: LastRecorded, stored: dict[int, str], mine: dict[int, str]) -> Verdict:
    """Which batch wins (module docstring): `stored` are the live steps after the batch's
    `base_seq`, `mine` the batch's own, each as its canonical content."""
    if fence.run_id in rec.retired_runs or (rec.run_id == fence.run_id and fence.task < rec.task):
        return "stale"
    if not stored and fence.version > rec.version:
        return "new"
    same_task = rec.run_id == fence.run_id and rec.task == fence.task and fence.version <= rec.version
    if same_task and all(stored.get(seq) == c for seq, c in mine.items()):
        return "retry"
    if mine and stored == mine and rec.run_id == fence.run_id and fence.version <= rec.version:
        return "retry"  # another attempt that decided exactly the same (a worker died after writing)
    return "diverged"


def step_contents(steps: list[Step]) -> dict[int, str]:
    return {s.seq: content(s.kind, s.comment, s.model_dump(mode="json").get("data", {})) for s in steps}


async def verdict(conn: asyncpg.Connection, batch: RecordBatch, rec: LastRecorded | None) -> tuple[Verdict, bool]:
    """How to write a project's batch given what the project has recorded, and whether the
    verdict is presumed: "new" as long as no live step follows the batch's starting point.
    The batch's write checks that itself, in the same statement, under the same lock (one
    round trip fewer; store/records.py WRITE), and what it finds there goes to `decide_on`.
    Only a batch that cannot be "new" reads the steps first."""
    if rec is None or not batch.run_id:
        return "new", False  # the first batch; unfenced writers (tools, tests) keep insert-once semantics
    mine = step_contents(batch.steps)
    presumed = decide(fence_of(batch), rec, {}, mine)  # "stale" whatever follows; "new" unless something does
    if presumed in ("new", "stale"):
        return presumed, presumed == "new"
    return decide(fence_of(batch), rec, await steps_after(conn, batch.project_id, batch.base_seq), mine), False


def decide_on(batch: RecordBatch, rec: LastRecorded, stored: dict[int, str]) -> Verdict:
    """The verdict on a batch presumed "new" after all, given the live `stored` steps that follow its start."""
    return decide(fence_of(batch), rec, stored, step_contents(batch.steps))


def fence_of(batch: RecordBatch) -> Fence:
    return Fence(batch.run_id, batch.task, batch.version, batch.base_seq)


OPERATOR_KINDS = ("reset", "terminated", "reconciled", "customer_data_disposed")

# Facts rebuilt from the steps that remain: rows keyed by a project's step keys, and rows
# keyed by the project. Complaints' and revisits' own rows are keyed by theirs and stay.
STEP_KEYED = ("approvals", "weekly_reports", "result_submissions", "ratings", "warnings", "risk_events",
              "project_costs")
PROJECT_KEYED = ("milestones", "rectification_tasks", "risks")


async def supersede(conn: asyncpg.Connection, batch: RecordBatch, rec: LastRecorded, *, reason: str) -> int:
    """Mark every live step after the batch's starting point superseded, drop the notices not
    yet sent for them (and correct those already sent), rebuild the project's facts from the
    steps that remain. Returns how many steps were superseded."""
    pid, base = batch.project_id, batch.base_seq
    prefix = pid + ":"
    for table in STEP_KEYED:
        await conn.execute(f"DELETE FROM {table} WHERE project_id = $1 AND starts_with(step_key, $2)", pid, prefix)
    for table in PROJECT_KEYED:
        await conn.execute(f"DELETE FROM {table} WHERE project_id = $1", pid)
    tag = f"~{uuid.uuid4().hex[:12]}"  # attempts of one workflow task can share run, task and version
    gone = await conn.fetch(
        """UPDATE events SET superseded_at = now(), superseded_by = $3, step_key = step_key || $4
           WHERE project_id = $1 AND seq > $2 AND superseded_at IS NULL AND kind <> ALL($5::text[])
           RETURNING seq, kind, run_id, task""",
        pid, base, batch.run_id, tag, list(OPERATOR_KINDS),
    )  # fmt: skip
    await retract_notices(conn, prefix, base)
    await conn.execute("UPDATE projects SET plan = NULL, cancel_reason = NULL, view_version = $2 - 1, seq = $3, "
                       "run_id = $4, task = $5 WHERE id = $1",
                       pid, batch.version, base, batch.run_id, batch.task)  # fmt: skip
    await rebuild_facts(conn, pid)
    detail = {"from_seq": base + 1, "steps": [f"{r['seq']}:{r['kind']}" for r in gone], "version": batch.version,
              "recorded_run": rec.run_id, "recorded_task": rec.task, "task": batch.task}  # fmt: skip
    await note(conn, pid, reason, batch.run_id, detail)
    log.warning("steps of a workflow task that never completed were superseded", project_id=pid, reason=reason,
                **detail)  # fmt: skip
    return len(gone)


# The notices of superseded steps (their ids start with the subject's prefix, e.g. `<project>:`,
# `process:<id>:`): one nobody received is dropped; one already delivered told someone of what
# did not happen, so each addressee gets a correction (catalogue key `withdrawn`) once; one
# half delivered stops where it is and is corrected too.
DROP_UNSENT = """
DELETE FROM outbox o WHERE starts_with(o.id, $1) AND o.seq > $2 AND o.sent_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.outbox_id = o.id)
"""
WITHDRAW = """
INSERT INTO outbox (id, project_id, seq, kind, key, params, to_role, to_user_id, department, path)
SELECT o.id || ':withdrawn', o.project_id, $2, 'withdrawn', 'withdrawn',
       jsonb_build_object('told', o.key), o.to_role, o.to_user_id, o.department, o.path
FROM outbox o
WHERE starts_with(o.id, $1) AND o.seq > $2 AND o.kind <> 'withdrawn'
  AND (o.sent_at IS NOT NULL OR EXISTS (SELECT 1 FROM deliveries d WHERE d.outbox_id = o.id))
ON CONFLICT (id) DO NOTHING
"""
STOP = """
WITH stopped AS (
    UPDATE outbox SET failed_at = now(), last_error = 'withdrawn: its step was superseded'
    WHERE starts_with(id, $1) AND seq > $2 AND sent_at IS NULL AND failed_at IS NULL AND kind <> 'withdrawn'
    RETURNING id)
UPDATE notification_deliveries SET state = 'given_up', last_error = 'withdrawn: its step was superseded',
                                   updated_at = now()
WHERE outbox_id IN (SELECT id FROM stopped) AND state = 'pending'
"""


async def retract_notices(conn: asyncpg.Connection, prefix: str, base: int) -> None:
    """The notices of the steps after `base` of the subject whose notice ids start with `prefix`."""
    for statement in (DROP_UNSENT, WITHDRAW, STOP):
        await conn.execute(statement, prefix, base)


async def rebuild_facts(conn: asyncpg.Connection, pid: str) -> None:
    """Write every live step's facts again, in order (the fact tables were emptied first)."""
    rows = await conn.fetch(
        """SELECT seq, kind, at, actor_id, actor_name, actor_role, comment, data FROM events
           WHERE project_id = $1 AND superseded_at IS NULL AND kind <> ALL($2::text[]) ORDER BY seq""",
        pid, list(OPERATOR_KINDS),
    )  # fmt: skip
    for row in rows:
        await facts.apply(conn, pid, row["at"], step_from_row(row))


def step_from_row(row: asyncpg.Record) -> Step:
    """A step from a row of `events`, `complaint_events` or `revisit_events` (Step.from_row)."""
    actor = None
    if row["actor_id"] and row["actor_role"]:
        actor = Actor(user_id=row["actor_id"], name=row["actor_name"], role=Role(row["actor_role"]))
    return Step.from_row(row["seq"], row["kind"], actor, row["comment"], row["data"])


async def note(conn: asyncpg.Connection, pid: str, kind: str, run_id: str | None, detail: dict[str, Any]) -> None:
    await conn.execute("INSERT INTO record_divergences (project_id, kind, run_id, detail) VALUES ($1, $2, $3, $4)",
                       pid, kind, run_id, detail)  # fmt: skip


async def operator_step(conn: asyncpg.Connection, pid: str, kind: str, run_id: str, comment: str,
                        data: dict[str, Any]) -> None:  # fmt: skip
    """A step Temporal took outside the workflow's code (a reset, a termination), recorded once
    per run after the last step the project kept."""
    await conn.execute(
        """INSERT INTO events (step_key, project_id, seq, kind, at, actor_role, comment, data, run_id)
           SELECT $1 || ':' || $2 || ':' || $3, $1, p.seq, $2, now(), 'operations', $4, $5, $3
           FROM projects p WHERE p.id = $1 ON CONFLICT (step_key) DO NOTHING""",
        pid, kind, run_id, comment[:1000], data,
    )  # fmt: skip
