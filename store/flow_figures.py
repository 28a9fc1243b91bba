"""How projects flow, for the dashboard's charts (issue 17): weekly trends of open, overdue
and warned projects, the stage funnel, where projects wait (median and p90 working days in
each stage, by department) and each approver's response time.

Each figure is one set-based statement over a bounded window, whatever the number of
projects (migration 0420's indexes). Working days follow the published official calendar
(`calendar_years`: holidays off, make-up weekends on; other years Monday–Friday), counted
between the local dates a stay began and ended.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import asyncpg
from pydantic import BaseModel, Field

Db = asyncpg.Pool | asyncpg.Connection
ENDED = ("completed", "declined", "cancelled", "terminated")
# The main path from consultation to completion, in order (domain.models.Stage).
FUNNEL = ("intake", "assessment", "initiation_approval", "planning", "plan_approval", "execution",
          "result_review", "customer_acceptance", "archiving", "completed")  # fmt: skip


class WeekFigures(BaseModel):
    week: date = Field(description="Monday of the week (company time zone)")
    open: int = Field(description="Projects started and not ended at the week's end (or now)")
    overdue: int = Field(description="Projects with an escalation (an overdue action or task) in the week")
    warned: int = Field(description="Projects with a progress warning raised in the week")


class FunnelStep(BaseModel):
    stage: str
    projects: int = Field(description="Projects started in the window that reached this stage")


class StageWait(BaseModel):
    department: str | None = Field(description="None: every department")
    stage: str
    stays: int
    median_days: float
    p90_days: float


class ApproverResponse(BaseModel):
    approver: str
    decisions: int
    median_hours: float
    p90_hours: float


TRENDS_SQL = """
WITH bounds AS (
    SELECT w::date AS week, (w AT TIME ZONE $3) AS starts, least((w + interval '7 days') AT TIME ZONE $3, $4) AS ends
    FROM generate_series($1::timestamp, $2::timestamp, interval '7 days') w),
first AS (SELECT min(starts) AS at FROM bounds),
before AS (
    SELECT (SELECT count(*) FROM projects, first WHERE created_at < first.at)
           - (SELECT count(*) FROM projects, first WHERE stage IN ('completed', 'declined', 'cancelled', 'terminated')
              AND coalesce(completed_at, updated_at) < first.at) AS n),
moves AS (
    SELECT created_at AS at, 1 AS d FROM projects, first WHERE created_at >= first.at
    UNION ALL
    SELECT coalesce(completed_at, updated_at), -1 FROM projects, first
    WHERE stage IN ('completed', 'declined', 'cancelled', 'terminated')
      AND coalesce(completed_at, updated_at) >= first.at),
opened AS (
    SELECT b.week, coalesce(sum(m.d), 0) AS delta FROM bounds b LEFT JOIN moves m ON m.at >= b.starts AND m.at < b.ends
    GROUP BY b.week),
esc AS (
    SELECT b.week, count(DISTINCT e.project_id) AS n FROM bounds b
    JOIN events e ON e.kind = 'escalation' AND e.superseded_at IS NULL AND e.at >= b.starts AND e.at < b.ends
    GROUP BY b.week),
warn AS (
    SELECT b.week, count(DISTINCT w.project_id) AS n FROM bounds b
    JOIN warnings w ON w.kind = 'raised' AND w.at >= b.starts AND w.at < b.ends
    GROUP BY b.week)
SELECT o.week, ((SELECT n FROM before) + sum(o.delta) OVER (ORDER BY o.week))::int AS open,
       coalesce(esc.n, 0) AS overdue, coalesce(warn.n, 0) AS warned
FROM opened o LEFT JOIN esc USING (week) LEFT JOIN warn USING (week) ORDER BY o.week
"""

FUNNEL_SQL = """
WITH started AS (SELECT id FROM projects WHERE created_at >= $1),
reached AS (
    SELECT e.data->>'to' AS stage, count(DISTINCT e.project_id) AS projects
    FROM started s JOIN events e ON e.project_id = s.id
    WHERE e.kind = 'stage_changed' AND e.superseded_at IS NULL AND e.at >= $1 GROUP BY 1)
SELECT 'intake' AS stage, (SELECT count(*) FROM started) AS projects
UNION ALL SELECT stage, projects FROM reached WHERE stage NOT IN ('intake', 'assessment')
"""

# A calendar of the window's local days with a running count of working days, so a stay's
# working days are one subtraction: n(left) − n(entered).
CALENDAR = """
official AS (
    SELECT coalesce(array_agg(h) FILTER (WHERE h IS NOT NULL), '{}') AS holidays,
           coalesce(array_agg(w) FILTER (WHERE w IS NOT NULL), '{}') AS workdays
    FROM (SELECT unnest(holidays) AS h, NULL::date AS w FROM calendar_years
          UNION ALL SELECT NULL, unnest(workdays) FROM calendar_years) d),
