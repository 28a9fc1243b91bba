"""The KPI views (RULES §Progress metrics, §Performance appraisal), aggregated in PostgreSQL.

One statement sums the facts (projects, key nodes due and done, deviations, ratings, first
reviews, weekly reports, warnings) of the projects started in a month by department and
agent: each closed month's sums are kept in `kpi_rollups` (store/rollups.py), the current
month's are read live. The rates are computed here from the period's sums with domain.kpi's
formulas (pooled sum ÷ sum; deviation the mean of the projects' rates), so a request costs
a few statements and a few hundred rows of Python whatever the period.
A KPI view with no period covers the 12 months up to this one (DEFAULT_MONTHS). Beside them,
the deals dated in the same window (store/kpi_deals.py): count, value, commission, revenue
against expected, per the same key.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

import asyncpg

from domain.appraisal_money import percent
from domain.kpi import KpiSummary, period_bounds
from store import kpi_deals, rollups
from store.appraisal_rollups import DEAL_ROLLUP, MONEY_ROLLUP
from store.rollups import Rollup

GroupBy = Literal["department", "agent", "month", "quarter"]
DEFAULT_MONTHS = 12
FIELDS = ("projects", "deviation_sum", "deviations", "reviewed", "passed", "reports_due", "reports_on_time", "due",
          "done", "ratings", "rating_sum", "raised")  # fmt: skip

# The sums of the projects started in [$1, $2) by department and agent; $3 today (a key node
# due later is not due yet: `next_due` says when the figures change by themselves). The
# department and agent are parameters written in only when used, so asyncpg's generic plans
# keep the indexes (migration 0400). The view's facts are read from the columns PostgreSQL
# generates from it (migration 0401): an index-only scan of projects_started, not the wide rows.
KPI_SQL = """
WITH p AS NOT MATERIALIZED (
    SELECT p.id, p.department, p.agent_name, p.cycle_deviation_rate::numeric AS cycle_deviation_rate,
           p.kpi_first_review_passed AS first_review_passed, p.kpi_reports_due AS reports_due,
           p.kpi_reports_on_time AS reports_on_time
    FROM projects p
    WHERE p.created_at >= $1 AND p.created_at < $2 AND p.stage NOT IN ('declined', 'cancelled'){filters}),
m AS (SELECT p.department, p.agent_name, count(*) FILTER (WHERE m.due_date <= $3) AS due,
             count(*) FILTER (WHERE m.due_date <= $3 AND m.done_on IS NOT NULL) AS done,
             min(m.due_date) FILTER (WHERE m.due_date > $3) AS next_due
      FROM p JOIN milestones m ON m.project_id = p.id GROUP BY 1, 2),
r AS (SELECT p.department, p.agent_name, count(*) AS ratings, sum(r.rating) AS rating_sum
      FROM p JOIN ratings r ON r.project_id = p.id GROUP BY 1, 2),
w AS (SELECT p.department, p.agent_name, count(*) AS raised
      FROM p JOIN warnings w ON w.project_id = p.id AND w.kind = 'raised' GROUP BY 1, 2),
g AS (SELECT department, agent_name, count(*) AS projects, sum(cycle_deviation_rate) AS deviation_sum,
             count(cycle_deviation_rate) AS deviations, count(first_review_passed) AS reviewed,
             count(*) FILTER (WHERE first_review_passed) AS passed, sum(reports_due) AS reports_due,
             sum(reports_on_time) AS reports_on_time
      FROM p GROUP BY 1, 2)
SELECT g.department, g.agent_name, g.projects, g.deviation_sum, g.deviations, g.reviewed, g.passed, g.reports_due,
       g.reports_on_time, coalesce(m.due, 0) AS due, coalesce(m.done, 0) AS done,
       coalesce(r.ratings, 0) AS ratings, coalesce(r.rating_sum, 0) AS rating_sum, coalesce(w.raised, 0) AS raised,
       m.next_due
FROM g LEFT JOIN m USING (department, agent_name) LEFT JOIN r USING (department, agent_name)
       LEFT JOIN w USING (department, agent_name)
