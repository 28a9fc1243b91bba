"""What `record_complaint` and `record_revisit` write: one batch of steps in one transaction,
like a project's (store/records.py).

Each step lands in `complaint_events` / `revisit_events` under its step key
(`complaint:<id>:<seq>`, `revisit:<project_id>:<seq>`: no project id contains a colon, so
the keys never meet a project's in the shared `ratings` and `warnings` tables); the first
time only, its facts land in their tables; the read model takes the batch's changed fields
unless a newer batch got there first; notifications go to the outbox. A retried batch
changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from domain.service_models import ServiceBatch
from domain.steps import Step
from store import service_fencing
from store.records import MalformedStep, enqueue

Writer = Callable[[asyncpg.Connection, ServiceBatch, str, Step], Awaitable[None]]


async def _event(conn: asyncpg.Connection, table: str, owner: str, key: str, owner_id: str, at: datetime,
                 step: Step) -> bool:  # fmt: skip
    actor = step.actor
    row = await conn.fetchrow(
        f"""INSERT INTO {table} (step_key, {owner}, seq, kind, at, actor_id, actor_name, actor_role, comment, data)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (step_key) DO NOTHING RETURNING step_key""",
        key, owner_id, step.seq, step.kind, at, actor.user_id if actor else None, actor.name if actor else None,
        actor.role.value if actor else None, step.comment, step.data,
    )  # fmt: skip
    return row is not None


# --------------------------------------------------------------------------- facts


async def _rated(conn: asyncpg.Connection, batch: ServiceBatch, key: str, step: Step) -> None:
    d = step.data
    await conn.execute(
        """INSERT INTO ratings (step_key, project_id, agent_id, department, rating, at, source)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (step_key) DO NOTHING""",
        key, d.get("project_id"), d.get("agent_id"), d.get("department"), int(d["rating"]), batch.at, d["source"],
    )  # fmt: skip


async def _satisfaction_warning(conn: asyncpg.Connection, batch: ServiceBatch, key: str, step: Step) -> None:
    d = step.data
    await conn.execute(
        """INSERT INTO warnings (step_key, project_id, kind, reasons, at, agent_id, department, source)
           VALUES ($1, $2, 'raised', $3, $4, $5, $6, $7) ON CONFLICT (step_key) DO NOTHING""",
        key, d.get("project_id"), list(d["reasons"]), batch.at, d.get("agent_id"), d.get("department"), d["source"],
    )  # fmt: skip


async def _suggestions(conn: asyncpg.Connection, source: str, source_id: str, key: str, at: datetime,
                       texts: list[str], owner: dict[str, Any]) -> None:  # fmt: skip
    await conn.executemany(
        """INSERT INTO suggestions (id, source, source_id, project_id, department, agent_id, text, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING""",
        [(f"{key}:{i}", source, source_id, owner.get("project_id"), owner.get("department"), owner.get("agent_id"),
          text, at) for i, text in enumerate(texts, start=1)],
    )  # fmt: skip


async def _filed(conn: asyncpg.Connection, batch: ServiceBatch, key: str, step: Step) -> None:
    """The API writes the complaint row first; one started some other way (an operator's
    `temporal workflow start`) gets a minimal one, so its steps can be recorded."""
    filer = step.actor
    await conn.execute(
        """INSERT INTO complaints (id, workflow_id, project_id, channel, content, filed_by_id, filed_by_role, status,
               filed_at)
           VALUES ($1, 'complaint-' || $1, $2, $3, '', $4, $5, 'open', $6) ON CONFLICT (id) DO NOTHING""",
        batch.subject_id, batch.project_id, step.data["channel"], filer.user_id if filer else "",
        filer.role.value if filer else "", batch.at,
    )  # fmt: skip


async def _replied(conn: asyncpg.Connection, batch: ServiceBatch, key: str, step: Step) -> None:
    if step.data.get("answer"):
        await conn.execute("UPDATE complaints SET unresolved_reason = $2 WHERE id = $1", batch.subject_id,
                           step.data.get("unresolved_reason"))  # fmt: skip


async def _confirmed(conn: asyncpg.Connection, batch: ServiceBatch, key: str, step: Step) -> None:
    row = await conn.fetchrow("SELECT project_id, department, agent_id FROM complaints WHERE id = $1",
                              batch.subject_id)  # fmt: skip
    await _suggestions(conn, "complaint", batch.subject_id, key, batch.at, list(step.data.get("suggestions", [])),
                       dict(row) if row else {})  # fmt: skip


async def _revisit_scheduled(conn: asyncpg.Connection, batch: ServiceBatch, key: str, step: Step) -> None:
    pid, d = batch.subject_id, step.data
    await conn.execute(
        """INSERT INTO revisits (id, project_id, department, agent_id, assignee_user_id, status, opens_at, completed_at)
           SELECT 'revisit-' || p.id, p.id, p.department, $2, $2, 'scheduled', $3, $4 FROM projects p WHERE p.id = $1
           ON CONFLICT (project_id) DO NOTHING""",
        pid, d["agent_id"], datetime.fromisoformat(d["opens_at"]), datetime.fromisoformat(d["completed_at"]),
    )  # fmt: skip


async def _revisit_done(conn: asyncpg.Connection, batch: ServiceBatch, key: str, step: Step) -> None:
    pid, actor = batch.subject_id, step.actor
    row = await conn.fetchrow(
        "UPDATE revisits SET comments = $2, done_by_id = $3 WHERE project_id = $1 RETURNING id, department, agent_id",
        pid, step.comment, actor.user_id if actor else None,
    )  # fmt: skip
    owner = {"project_id": pid, **({"department": row["department"], "agent_id": row["agent_id"]} if row else {})}
    await _suggestions(conn, "revisit", row["id"] if row else f"revisit-{pid}", key, batch.at,
                       list(step.data.get("suggestions", [])), owner)  # fmt: skip


async def _warning_analysed(conn: asyncpg.Connection, batch: ServiceBatch, key: str, step: Step) -> None:
    """A satisfaction warning after completion analysed by the dept head (issue 14)."""
    row = await conn.fetchrow("SELECT department, agent_id FROM revisits WHERE project_id = $1", batch.subject_id)
    await conn.execute(
        """INSERT INTO warnings (step_key, project_id, kind, cause, analysis, at, agent_id, department, source)
           VALUES ($1, $2, 'analysed', $3, $4, $5, $6, $7, 'revisit') ON CONFLICT (step_key) DO NOTHING""",
        key, batch.subject_id, step.data.get("cause"), step.comment or None, batch.at,
        row["agent_id"] if row else None, row["department"] if row else None,
    )  # fmt: skip


async def _measure_created(conn: asyncpg.Connection, batch: ServiceBatch, key: str, step: Step) -> None:
    """A measure of that analysis: a rectification task of the project, in its owner's inbox."""
    d = step.data
    await conn.execute(
        """INSERT INTO rectification_tasks (id, project_id, source, description, owner_user_id, owner_name, owner_role,
               department, created_at, due_at, status, round, summary)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', 1, left($4, 80)) ON CONFLICT (id) DO NOTHING""",
        d["task_id"], batch.subject_id, d["source"], step.comment, d["owner_id"], d.get("owner") or "",
        d["owner_role"], d["department"], batch.at, datetime.fromisoformat(d["due_at"]),
    )  # fmt: skip


async def _measure_completed(conn: asyncpg.Connection, batch: ServiceBatch, key: str, step: Step) -> None:
    await conn.execute("UPDATE rectification_tasks SET status = 'done', resolution = $3, completed_at = $4 "
                       "WHERE id = $1 AND project_id = $2", step.data["task_id"], batch.subject_id, step.comment,
                       batch.at)  # fmt: skip


COMPLAINT_WRITERS: dict[str, Writer] = {
    "replied": _replied,
    "confirmed": _confirmed,
    "rated": _rated,
    "satisfaction_warning": _satisfaction_warning,
}
REVISIT_WRITERS: dict[str, Writer] = {
    "revisit_done": _revisit_done,
    "warning_analysed": _warning_analysed,
    "task_created": _measure_created,
    "task_completed": _measure_completed,
    "rated": _rated,
    "satisfaction_warning": _satisfaction_warning,
}


# --------------------------------------------------------------------------- read models

APPLY_COMPLAINT_VIEW = """
WITH merged AS (SELECT id, view || $2::jsonb AS v FROM complaints WHERE id = $1 AND view_version < $3 FOR UPDATE)
UPDATE complaints c SET
    view = m.v, view_version = $3, seq = greatest(c.seq, $4),
    status = coalesce(m.v->>'status', c.status),
    round = coalesce((m.v->>'round')::int, c.round),
    assignee_role = coalesce(m.v->>'assignee_role', c.assignee_role),
    first_reply_due_at = (m.v->>'first_reply_due_at')::timestamptz,
    first_replied_at = (m.v->>'first_replied_at')::timestamptz,
    resolution_due_at = (m.v->>'resolution_due_at')::timestamptz,
    confirmation_due_at = (m.v->>'confirmation_due_at')::timestamptz,
    due_at = (m.v->>'due_at')::timestamptz,
    answered_at = (m.v->>'answered_at')::timestamptz,
    resolved = (m.v->>'resolved')::boolean,
    satisfied = (m.v->>'satisfied')::boolean,
    rating = (m.v->>'rating')::int,
    closed_at = (m.v->>'closed_at')::timestamptz,
    overdue = coalesce((m.v->>'overdue')::boolean, false)
FROM merged m WHERE c.id = m.id
"""

APPLY_REVISIT_VIEW = """
WITH merged AS (SELECT id, view || $2::jsonb AS v FROM revisits WHERE project_id = $1 AND view_version < $3
                FOR UPDATE)
UPDATE revisits r SET
    view = m.v, view_version = $3, seq = greatest(r.seq, $4),
    status = coalesce(m.v->>'status', r.status),
    opens_at = coalesce((m.v->>'opens_at')::timestamptz, r.opens_at),
    due_at = (m.v->>'due_at')::timestamptz,
    assignee_role = coalesce(m.v->>'assignee_role', r.assignee_role),
    assignee_user_id = CASE WHEN m.v ? 'assignee_user_id' THEN m.v->>'assignee_user_id' ELSE r.assignee_user_id END,
    escalations = coalesce((m.v->>'escalations')::int, 0),
    overdue = coalesce((m.v->>'overdue')::boolean, false),
    rating = (m.v->>'rating')::int,
    done_at = (m.v->>'done_at')::timestamptz
FROM merged m WHERE r.id = m.id
"""


@dataclass(frozen=True)
class Records:
    """Where one kind of subject's batches go."""

    prefix: str  # of step keys and notice ids: `complaint`, `revisit`
    table: str
    owner: str  # the events table's column naming the subject
    first: Writer  # writes the row the events refer to, before the first event
    writers: dict[str, Writer]
    view_sql: str
    path: str  # the workspace page, `{id}` the subject's id


async def _write(conn: asyncpg.Connection, batch: ServiceBatch, kind: Records) -> list[str]:
    seen, scope = [], f"{kind.prefix}:{batch.subject_id}"
    if not await service_fencing.fenced(conn, batch, kind):
        return [f"{scope}:{s.seq}" for s in batch.steps]
    for step in sorted(batch.steps, key=lambda s: s.seq):
        step_key = f"{scope}:{step.seq}"
        try:
            if step.seq == 1:
                await kind.first(conn, batch, step_key, step)
            if not await _event(conn, kind.table, kind.owner, step_key, batch.subject_id, batch.at, step):
                seen.append(step_key)
                continue
            if (write := kind.writers.get(step.kind)) is not None:
                await write(conn, batch, step_key, step)
        except (KeyError, TypeError, ValueError) as err:
            raise MalformedStep(f"step {step_key} ({step.kind}) lacks {err}") from err
    if batch.view or batch.steps:
        seq = max((s.seq for s in batch.steps), default=0)
        await conn.execute(kind.view_sql, batch.subject_id, batch.view, batch.version, seq)
    await enqueue(conn, batch.project_id, batch.notices, scope=scope, path=kind.path.format(id=batch.subject_id))
    return seen


COMPLAINTS = Records("complaint", "complaint_events", "complaint_id", _filed, COMPLAINT_WRITERS,
                     APPLY_COMPLAINT_VIEW, "/complaints/{id}")  # fmt: skip
REVISITS = Records("revisit", "revisit_events", "project_id", _revisit_scheduled, REVISIT_WRITERS,
                   APPLY_REVISIT_VIEW, "/projects/{id}/revisit")  # fmt: skip


async def write_complaint_batch(conn: asyncpg.Connection, batch: ServiceBatch) -> list[str]:
    """Record one batch of one complaint inside a transaction; returns the step keys recorded before."""
    return await _write(conn, batch, COMPLAINTS)


async def write_revisit_batch(conn: asyncpg.Connection, batch: ServiceBatch) -> list[str]:
    """Record one batch of one revisit inside a transaction; returns the step keys recorded before."""
    return await _write(conn, batch, REVISITS)
