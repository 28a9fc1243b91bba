"""Company-wide figures from the read model, for the dashboards and /metrics."""

from __future__ import annotations

from datetime import datetime

import asyncpg
from pydantic import BaseModel, Field

Db = asyncpg.Pool | asyncpg.Connection


class StageCount(BaseModel):
    department: str
    stage: str
    projects: int


class DepartmentFigures(BaseModel):
    department: str
    projects: int = Field(description="Projects not completed, declined or cancelled")
    overdue: int = Field(description="Running projects with an overdue action or task")
    warning: int = Field(description="Running projects with an active progress warning")
    open_tasks: int = Field(description="Open rectification tasks")
    escalations: int = Field(description="Escalations recorded since the start of the period")


class EscalationCount(BaseModel):
    department: str
    escalations: int


async def projects_by_stage(db: Db) -> list[StageCount]:
    rows = await db.fetch("SELECT department, stage, count(*) AS projects FROM projects "
                          "GROUP BY department, stage ORDER BY department, stage")
    return [StageCount(**dict(r)) for r in rows]


async def department_figures(db: Db, since: datetime) -> list[DepartmentFigures]:
    rows = await db.fetch(
        """WITH running AS (
               SELECT department, count(*) AS projects, count(*) FILTER (WHERE overdue) AS overdue,
                      count(*) FILTER (WHERE warning) AS warning
               FROM projects WHERE stage NOT IN ('completed', 'declined', 'cancelled') GROUP BY department),
           tasks AS (
               SELECT department, count(*) AS open_tasks FROM rectification_tasks WHERE status = 'open'
               GROUP BY department),
           escalated AS (
               SELECT p.department, count(*) AS escalations FROM events e JOIN projects p ON p.id = e.project_id
               WHERE e.kind = 'escalation' AND e.superseded_at IS NULL AND e.at >= $1 GROUP BY p.department),
           departments AS (
               SELECT department FROM running UNION SELECT department FROM tasks
               UNION SELECT department FROM escalated)
           SELECT d.department, coalesce(r.projects, 0) AS projects, coalesce(r.overdue, 0) AS overdue,
                  coalesce(r.warning, 0) AS warning, coalesce(t.open_tasks, 0) AS open_tasks,
                  coalesce(x.escalations, 0) AS escalations
           FROM departments d LEFT JOIN running r USING (department) LEFT JOIN tasks t USING (department)
                LEFT JOIN escalated x USING (department)
           ORDER BY d.department""",
        since,
    )
    return [DepartmentFigures(**dict(r)) for r in rows]


async def escalations_by_department(db: Db) -> list[EscalationCount]:
    """Every escalation ever recorded (the event log is append-only, so this only grows)."""
    rows = await db.fetch("SELECT p.department, count(*) AS escalations FROM events e "
                          "JOIN projects p ON p.id = e.project_id WHERE e.kind = 'escalation' "
                          "AND e.superseded_at IS NULL GROUP BY p.department ORDER BY p.department")
    return [EscalationCount(**dict(r)) for r in rows]


async def notification_failures(db: Db) -> dict[str, int]:
    rows = await db.fetch("SELECT channel, count(*) AS failures FROM notification_failures GROUP BY channel")
    return {r["channel"]: r["failures"] for r in rows}