cal AS (
    SELECT d::date AS day, sum(CASE WHEN d::date = ANY (o.holidays) THEN 0 WHEN d::date = ANY (o.workdays) THEN 1
                                    WHEN extract(isodow FROM d) < 6 THEN 1 ELSE 0 END) OVER (ORDER BY d) AS n
    FROM generate_series($1::date, $2::date, interval '1 day') d, official o)
"""

WAITS_SQL = f"""
WITH {CALENDAR},
stays AS (
    SELECT e.project_id, CASE e.kind WHEN 'intake' THEN 'assessment' ELSE e.data->>'to' END AS stage, e.at,
           lead(e.at) OVER (PARTITION BY e.project_id ORDER BY e.seq, e.at) AS left_at
    FROM events e
    WHERE e.kind IN ('intake', 'stage_changed') AND e.superseded_at IS NULL
      AND e.at >= ($1::date::timestamp AT TIME ZONE $3)),
days AS (
    SELECT p.department, s.stage, (b.n - a.n) AS days
    FROM stays s JOIN projects p ON p.id = s.project_id
         JOIN cal a ON a.day = (s.at AT TIME ZONE $3)::date
         JOIN cal b ON b.day = (coalesce(s.left_at, $4::timestamptz) AT TIME ZONE $3)::date
    WHERE s.stage NOT IN ('completed', 'declined', 'cancelled', 'terminated'))
SELECT CASE WHEN grouping(department) = 1 THEN NULL ELSE department END AS department, stage,
       count(*) AS stays, percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median_days,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY days) AS p90_days
FROM days GROUP BY GROUPING SETS ((stage), (department, stage))
"""

APPROVERS_SQL = """
WITH steps AS (
    SELECT e.kind, e.at, e.actor_name, lag(e.at) OVER (PARTITION BY e.project_id ORDER BY e.seq, e.at) AS since
    FROM events e
    WHERE e.kind IN ('stage_changed', 'decision', 'reassigned') AND e.superseded_at IS NULL
      AND e.at >= $1::timestamptz - interval '30 days')
SELECT actor_name AS approver, count(*) AS decisions,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM at - since) / 3600) AS median_hours,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM at - since) / 3600) AS p90_hours
FROM steps WHERE kind = 'decision' AND at >= $1 AND since IS NOT NULL AND actor_name IS NOT NULL
GROUP BY actor_name ORDER BY median_hours DESC, actor_name LIMIT $2
"""


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def weekly_trends(db: Db, now: datetime, tz: ZoneInfo, weeks: int = 12) -> list[WeekFigures]:
    """The last `weeks` weeks up to this one, oldest first."""
    this = monday(now.astimezone(tz).date())
    first = this - timedelta(weeks=weeks - 1)
    rows = await db.fetch(TRENDS_SQL, datetime.combine(first, time(0)), datetime.combine(this, time(0)), tz.key, now)
    return [WeekFigures(**dict(r)) for r in rows]


async def stage_funnel(db: Db, since: datetime) -> list[FunnelStep]:
    """Projects started since `since` that reached each stage of the main path, in its order."""
    found = {r["stage"]: r["projects"] for r in await db.fetch(FUNNEL_SQL, since)}
    found["assessment"] = found.get("intake", 0)  # intake starts a project in its assessment
    return [FunnelStep(stage=stage, projects=found.get(stage, 0)) for stage in FUNNEL]


async def stage_waits(db: Db, since: date, now: datetime, tz: ZoneInfo) -> list[StageWait]:
    """Stays in each stage entered since `since` (a stay still open counts up to now)."""
    today = now.astimezone(tz).date()
    rows = await db.fetch(WAITS_SQL, since, today, tz.key, now)
    order = {stage: i for i, stage in enumerate(FUNNEL)}
    waits = [StageWait(department=r["department"], stage=r["stage"], stays=r["stays"],
                       median_days=round(r["median_days"], 1), p90_days=round(r["p90_days"], 1)) for r in rows]
    return sorted(waits, key=lambda w: (w.department or "", order.get(w.stage, len(order)), w.stage))


async def approver_responses(db: Db, since: datetime, limit: int = 20) -> list[ApproverResponse]:
    """Each approver's time from the wait's start to their decision; the slowest first."""
    rows = await db.fetch(APPROVERS_SQL, since, limit)
    return [ApproverResponse(approver=r["approver"], decisions=r["decisions"],
                             median_hours=round(r["median_hours"], 1), p90_hours=round(r["p90_hours"], 1))
            for r in rows]  # fmt: skip
