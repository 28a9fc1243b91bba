"""What `record_process` writes: one batch of a process's steps in one transaction, like a
complaint's (store/service_records.py).

Each step lands in `process_events` under its step key `process:<id>:<seq>`; the first time
only, its facts land in `process_node_runs` and `process_decisions` (the figures); the read
model takes the batch's view unless a newer batch got there first, and with it the open
slots in `process_inbox`; notifications go to the outbox, one per addressee. A retried batch
changes nothing. Batches are fenced by run id and workflow task like a project's
(store/fencing.py decides; a dead task's steps are superseded and the facts rebuilt).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import asyncpg

from domain.models import Actor, Role
from domain.process_models import ProcessBatch
from domain.steps import Notice, Step
from store import fencing
from store.records import MalformedStep


def step_key(pid: str, seq: int) -> str:
    return f"process:{pid}:{seq}"


async def _first(conn: asyncpg.Connection, batch: ProcessBatch, step: Step) -> None:
    """The API writes the process row first; one started some other way gets a minimal one."""
    a, d = step.actor, step.data
    await conn.execute(
        """INSERT INTO processes (id, workflow_id, template_key, template_version, template_name, applicant_id,
               applicant_name, applicant_role, department, form, started_at)
           VALUES ($1, 'process-' || $1, $2, $3, $2, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING""",
        batch.process_id, d["template"], int(d["version"]), a.user_id if a else "", a.name if a else None,
        a.role.value if a else "", a.department if a else None, d.get("form", {}), batch.at,
    )  # fmt: skip


async def _event(conn: asyncpg.Connection, batch: ProcessBatch, key: str, step: Step) -> bool:
    a = step.actor
    row = await conn.fetchrow(
        """INSERT INTO process_events (step_key, process_id, seq, kind, at, actor_id, actor_name, actor_role, comment,
               data)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (step_key) DO NOTHING RETURNING step_key""",
        key, batch.process_id, step.seq, step.kind, batch.at, a.user_id if a else None, a.name if a else None,
        a.role.value if a else None, step.comment, step.data,
    )  # fmt: skip
    return row is not None


# --------------------------------------------------------------------------- facts


async def apply_fact(conn: asyncpg.Connection, pid: str, at: datetime, key: str, step: Step) -> None:
    """The figures' rows a step makes (none for most kinds)."""
    d = step.data
    match step.kind:
        case "node_entered":
            await conn.execute(
                """INSERT INTO process_node_runs (step_key, process_id, template_key, node_id, entered_at, due_at)
                   SELECT $1, $2, p.template_key, $3, $4, $5::timestamptz FROM processes p WHERE p.id = $2
                   ON CONFLICT (step_key) DO NOTHING""",
                key, pid, d["node"], at, datetime.fromisoformat(d["due_at"]) if d.get("due_at") else None,
            )  # fmt: skip
        case "node_timed_out":
            await conn.execute("UPDATE process_node_runs SET timed_out = true "
                               "WHERE process_id = $1 AND left_at IS NULL", pid)  # fmt: skip
        case "node_passed" | "returned" | "process_ended":
            await conn.execute("UPDATE process_node_runs SET left_at = $2 WHERE process_id = $1 AND left_at IS NULL",
                               pid, at)  # fmt: skip
        case "node_decided" | "task_done":
            a = step.actor
            await conn.execute(
                """INSERT INTO process_decisions (step_key, process_id, template_key, node_id, by_id, by_name, decision,
                       at, waited_seconds)
                   SELECT $1, $2, p.template_key, $3, $4, $5, $6, $7,
                          (SELECT extract(epoch FROM $7 - max(r.entered_at)) FROM process_node_runs r
                           WHERE r.process_id = $2 AND r.node_id = $3)
                   FROM processes p WHERE p.id = $2 ON CONFLICT (step_key) DO NOTHING""",
                key, pid, d["node"], a.user_id if a else None, a.name if a else None,
                d.get("decision", "complete"), at,
            )  # fmt: skip


# --------------------------------------------------------------------------- read model

APPLY_VIEW = """
WITH merged AS (SELECT id, view || $2::jsonb AS v FROM processes WHERE id = $1 AND view_version < $3 FOR UPDATE)
UPDATE processes p SET
    view = m.v, view_version = $3, seq = greatest(p.seq, $4),
    status = coalesce(m.v->>'status', p.status),
    node_id = m.v->>'node_id',
    due_at = (m.v->>'due_at')::timestamptz,
    overdue = coalesce((m.v->>'overdue')::boolean, false),
    ended_at = (m.v->>'ended_at')::timestamptz
FROM merged m WHERE p.id = m.id
RETURNING p.id
"""


async def _inbox(conn: asyncpg.Connection, pid: str, view: dict[str, Any]) -> None:
    await conn.execute("DELETE FROM process_inbox WHERE process_id = $1", pid)
    await conn.executemany(
        """INSERT INTO process_inbox (process_id, slot_id, node_id, role, department, user_id, user_name, due_at,
               overdue) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::timestamptz, $9)""",
        [(pid, a["id"], view["node_id"], a["role"], a.get("department"), a.get("user_id"), a.get("user_name"),
          datetime.fromisoformat(view["due_at"]) if view.get("due_at") else None, bool(view.get("overdue")))
         for a in view.get("assignees", [])],
    )  # fmt: skip


async def enqueue(conn: asyncpg.Connection, pid: str, notices: list[Notice]) -> None:
    """One outbox row per addressee: several people of one role can be told at one step (会签)."""
    scope = f"process:{pid}"
    await conn.executemany(
        """INSERT INTO outbox (id, project_id, seq, kind, key, params, to_role, to_user_id, department, path)
           VALUES ($1, NULL, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING""",
        [(f"{n.notice_id(scope)}:{n.to_user_id or n.department or '-'}", n.seq, n.kind, n.key, n.params,
          n.to_role.value, n.to_user_id, n.department, f"/processes/{pid}") for n in notices],
    )  # fmt: skip


# --------------------------------------------------------------------------- the fence


async def _fenced(conn: asyncpg.Connection, batch: ProcessBatch) -> bool:
    """Apply the fence before a batch is written; False when it is a retry (nothing to write)."""
    pid = batch.process_id
    row = await conn.fetchrow("SELECT run_id, task, view_version, retired_runs FROM processes WHERE id = $1 FOR UPDATE",
                              pid)  # fmt: skip
    if row is not None and batch.run_id:
        rec = fencing.LastRecorded.of(row)
        rows = await conn.fetch("SELECT seq, kind, comment, data FROM process_events WHERE process_id = $1 "
                                "AND seq > $2 AND superseded_at IS NULL", pid, batch.base_seq)  # fmt: skip
        stored = {r["seq"]: fencing.content(r["kind"], r["comment"], r["data"]) for r in rows}
        fence = fencing.Fence(batch.run_id, batch.task, batch.version, batch.base_seq)
        match fencing.decide(fence, rec, stored, fencing.step_contents(batch.steps)):
            case "retry":
                return False
            case "stale":
                raise fencing.StaleBatch(f"batch {batch.version} of process {pid} comes from a replaced task")
            case "diverged":
                await _supersede(conn, batch)
    return True


async def _supersede(conn: asyncpg.Connection, batch: ProcessBatch) -> None:
    pid, prefix = batch.process_id, f"process:{batch.process_id}:"
    for table in ("process_node_runs", "process_decisions"):
        await conn.execute(f"DELETE FROM {table} WHERE process_id = $1", pid)
    gone = await conn.fetch(
        """UPDATE process_events SET superseded_at = now(), superseded_by = $3, step_key = step_key || $4
           WHERE process_id = $1 AND seq > $2 AND superseded_at IS NULL RETURNING seq, kind""",
        pid, batch.base_seq, batch.run_id, f"~{uuid.uuid4().hex[:12]}",
    )  # fmt: skip
    await fencing.retract_notices(conn, prefix, batch.base_seq)
    await conn.execute("UPDATE processes SET view_version = $2 - 1, seq = $3, run_id = $4, task = $5 WHERE id = $1",
                       pid, batch.version, batch.base_seq, batch.run_id, batch.task)  # fmt: skip
    rows = await conn.fetch("SELECT step_key, seq, kind, at, actor_id, actor_name, actor_role, comment, data "
                            "FROM process_events WHERE process_id = $1 AND superseded_at IS NULL ORDER BY seq", pid)
    for r in rows:
        actor = Actor(user_id=r["actor_id"], name=r["actor_name"], role=Role(r["actor_role"])) \
            if r["actor_id"] and r["actor_role"] else None  # fmt: skip
        data = json.loads(r["data"]) if isinstance(r["data"], str) else dict(r["data"])
        await apply_fact(conn, pid, r["at"], r["step_key"],
                         Step(seq=r["seq"], kind=r["kind"], actor=actor, comment=r["comment"], data=data))
    detail = {"subject": f"process:{pid}", "from_seq": batch.base_seq + 1,
              "steps": [f"{g['seq']}:{g['kind']}" for g in gone]}  # fmt: skip
    await fencing.note(conn, f"process:{pid}", "superseded", batch.run_id, detail)


async def write_batch(conn: asyncpg.Connection, batch: ProcessBatch) -> list[str]:
    """Record one batch of one process inside a transaction; returns the step keys recorded before."""
    pid, seen = batch.process_id, []
    if not await _fenced(conn, batch):
        return [step_key(pid, s.seq) for s in batch.steps]
    for step in sorted(batch.steps, key=lambda s: s.seq):
        key = step_key(pid, step.seq)
        try:
            if step.seq == 1:
                await _first(conn, batch, step)
            if not await _event(conn, batch, key, step):
                seen.append(key)
                continue
            await apply_fact(conn, pid, batch.at, key, step)
        except (KeyError, TypeError, ValueError) as err:
            raise MalformedStep(f"step {key} ({step.kind}) lacks {err}") from err
    if batch.run_id:  # the fence, once the row exists (the first batch makes it when the API did not)
        await conn.execute("UPDATE processes SET run_id = $2, task = $3 WHERE id = $1", pid, batch.run_id, batch.task)
    if batch.view or batch.steps:
        seq = max((s.seq for s in batch.steps), default=0)
        if await conn.fetchval(APPLY_VIEW, pid, batch.view, batch.version, seq) is not None:
            await _inbox(conn, pid, batch.view)
    await enqueue(conn, pid, batch.notices)
    return seen
