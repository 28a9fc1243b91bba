"""What the workflow's activities write and read: the project read model and its records.

Every function takes a connection (inside the caller's transaction) and runs plain SQL.
Rows written for a step carry its step key, so a retried step inserts nothing twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from domain.models import ProjectState, Role, StepRecord, workflow_id


class MalformedStep(ValueError):
    """A step whose data lacks what its kind needs: retrying cannot fix it."""


# --------------------------------------------------------------------------- read model

UPSERT_PROJECT = """
INSERT INTO projects (
    id, workflow_id, stage, department, business_type, channel, agent_id, agent_name,
    customer_user_id, risk_level, pending_kind, pending_gate, pending_role, pending_user_id,
    pending_due_at, overdue, warning, completion_rate, cycle_deviation_rate, satisfaction_score,
    created_at, updated_at, completed_at, seq, state)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
        $21, $22, $23, $24, $25)
ON CONFLICT (id) DO UPDATE SET
    stage = EXCLUDED.stage, department = EXCLUDED.department, business_type = EXCLUDED.business_type,
    channel = EXCLUDED.channel, agent_id = EXCLUDED.agent_id, agent_name = EXCLUDED.agent_name,
    customer_user_id = EXCLUDED.customer_user_id, risk_level = EXCLUDED.risk_level,
    pending_kind = EXCLUDED.pending_kind, pending_gate = EXCLUDED.pending_gate,
    pending_role = EXCLUDED.pending_role, pending_user_id = EXCLUDED.pending_user_id,
    pending_due_at = EXCLUDED.pending_due_at, overdue = EXCLUDED.overdue, warning = EXCLUDED.warning,
    completion_rate = EXCLUDED.completion_rate, cycle_deviation_rate = EXCLUDED.cycle_deviation_rate,
    satisfaction_score = EXCLUDED.satisfaction_score, created_at = EXCLUDED.created_at,
    updated_at = EXCLUDED.updated_at, completed_at = EXCLUDED.completed_at, seq = EXCLUDED.seq,
    state = EXCLUDED.state
WHERE projects.seq < EXCLUDED.seq
RETURNING id
"""


async def upsert_project(conn: asyncpg.Connection, state: ProjectState, seq: int) -> bool:
    """Write the snapshot unless a newer one is there already. True if written."""
    s, p = state, state.pending
    row = await conn.fetchrow(
        UPSERT_PROJECT,
        s.project_id,
        workflow_id(s.project_id),
        s.stage.value,
        s.department,
        s.business_type,
        s.channel.value,
        s.agent_id,
        s.agent_name,
        s.customer_user_id,
        s.risk_level.value if s.risk_level else None,
        p.kind if p else None,
        p.gate.value if p and p.gate else None,
        p.role.value if p else None,
        p.user_id if p else None,
        p.due_at if p else None,
        s.is_overdue(),
        s.warning.active,
        s.kpis.completion_rate,
        s.kpis.cycle_deviation_rate,
        s.kpis.satisfaction_score,
        s.created_at,
        s.updated_at,
        s.completed_at,
        seq,
        s.model_dump(mode="json"),
    )
    return row is not None


async def sync_milestones(conn: asyncpg.Connection, state: ProjectState) -> None:
    """Make the milestones table equal the plan's (a re-submitted plan may rename them)."""
    pid = state.project_id
    await conn.execute(
        "DELETE FROM milestones WHERE project_id = $1 AND NOT (name = ANY($2::text[]))",
        pid,
        [m.name for m in state.milestones],
    )
    await conn.executemany(
        """INSERT INTO milestones (project_id, name, due_date, done_on) VALUES ($1, $2, $3, $4)
           ON CONFLICT (project_id, name) DO UPDATE SET due_date = EXCLUDED.due_date, done_on = EXCLUDED.done_on""",
        [(pid, m.name, m.due_date, m.done_on) for m in state.milestones],
    )


async def sync_tasks(conn: asyncpg.Connection, state: ProjectState) -> None:
    await conn.executemany(
        """INSERT INTO rectification_tasks (id, project_id, source, description, owner_user_id, owner_name,
               owner_role, department, created_at, due_at, status, resolution, completed_at, round, escalations)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
           ON CONFLICT (id) DO UPDATE SET
               description = EXCLUDED.description, owner_user_id = EXCLUDED.owner_user_id,
               owner_name = EXCLUDED.owner_name, owner_role = EXCLUDED.owner_role,
               department = EXCLUDED.department, due_at = EXCLUDED.due_at, status = EXCLUDED.status,
               resolution = EXCLUDED.resolution, completed_at = EXCLUDED.completed_at,
               round = EXCLUDED.round, escalations = EXCLUDED.escalations
           WHERE rectification_tasks.project_id = EXCLUDED.project_id""",
        [
            (
                t.id, state.project_id, t.source.value, t.description, t.owner_user_id, t.owner_name,
                t.owner_role.value, t.department, t.created_at, t.due_at, t.status.value, t.resolution,
                t.completed_at, t.round, t.steps_done,
            )
            for t in state.tasks
        ],
    )


