"""The facts each kind of step carries, written to their tables the first time the step is
recorded (store/records.py): approvals, plans and milestones, weekly reports, result
submissions, ratings, rectification tasks, warnings.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime

import asyncpg

from domain.steps import Step
from store import risk_facts

Writer = Callable[[asyncpg.Connection, str, datetime, Step], Awaitable[None]]


async def ensure_project(conn: asyncpg.Connection, pid: str, at: datetime, step: Step) -> None:
    """The API writes the project row at intake; a project started some other way (an
    operator's `temporal workflow start`) gets a minimal one, so its steps can be recorded."""
    agent = step.actor
    await conn.execute(
        """INSERT INTO projects (id, workflow_id, stage, department, business_type, channel, agent_id, agent_name,
               created_at, updated_at, requirement)
           VALUES ($1, 'project-' || $1, 'intake', $2, $3, $4, $5, $6, $7, $7, '')
           ON CONFLICT (id) DO NOTHING""",
        pid, agent.department if agent else "", step.data["business_type"], step.data["channel"],
        agent.user_id if agent else "", agent.name if agent else "", at,
    )  # fmt: skip


async def _decision(conn: asyncpg.Connection, pid: str, at: datetime, step: Step) -> None:
    d, actor = step.data, step.actor
    if actor is None or not actor.name:
        raise ValueError("an approver")
    behalf = d.get("on_behalf_of")
    await conn.execute(
        """INSERT INTO approvals (step_key, project_id, gate, level, decision, by_user_id, by_name, at, comment, round,
               on_behalf_of_id, on_behalf_of_name)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (step_key) DO NOTHING""",
        f"{pid}:{step.seq}", pid, d["gate"], d["level"], d["decision"], actor.user_id, actor.name, at, step.comment,
        int(d.get("round", 1)), behalf["user_id"] if behalf else None, behalf.get("name") if behalf else None,
    )  # fmt: skip


async def _plan(conn: asyncpg.Connection, pid: str, at: datetime, step: Step) -> None:
    d = step.data
    plan = {k: d[k] for k in ("goals", "responsibilities")} | {"resources": d.get("resources", "")}
    await conn.execute("UPDATE projects SET plan = $2 WHERE id = $1", pid, plan)
    names = [m["name"] for m in d["milestones"]]
    await conn.execute("DELETE FROM milestones WHERE project_id = $1 AND NOT (name = ANY($2::text[]))", pid, names)
    await conn.executemany(
        """INSERT INTO milestones (project_id, name, due_date) VALUES ($1, $2, $3)
           ON CONFLICT (project_id, name) DO UPDATE SET due_date = EXCLUDED.due_date, done_on = NULL""",
        [(pid, m["name"], date.fromisoformat(m["due_date"])) for m in d["milestones"]],
    )


async def _milestones_done(conn: asyncpg.Connection, pid: str, done: dict[str, str]) -> None:
    await conn.executemany(
        "UPDATE milestones SET done_on = $3 WHERE project_id = $1 AND name = $2",
        [(pid, name, date.fromisoformat(day)) for name, day in done.items()],
    )


async def _weekly_report(conn: asyncpg.Connection, pid: str, at: datetime, step: Step) -> None:
    d = step.data
    await conn.execute(
        """INSERT INTO weekly_reports (step_key, project_id, agent_id, department, at, progress, problems,
               next_week_plan, completed_milestones, on_time)
           SELECT $1, $2, $3, p.department, $4, $5, $6, $7, $8, $9 FROM projects p WHERE p.id = $2
           ON CONFLICT (step_key) DO NOTHING""",
        f"{pid}:{step.seq}", pid, step.actor.user_id if step.actor else None, at, d["progress"],
        d.get("problems", ""), d["next_week_plan"], list(d.get("completed_milestones", [])),
        bool(d.get("on_time", True)),
    )  # fmt: skip
    await _milestones_done(conn, pid, d.get("milestones_done", {}))


async def _results(conn: asyncpg.Connection, pid: str, at: datetime, step: Step) -> None:
    d = step.data
    await conn.execute(
        """INSERT INTO result_submissions (step_key, project_id, submission, summary, attachments, at)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (step_key) DO NOTHING""",
        f"{pid}:{step.seq}", pid, int(d["submission"]), d["summary"], list(d.get("attachments", [])), at,
    )
    await _milestones_done(conn, pid, d.get("milestones_done", {}))


async def _rating(conn: asyncpg.Connection, pid: str, at: datetime, step: Step) -> None:
    await conn.execute(
        """INSERT INTO ratings (step_key, project_id, agent_id, department, rating, at)
           SELECT $1, $2, p.agent_id, p.department, $3, $4 FROM projects p WHERE p.id = $2
           ON CONFLICT (step_key) DO NOTHING""",
        f"{pid}:{step.seq}", pid, int(step.data["rating"]), at,
    )


async def _rated(conn: asyncpg.Connection, pid: str, at: datetime, step: Step) -> None:
    """A rating after acceptance (revisit, complaint confirmation) of a running project."""
    await conn.execute(
        """INSERT INTO ratings (step_key, project_id, agent_id, department, rating, at, source)
           SELECT $1, $2, p.agent_id, p.department, $3, $4, $5 FROM projects p WHERE p.id = $2
           ON CONFLICT (step_key) DO NOTHING""",
        f"{pid}:{step.seq}", pid, int(step.data["rating"]), at, step.data["source"],
    )


async def _task_created(conn: asyncpg.Connection, pid: str, at: datetime, step: Step) -> None:
    d = step.data
    await conn.execute(
        """INSERT INTO rectification_tasks (id, project_id, source, description, owner_user_id, owner_name, owner_role,
               department, created_at, due_at, status, round, summary)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11, left($4, 80)) ON CONFLICT (id) DO NOTHING""",
        d["task_id"], pid, d["source"], step.comment, d["owner_id"], d.get("owner") or "", d["owner_role"],
        d["department"], at, datetime.fromisoformat(d["due_at"]), int(d.get("round", 1)),
    )  # fmt: skip


async def _task_completed(conn: asyncpg.Connection, pid: str, at: datetime, step: Step) -> None:
    await conn.execute(
        """UPDATE rectification_tasks SET status = 'done', resolution = $3, completed_at = $4
           WHERE id = $1 AND project_id = $2""",
        step.data["task_id"], pid, step.comment, at,
    )


async def _task_escalated(conn: asyncpg.Connection, pid: str, at: datetime, step: Step) -> None:
    await risk_facts.risk_escalated(conn, pid, step)
    if task_id := step.data.get("task_id"):
        await conn.execute("UPDATE rectification_tasks SET escalations = $3 WHERE id = $1 AND project_id = $2",
                           task_id, pid, int(step.data["step"]))  # fmt: skip


def _task_target(step: Step) -> str | None:
    target = str(step.data["target"])
    return target.removeprefix("task:") if target.startswith("task:") else None


async def _reassigned(conn: asyncpg.Connection, pid: str, at: datetime, step: Step) -> None:
    if task_id := _task_target(step):
        d = step.data
        await conn.execute(
            """UPDATE rectification_tasks SET owner_user_id = $3, owner_name = $4, department = $5
               WHERE id = $1 AND project_id = $2""",
            task_id, pid, d["to_id"], d.get("to") or "", d["department"],
        )


async def _deadline_extended(conn: asyncpg.Connection, pid: str, at: datetime, step: Step) -> None:
    if task_id := _task_target(step):
        await conn.execute(
            "UPDATE rectification_tasks SET due_at = $3, escalations = 0 WHERE id = $1 AND project_id = $2",
            task_id, pid, datetime.fromisoformat(step.data["due_at"]),
        )


async def _warning(conn: asyncpg.Connection, pid: str, at: datetime, step: Step) -> None:
    d = step.data
    await conn.execute(
        """INSERT INTO warnings (step_key, project_id, kind, reasons, cause, analysis, at)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (step_key) DO NOTHING""",
        f"{pid}:{step.seq}", pid, step.kind.removeprefix("warning_"), list(d.get("reasons", [])), d.get("cause"),
        step.comment or None, at,
    )  # fmt: skip


async def _cancelled(conn: asyncpg.Connection, pid: str, at: datetime, step: Step) -> None:
    await conn.execute("UPDATE projects SET cancel_reason = $2 WHERE id = $1", pid, step.comment)


WRITERS: dict[str, Writer] = {
    "decision": _decision,
    "plan_submitted": _plan,
    "weekly_report": _weekly_report,
    "results_submitted": _results,
    "accepted": _rating,
    "rated": _rated,
    "task_created": _task_created,
    "task_completed": _task_completed,
    "reminder": _task_escalated,
    "escalation": _task_escalated,
    "reassigned": _reassigned,
    "deadline_extended": _deadline_extended,
    "warning_raised": _warning,
    "warning_analysed": _warning,
    "warning_cleared": _warning,
    "cancelled": _cancelled,
    **risk_facts.WRITERS,
}


async def apply(conn: asyncpg.Connection, pid: str, at: datetime, step: Step) -> None:
    if (write := WRITERS.get(step.kind)) is not None:
        await write(conn, pid, at, step)
