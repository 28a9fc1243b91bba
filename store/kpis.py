"""Facts behind the KPI views (RULES §Progress metrics, §Performance appraisal).

One query gathers each project's facts; grouping and formulas are domain.kpi's.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Literal
from zoneinfo import ZoneInfo

import asyncpg

from domain.kpi import KpiSummary, ProjectFacts, period_bounds, period_key, summarize

GroupBy = Literal["department", "agent", "month", "quarter"]

FACTS_SQL = """
SELECT p.id, p.department, p.agent_id, p.agent_name, p.created_at, p.cycle_deviation_rate,
       coalesce(m.due, 0) AS milestones_due, coalesce(m.done, 0) AS milestones_done_when_due,
       coalesce(r.ratings, '{}') AS ratings,
       (p.view->>'first_review_passed')::boolean AS first_review_passed,
       coalesce((p.view->'reports'->>'due')::int, 0) AS reports_due,
       coalesce((p.view->'reports'->>'on_time')::int, 0) AS reports_on_time,
       coalesce(w.raised, 0) AS warnings_raised
FROM projects p
LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE due_date <= $1) AS due,
           count(*) FILTER (WHERE due_date <= $1 AND done_on IS NOT NULL) AS done
    FROM milestones WHERE project_id = p.id) m ON true
LEFT JOIN LATERAL (SELECT array_agg(rating ORDER BY at) AS ratings FROM ratings WHERE project_id = p.id) r ON true
LEFT JOIN LATERAL (SELECT count(*) AS raised FROM warnings WHERE project_id = p.id AND kind = 'raised') w ON true
WHERE ($2::text IS NULL OR p.department = $2)
  AND ($3::text IS NULL OR p.agent_name = $3)
  AND ($4::timestamptz IS NULL OR p.created_at >= $4)
  AND ($5::timestamptz IS NULL OR p.created_at < $5)
  AND p.stage NOT IN ('declined', 'cancelled')
"""


async def project_facts(
    pool: asyncpg.Pool,
    *,
    today: date,
    department: str | None = None,
    agent: str | None = None,
    period: str | None = None,
    tz: ZoneInfo = ZoneInfo("Asia/Shanghai"),
) -> list[tuple[ProjectFacts, date]]:
    """Each project's facts with its local start date; `period` bounds are local days."""
    start = end = None
    if period is not None:
        first, after = period_bounds(period)
        start, end = (datetime.combine(d, time(0), tz) for d in (first, after))
    rows = await pool.fetch(FACTS_SQL, today, department, agent, start, end)
    return [
        (
            ProjectFacts(
                project_id=r["id"],
                department=r["department"],
                agent_id=r["agent_id"],
                agent_name=r["agent_name"],
                milestones_due=r["milestones_due"],
                milestones_done_when_due=r["milestones_done_when_due"],
                cycle_deviation_rate=r["cycle_deviation_rate"],
                ratings=list(r["ratings"]),
                reviewed=r["first_review_passed"] is not None,
                first_review_passed=r["first_review_passed"],
                reports_due=r["reports_due"],
                reports_on_time=r["reports_on_time"],
                warnings_raised=r["warnings_raised"],
            ),
            r["created_at"].astimezone(tz).date(),
        )
        for r in rows
    ]


def group(facts: list[tuple[ProjectFacts, date]], by: GroupBy) -> list[KpiSummary]:
    buckets: dict[str, list[ProjectFacts]] = {}
    for fact, created_on in facts:
        if by == "department":
            key = fact.department
        elif by == "agent":
            key = fact.agent_name
        else:
            key = period_key(created_on, by)
        buckets.setdefault(key, []).append(fact)
    return [summarize(key, items) for key, items in sorted(buckets.items())]