# --------------------------------------------------------------------------- event log


async def insert_event(conn: asyncpg.Connection, step: StepRecord) -> bool:
    """Append the step to the audit trail. False if it was recorded before (a retry)."""
    row = await conn.fetchrow(
        """INSERT INTO events (step_key, project_id, seq, kind, at, actor_id, actor_name, actor_role, comment, data)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (step_key) DO NOTHING
           RETURNING step_key""",
        step.step_key,
        step.project_id,
        step.seq,
        step.kind,
        step.at,
        step.actor_id,
        step.actor_name,
        step.actor_role.value if step.actor_role else None,
        step.comment,
        step.data,
    )
    return row is not None


def _need(step: StepRecord, *keys: str) -> list[Any]:
    missing = [k for k in keys if k not in step.data]
    if missing:
        raise MalformedStep(f"step {step.step_key} ({step.kind}) lacks {', '.join(missing)}")
    return [step.data[k] for k in keys]


async def _approval(conn: asyncpg.Connection, step: StepRecord) -> None:
    gate, level, decision = _need(step, "gate", "level", "decision")
    if not step.actor_id or not step.actor_name:
        raise MalformedStep(f"decision {step.step_key} has no approver")
    await conn.execute(
        """INSERT INTO approvals (step_key, project_id, gate, level, decision, by_user_id, by_name, at, comment, round)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (step_key) DO NOTHING""",
        step.step_key, step.project_id, gate, level, decision, step.actor_id, step.actor_name, step.at,
        step.comment, int(step.data.get("round", 1)),
    )


async def _weekly_report(conn: asyncpg.Connection, step: StepRecord) -> None:
    progress, next_week_plan = _need(step, "progress", "next_week_plan")
    await conn.execute(
        """INSERT INTO weekly_reports (step_key, project_id, agent_id, department, at, progress, problems,
               next_week_plan, completed_milestones, on_time)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (step_key) DO NOTHING""",
        step.step_key, step.project_id, step.actor_id or step.state.agent_id, step.state.department, step.at,
        progress, step.data.get("problems", ""), next_week_plan, list(step.data.get("completed_milestones", [])),
        bool(step.data.get("on_time", True)),
    )


async def _result_submission(conn: asyncpg.Connection, step: StepRecord) -> None:
    submission, summary = _need(step, "submission", "summary")
    await conn.execute(
        """INSERT INTO result_submissions (step_key, project_id, submission, summary, attachments, at)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (step_key) DO NOTHING""",
        step.step_key, step.project_id, int(submission), summary, list(step.data.get("attachments", [])), step.at,
    )


async def _rating(conn: asyncpg.Connection, step: StepRecord) -> None:
    (rating,) = _need(step, "rating")
    await conn.execute(
        """INSERT INTO ratings (step_key, project_id, agent_id, department, rating, at)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (step_key) DO NOTHING""",
        step.step_key, step.project_id, step.state.agent_id, step.state.department, int(rating), step.at,
    )


async def _warning(conn: asyncpg.Connection, step: StepRecord) -> None:
    kind = step.kind.removeprefix("warning_")
    reasons = step.data.get("reasons", step.state.warning.reasons if kind == "raised" else [])
    await conn.execute(
        """INSERT INTO warnings (step_key, project_id, kind, reasons, cause, analysis, at)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (step_key) DO NOTHING""",
        step.step_key, step.project_id, kind, list(reasons), step.data.get("cause"), step.data.get("analysis"),
        step.at,
    )


STEP_ROWS = {
    "decision": _approval,
    "weekly_report": _weekly_report,
    "results_submitted": _result_submission,
    "rating": _rating,
    "accepted": _rating,
    "warning_raised": _warning,
    "warning_analysed": _warning,
    "warning_cleared": _warning,
}


async def write_steps(conn: asyncpg.Connection, steps: list[StepRecord]) -> list[str]:
    """Record the steps of one update of one project; run inside a transaction.

    The read model takes only the batch's newest snapshot (once), every step lands in the
    event log with its own rows. Returns the step keys that were recorded before (a retry).
    """
    steps = sorted(steps, key=lambda s: s.seq)
    for step in steps:
        if step.project_id != steps[0].project_id or step.state.project_id != step.project_id:
            raise MalformedStep(f"step {step.step_key} belongs to another project than {steps[0].project_id}")
    last = steps[-1]
    newest = await upsert_project(conn, last.state, last.seq)
    seen = []
    for step in steps:
        if not await insert_event(conn, step):
            seen.append(step.step_key)
        elif (write := STEP_ROWS.get(step.kind)) is not None:
            await write(conn, step)
    # Only the newest snapshot may shape milestones and tasks: an older batch arriving late
    # still lands in the event log, but cannot reopen a task a newer step closed.
    if newest:
        await sync_milestones(conn, last.state)
        await sync_tasks(conn, last.state)
    return seen


