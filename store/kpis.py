"""The KPI views (RULES §Progress metrics, §Performance appraisal), aggregated in PostgreSQL.

One statement sums each group's facts (projects, key nodes due and done, deviations,
ratings, first reviews, weekly reports, warnings); the rates are computed here from the
sums with domain.kpi's formulas (pooled sum ÷ sum; deviation the mean of the projects'
rates), so a request costs one statement and a few rows of Python whatever the period.
A KPI view with no period covers the 12 months up to this one (DEFAULT_MONTHS).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Literal
from zoneinfo import ZoneInfo

import asyncpg

from domain.kpi import KpiSummary, period_bounds

GroupBy = Literal["department", "agent", "month", "quarter"]
DEFAULT_MONTHS = 12

KEYS: dict[str, str] = {
    "department": "p.department",
    "agent": "p.agent_name",
    "month": "to_char(p.created_at AT TIME ZONE {tz}, 'YYYY-MM')",
    "quarter": "to_char(p.created_at AT TIME ZONE {tz}, 'YYYY-\"Q\"Q')",
}

# $1 today (a key node due later is not due yet), [$2, $3) the start instants; the time zone
# (by month or quarter), department and agent are parameters written in only when used, so
# asyncpg's generic plans keep the indexes (migration 0400). The view's facts are read from
# the columns PostgreSQL generates from it (migration 0401): an index-only scan of
# projects_started, not the wide rows.
KPI_SQL = """
WITH p AS NOT MATERIALIZED (
    SELECT p.id, {key} AS key, p.cycle_deviation_rate, p.kpi_first_review_passed AS first_review_passed,
           p.kpi_reports_due AS reports_due, p.kpi_reports_on_time AS reports_on_time
    FROM projects p
    WHERE p.created_at >= $2 AND p.created_at < $3 AND p.stage NOT IN ('declined', 'cancelled'){filters}),
m AS (SELECT p.key, count(*) FILTER (WHERE m.due_date <= $1) AS due,
             count(*) FILTER (WHERE m.due_date <= $1 AND m.done_on IS NOT NULL) AS done
      FROM p JOIN milestones m ON m.project_id = p.id GROUP BY p.key),
r AS (SELECT p.key, count(*) AS ratings, sum(r.rating) AS rating_sum
      FROM p JOIN ratings r ON r.project_id = p.id GROUP BY p.key),
w AS (SELECT p.key, count(*) AS raised FROM p JOIN warnings w ON w.project_id = p.id AND w.kind = 'raised'
      GROUP BY p.key),
g AS (SELECT key, count(*) AS projects, sum(cycle_deviation_rate) AS deviation_sum,
             count(cycle_deviation_rate) AS deviations, count(first_review_passed) AS reviewed,
             count(*) FILTER (WHERE first_review_passed) AS passed, sum(reports_due) AS reports_due,
             sum(reports_on_time) AS reports_on_time
      FROM p GROUP BY key)
SELECT g.key, g.projects, g.deviation_sum, g.deviations, g.reviewed, g.passed, g.reports_due, g.reports_on_time,
       coalesce(m.due, 0) AS due, coalesce(m.done, 0) AS done, coalesce(r.ratings, 0) AS ratings,
       coalesce(r.rating_sum, 0) AS rating_sum, coalesce(w.raised, 0) AS raised
FROM g LEFT JOIN m USING (key) LEFT JOIN r USING (key) LEFT JOIN w USING (key)
"""


def kpi_sql(group_by: GroupBy, tz: str, department: str | None, agent: str | None) -> tuple[str, list[object]]:
    """The statement and its parameters after $1–$3."""
    args: list[object] = []

    def param(value: object) -> str:
        args.append(value)
        return f"${len(args) + 3}::text"

    key = KEYS[group_by].format(tz=param(tz)) if group_by in ("month", "quarter") else KEYS[group_by]
    filters = "".join(f" AND p.{column} = {param(value)}"
                      for column, value in (("department", department), ("agent_name", agent)) if value is not None)
    return KPI_SQL.format(key=key, filters=filters), args


def default_window(today: date, months: int = DEFAULT_MONTHS) -> tuple[date, date]:
    """[first, after): this month and the `months` − 1 before it."""
    after = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    back = today.year * 12 + today.month - 1 - (months - 1)
    return date(back // 12, back % 12 + 1, 1), after


def window(period: str | None, today: date) -> tuple[date, date]:
    """The local days [first, after) of a period, or the default window; ValueError for a bad period."""
    return period_bounds(period) if period is not None else default_window(today)


def _pct(numerator: float, denominator: float) -> float | None:
    # domain.kpi's pooled rate, as summarize() computes it
    return None if denominator == 0 else round(numerator / denominator * 100, 2)


async def kpi_summaries(pool: asyncpg.Pool, *, group_by: GroupBy, today: date, first: date, after: date,
                        department: str | None = None, agent: str | None = None,
                        tz: ZoneInfo = ZoneInfo("Asia/Shanghai")) -> list[KpiSummary]:  # fmt: skip
    """One summary per group of the projects started in [first, after) (local days), by key."""
    start, end = (datetime.combine(d, time(0), tz) for d in (first, after))
    sql, args = kpi_sql(group_by, tz.key, department, agent)
    rows = await pool.fetch(sql, today, start, end, *args)
    items = [
        KpiSummary(
            key=r["key"], projects=r["projects"], completion_rate=_pct(r["done"], r["due"]),
            cycle_deviation_rate=round(r["deviation_sum"] / r["deviations"], 2) if r["deviations"] else None,
            # satisfaction_score(): mean rating ÷ 5 × 100, the mean of every rating of the group
            satisfaction_score=round(r["rating_sum"] / r["ratings"] / 5 * 100, 2) if r["ratings"] else None,
            first_review_pass_rate=_pct(r["passed"], r["reviewed"]),
            report_timeliness_rate=_pct(r["reports_on_time"], r["reports_due"]), warnings_raised=r["raised"],
        )  # fmt: skip
        for r in rows
    ]
    return sorted(items, key=lambda s: s.key)
