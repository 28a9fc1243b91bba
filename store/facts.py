"""The facts each kind of step carries, written to their tables the first time the step is
recorded (store/records.py): approvals, plans and milestones, weekly reports, result
submissions, ratings, rectification tasks, warnings, the risk register's
(store/risk_facts.py) and costs (store/costs.py). `write` matches on the step's type
(domain/step_union.py): a kind it neither writes nor names as fact-less is a mypy error.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import assert_never

import asyncpg
from pydantic import ValidationError

from domain import step_kinds as k
from domain.cost_steps import CostRecorded
from domain.risk_steps import RiskAdded, RiskClosed, RiskOccurred, RiskUpdated
from domain.step_union import ProjectStep, project_facts
from domain.steps import Step
from store import costs, risk_facts


async def ensure_project(conn: asyncpg.Connection, pid: str, at: datetime, step: Step) -> None:
    """The API writes the project row at intake; a project started some other way (an
    operator's `temporal workflow start`) gets a minimal one, so its steps can be recorded."""
    agent, f = step.actor, project_facts(step.kind, step.data)
    assert isinstance(f, k.Intake)
    await conn.execute(
        """INSERT INTO projects (id, workflow_id, stage, department, business_type, channel, agent_id, agent_name,
               created_at, updated_at, requirement)
           VALUES ($1, 'project-' || $1, 'intake', $2, $3, $4, $5, $6, $7, $7, '')
           ON CONFLICT (id) DO NOTHING""",
        pid, agent.department if agent else "", f.business_type, f.channel.value,
        agent.user_id if agent else "", agent.name if agent else "", at,
    )  # fmt: skip


async def apply(conn: asyncpg.Connection, pid: str, at: datetime, step: Step) -> None:
    """Write the step's facts; a ValueError naming what is missing when its data do not make
    its kind (store/records.py: MalformedStep)."""
    try:
        f = project_facts(step.kind, step.data)
    except ValidationError as err:
        raise ValueError("; ".join(f"{'.'.join(map(str, e['loc'][1:])) or step.kind}: {e['msg']}"
                                   for e in err.errors())) from None  # fmt: skip
    await write(conn, pid, at, step, f)


async def write(conn: asyncpg.Connection, pid: str, at: datetime, step: Step, f: ProjectStep) -> None:
    key = f"{pid}:{step.seq}"
    match f:
        case k.DecisionRecorded():
            await _decision(conn, pid, key, at, step, f)
        case k.PlanSubmitted():
            await _plan(conn, pid, f)
        case k.WeeklyReported():
            await _weekly_report(conn, pid, key, at, step, f)
        case k.ResultsSubmitted():
            await _results(conn, pid, key, at, f)
        case k.Accepted() | k.Rated():
            await _rating(conn, pid, key, at, f)
        case k.TaskCreated():
            await _task_created(conn, pid, at, step, f)
        case k.TaskCompleted():
            await conn.execute("UPDATE rectification_tasks SET status = 'done', resolution = $3, completed_at = $4 "
                               "WHERE id = $1 AND project_id = $2", f.task_id, pid, step.comment, at)  # fmt: skip
        case k.Reminded() | k.Escalated():
            await _escalated(conn, pid, f)
        case k.Reassigned():
            await _reassigned(conn, pid, f)
        case k.DeadlineExtended():
            if task_id := _task(f.target):
                await conn.execute("UPDATE rectification_tasks SET due_at = $3, escalations = 0 "
                                   "WHERE id = $1 AND project_id = $2", task_id, pid, f.due_at)  # fmt: skip
        case k.WarningRaised() | k.WarningAnalysed() | k.WarningCleared():
            await _warning(conn, pid, key, at, step, f)
        case k.Cancelled():
            await conn.execute("UPDATE projects SET cancel_reason = $2 WHERE id = $1", pid, step.comment)
        case RiskAdded():
            await risk_facts.risk_added(conn, pid, at, step, f)
        case RiskUpdated():
            await risk_facts.risk_updated(conn, pid, at, step, f)
        case RiskOccurred():
            await risk_facts.risk_occurred(conn, pid, key, at, f)
        case RiskClosed():
            await risk_facts.risk_closed(conn, pid, at, f)
        case CostRecorded():
            await costs.cost_recorded(conn, pid, key, at, step, f)
        case (k.Intake() | k.StageChanged() | k.Assessed() | k.Objected() | k.KpisUpdated() | k.Archived()
              | k.Declined() | k.Completed() | k.WeeklyReportMissed() | k.CalendarPublished()
              | k.ComplaintTasksAsked() | k.CustomerDataDisposed() | k.Reset() | k.Terminated() | k.Reconciled()):
            pass  # fact-less: the step itself (events) and the read model's view say it all
        case _:
            assert_never(f)


async def _decision(conn: asyncpg.Connection, pid: str, key: str, at: datetime, step: Step,
                    f: k.DecisionRecorded) -> None:  # fmt: skip
    actor, behalf = step.actor, f.on_behalf_of
    if actor is None or not actor.name:
        raise ValueError("an approver")
    await conn.execute(
        """INSERT INTO approvals (step_key, project_id, gate, level, decision, by_user_id, by_name, at, comment, round,
               on_behalf_of_id, on_behalf_of_name)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (step_key) DO NOTHING""",
        key, pid, f.gate.value, f.level.value, f.decision.value, actor.user_id, actor.name, at, step.comment,
        f.round, behalf.user_id if behalf else None, behalf.name if behalf else None,
    )  # fmt: skip


async def _plan(conn: asyncpg.Connection, pid: str, f: k.PlanSubmitted) -> None:
    plan = {"goals": f.goals, "responsibilities": f.responsibilities, "resources": f.resources}
    names = [m.name for m in f.milestones]
    # Two tables, one round trip (each statement-level trigger still fires once).
    await conn.execute("WITH planned AS (UPDATE projects SET plan = $2 WHERE id = $1) "
                       "DELETE FROM milestones WHERE project_id = $1 AND NOT (name = ANY($3::text[]))",
                       pid, plan, names)  # fmt: skip
    if f.milestones:  # an executemany of no rows still costs a round trip
        await conn.executemany(
            """INSERT INTO milestones (project_id, name, due_date) VALUES ($1, $2, $3)
               ON CONFLICT (project_id, name) DO UPDATE SET due_date = EXCLUDED.due_date, done_on = NULL""",
            [(pid, m.name, m.due_date) for m in f.milestones],
        )


async def _milestones_done(conn: asyncpg.Connection, pid: str, done: dict[str, date]) -> None:
    if done:  # most reports mark none: no round trip for nothing
        await conn.executemany("UPDATE milestones SET done_on = $3 WHERE project_id = $1 AND name = $2",
                               [(pid, name, day) for name, day in done.items()])  # fmt: skip


async def _weekly_report(conn: asyncpg.Connection, pid: str, key: str, at: datetime, step: Step,
                         f: k.WeeklyReported) -> None:  # fmt: skip
    await conn.execute(
        """INSERT INTO weekly_reports (step_key, project_id, agent_id, department, at, progress, problems,
               next_week_plan, completed_milestones, on_time)
           SELECT $1, $2, $3, p.department, $4, $5, $6, $7, $8, $9 FROM projects p WHERE p.id = $2
           ON CONFLICT (step_key) DO NOTHING""",
        key, pid, step.actor.user_id if step.actor else None, at, f.progress, f.problems, f.next_week_plan,
        f.completed_milestones, f.on_time,
    )  # fmt: skip
    await _milestones_done(conn, pid, f.milestones_done)


async def _results(conn: asyncpg.Connection, pid: str, key: str, at: datetime, f: k.ResultsSubmitted) -> None:
    await conn.execute(
        """INSERT INTO result_submissions (step_key, project_id, submission, summary, attachments, at)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (step_key) DO NOTHING""",
        key, pid, f.submission, f.summary, f.attachments, at,
    )
    await _milestones_done(conn, pid, f.milestones_done)


async def _rating(conn: asyncpg.Connection, pid: str, key: str, at: datetime, f: k.Accepted | k.Rated) -> None:
    """The customer's acceptance, or a rating after it (revisit, complaint confirmation) while
    the project still runs."""
    await conn.execute(
        """INSERT INTO ratings (step_key, project_id, agent_id, department, rating, at, source)
           SELECT $1, $2, p.agent_id, p.department, $3, $4, coalesce($5, 'acceptance') FROM projects p WHERE p.id = $2
           ON CONFLICT (step_key) DO NOTHING""",
        key, pid, f.rating, at, f.source if isinstance(f, k.Rated) else None,
    )  # fmt: skip


async def _task_created(conn: asyncpg.Connection, pid: str, at: datetime, step: Step, f: k.TaskCreated) -> None:
    await conn.execute(
        """INSERT INTO rectification_tasks (id, project_id, source, description, owner_user_id, owner_name, owner_role,
               department, created_at, due_at, status, round, summary)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11, left($4, 80)) ON CONFLICT (id) DO NOTHING""",
        f.task_id, pid, f.source.value, step.comment, f.owner_id, f.owner or "", f.owner_role.value, f.department,
        at, f.due_at, f.round,
    )  # fmt: skip


async def _escalated(conn: asyncpg.Connection, pid: str, f: k.Reminded | k.Escalated) -> None:
    """How far a task's or a risk's chain has got (a project's pending action keeps its count
    in the read model)."""
    if f.risk_id:
        await conn.execute("UPDATE risks SET escalations = $3 WHERE id = $1 AND project_id = $2",
                           f.risk_id, pid, f.step)  # fmt: skip
    if f.task_id:
        await conn.execute("UPDATE rectification_tasks SET escalations = $3 WHERE id = $1 AND project_id = $2",
                           f.task_id, pid, f.step)  # fmt: skip


def _task(target: str) -> str | None:
    return target.removeprefix("task:") if target.startswith("task:") else None


async def _reassigned(conn: asyncpg.Connection, pid: str, f: k.Reassigned) -> None:
    if task_id := _task(f.target):
        await conn.execute(
            """UPDATE rectification_tasks SET owner_user_id = $3, owner_name = $4, department = $5
               WHERE id = $1 AND project_id = $2""",
            task_id, pid, f.to_id, f.to or "", f.department,
        )  # fmt: skip


async def _warning(conn: asyncpg.Connection, pid: str, key: str, at: datetime, step: Step,
                   f: k.WarningRaised | k.WarningAnalysed | k.WarningCleared) -> None:  # fmt: skip
    await conn.execute(
        """INSERT INTO warnings (step_key, project_id, kind, reasons, cause, analysis, at)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (step_key) DO NOTHING""",
        key, pid, f.kind.removeprefix("warning_"), f.reasons if isinstance(f, k.WarningRaised) else [],
        f.cause.value if isinstance(f, k.WarningAnalysed) else None, step.comment or None, at,
    )  # fmt: skip