# --------------------------------------------------------------------------- notifications

# Executives and operations serve the whole company and may have no department.
COMPANY_WIDE = frozenset({Role.executive, Role.operations, Role.auditor})


async def recipients(
    conn: asyncpg.Connection, *, to_role: Role, to_user_id: str | None, department: str | None
) -> list[str]:
    """Names of the users a notification goes to."""
    if to_user_id is not None:
        name = await conn.fetchval("SELECT name FROM users WHERE id = $1", to_user_id)
        return [name] if name else []
    if department is None:
        return list(await _names(conn, "SELECT name FROM users WHERE role = $1 ORDER BY name", to_role.value))
    names = await _names(
        conn,
        "SELECT name FROM users WHERE role = $1 AND (department = $2 OR ($3 AND department IS NULL)) ORDER BY name",
        to_role.value,
        department,
        to_role in COMPANY_WIDE,
    )
    if not names and to_role in COMPANY_WIDE:
        names = await _names(conn, "SELECT name FROM users WHERE role = $1 ORDER BY name", to_role.value)
    return names


async def _names(conn: asyncpg.Connection, sql: str, *args: Any) -> list[str]:
    return [r["name"] for r in await conn.fetch(sql, *args)]


async def claim_notification(
    conn: asyncpg.Connection,
    *,
    step_key: str,
    channel: str,
    project_id: str,
    kind: str,
    to_role: str,
    to_user_id: str | None,
    department: str | None,
    subject: str,
    body: str,
) -> bool:
    """Book (step_key, channel); True if this caller should send. Concurrent callers wait on
    the row lock until the first one commits or rolls back."""
    row = await conn.fetchrow(
        """INSERT INTO notifications (step_key, channel, project_id, kind, to_role, to_user_id, department, subject, body)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (step_key, channel) DO NOTHING
           RETURNING step_key""",
        step_key, channel, project_id, kind, to_role, to_user_id, department, subject, body,
    )
    return row is not None


# --------------------------------------------------------------------------- archive 归档


async def project_exists(conn: asyncpg.Connection, project_id: str) -> bool:
    return bool(await conn.fetchval("SELECT 1 FROM projects WHERE id = $1", project_id))


async def existing_bundle(conn: asyncpg.Connection, project_id: str) -> tuple[str, list[str]] | None:
    row = await conn.fetchrow("SELECT id, keywords FROM archive_bundles WHERE project_id = $1", project_id)
    return (row["id"], list(row["keywords"])) if row else None


def _rows(records: list[asyncpg.Record], drop: tuple[str, ...] = ("project_id",)) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k not in drop} for r in records]


async def archive_records(conn: asyncpg.Connection, project_id: str) -> dict[str, Any]:
    """Everything the bundle takes from PostgreSQL, oldest first."""
    q = {
        "operation_records": "SELECT * FROM events WHERE project_id = $1 ORDER BY seq",
        "weekly_reports": "SELECT * FROM weekly_reports WHERE project_id = $1 ORDER BY at, step_key",
        "result_submissions": "SELECT * FROM result_submissions WHERE project_id = $1 ORDER BY submission, at",
        "approvals": "SELECT * FROM approvals WHERE project_id = $1 ORDER BY at, step_key",
        "rectification_tasks": "SELECT * FROM rectification_tasks WHERE project_id = $1 ORDER BY created_at, id",
        "warnings": "SELECT * FROM warnings WHERE project_id = $1 ORDER BY at, step_key",
        "ratings": "SELECT * FROM ratings WHERE project_id = $1 ORDER BY at, step_key",
    }
    out = {name: _rows(await conn.fetch(sql, project_id)) for name, sql in q.items()}
    out["customer_id"] = await conn.fetchval("SELECT id FROM customers WHERE project_id = $1", project_id)
    return out


async def insert_bundle(
    conn: asyncpg.Connection,
    *,
    project_id: str,
    bundle_id: str,
    step_key: str,
    created_at: datetime,
    keywords: list[str],
    bundle: dict[str, Any],
) -> bool:
    row = await conn.fetchrow(
        """INSERT INTO archive_bundles (id, project_id, step_key, created_at, keywords, bundle)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (project_id) DO NOTHING
           RETURNING id""",
        bundle_id, project_id, step_key, created_at, keywords, bundle,
    )
    return row is not None