"""
ROLLUP = Rollup("kpis", "kpi_rollups", ("department", "agent_name", *FIELDS), KPI_SQL.format(filters=""), today=True)
ROLLED = ("SELECT month, department, agent_name, {fields} FROM kpi_rollups "
          "WHERE tz = $1 AND month >= $2 AND month < $3{filters}")  # fmt: skip


def _filters(department: str | None, agent: str | None, first: int, prefix: str = "") -> tuple[str, list[object]]:
    """` AND department = $n …` for the filters given, numbered from `first`, and their values."""
    given = [(column, value) for column, value in (("department", department), ("agent_name", agent))
             if value is not None]  # fmt: skip
    sql = "".join(f" AND {prefix}{column} = ${first + i}::text" for i, (column, _) in enumerate(given))
    return sql, [value for _, value in given]


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


def _key(group_by: GroupBy, month: date, department: str, agent_name: str) -> str:
    match group_by:
        case "department":
            return department
        case "agent":
            return agent_name
        case "month":
            return f"{month:%Y-%m}"
        case "quarter":
            return f"{month.year}-Q{(month.month - 1) // 3 + 1}"


async def kpi_summaries(pool: asyncpg.Pool, *, group_by: GroupBy, today: date, first: date, after: date,
                        department: str | None = None, agent: str | None = None,
                        tz: ZoneInfo = ZoneInfo("Asia/Shanghai")) -> list[KpiSummary]:  # fmt: skip
    """One summary per group of the projects started in [first, after) (local days), by key:
    the closed months' rollups (store/rollups.py) and the current month live, summed."""
    closed, live = rollups.split(first, after, today)
    await rollups.fresh(pool, (ROLLUP, DEAL_ROLLUP, MONEY_ROLLUP), tz, closed, today)
    filters, values = _filters(department, agent, 4)
    rolled = ROLLED.format(fields=", ".join(FIELDS), filters=filters)
    rows = [(r["month"], r) for r in await pool.fetch(rolled, tz.key, *rollups.span(closed), *values)] if closed else []
    if live is not None:
        start, end = (datetime.combine(d, time(0), tz) for d in live)
        filters, values = _filters(department, agent, 4, "p.")
        rows += [(live[0], r) for r in await pool.fetch(KPI_SQL.format(filters=filters), start, end, today, *values)]
    rows += [(r["month"], r) for r in await kpi_deals.deal_rows(pool, closed, live, department, agent)]
    sums: dict[str, dict[str, Decimal]] = {}
    for month, r in rows:
        into = sums.setdefault(_key(group_by, month, r["department"], r["agent_name"]), dict.fromkeys(ALL, ZERO))
        for field in r.keys():
            if field in into:
                into[field] += r[field] or 0
    return sorted((_summary(key, s, group_by) for key, s in sums.items()), key=lambda s: s.key)


ZERO = Decimal(0)


ALL = (*FIELDS, *kpi_deals.FIELDS)
AMOUNTS = {"deviation_sum", "deal_value", "commission", "revenue_of_expected", "expected_revenue"}


def _summary(key: str, s: dict[str, Decimal], group_by: GroupBy) -> KpiSummary:
    n = {field: int(value) for field, value in s.items() if field not in AMOUNTS}  # counts: exact ints
    return KpiSummary(
        key=key, projects=n["projects"], completion_rate=_pct(n["done"], n["due"]),
        cycle_deviation_rate=round(float(s["deviation_sum"] / n["deviations"]), 2) if n["deviations"] else None,
        # satisfaction_score(): mean rating ÷ 5 × 100, the mean of every rating of the group
        satisfaction_score=round(n["rating_sum"] / n["ratings"] / 5 * 100, 2) if n["ratings"] else None,
        first_review_pass_rate=_pct(n["passed"], n["reviewed"]),
        report_timeliness_rate=_pct(n["reports_on_time"], n["reports_due"]), warnings_raised=n["raised"],
        deals=n["deals"] if group_by == "agent" else n["deals_recorded"], deal_value=s["deal_value"],
        commission=s["commission"],
        revenue_rate=percent(s["revenue_of_expected"], s["expected_revenue"]),
    )  # fmt: skip
