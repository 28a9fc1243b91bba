"""The deals beside the KPIs (issue 14: "KPIs … gain deal count, deal value, commission and
revenue against expected, per agent and department and period"). The KPIs count the projects
started in a period; the deals count by the deal's date in the same window (local days), as
the appraisal does (store/appraisal_deals.py): each agent's part of the confirmed deals, and
the revenue of the projects whose deal is dated there against their expected revenue, to the
deal's recorder (the project's agent). A deal split between agents counts once for each of
them by agent (as the appraisal counts it), once in all otherwise (`deals_recorded`). Closed
months come from the appraisal's rollups (`deal_rollups`, `money_rollups`, migration 0730),
the current month live: one statement.
"""

from __future__ import annotations

from datetime import date

import asyncpg

from store import rollups

# $1, $2 the live days [start, after); [$3, $4) the closed months; $5 department, $6 agent name (or NULL).
KPI_DEALS = """
SELECT f.month, f.department, u.name AS agent_name, sum(f.deals)::bigint AS deals, sum(f.deal_value) AS deal_value,
       sum(f.commission) AS commission, sum(f.deals_recorded)::bigint AS deals_recorded,
       sum(f.revenue_of_expected) AS revenue_of_expected, sum(f.expected_revenue) AS expected_revenue
FROM (
    SELECT r.month, r.department, r.user_id AS agent_id, r.deals, r.deal_value, r.commission,
           0 AS deals_recorded, 0 AS revenue_of_expected, 0 AS expected_revenue
    FROM deal_rollups r WHERE r.tz = '' AND r.month >= $3 AND r.month < $4
    UNION ALL
    SELECT m.month, m.department, m.agent_id, 0, 0, 0, m.projects, m.revenue_of_expected, m.expected_revenue
    FROM money_rollups m WHERE m.tz = '' AND m.month >= $3 AND m.month < $4
    UNION ALL
    SELECT date_trunc('month', d.deal_date)::date, d.department, p.agent_id, count(*), sum(p.value),
           sum(p.commission), 0, 0, 0
    FROM deals d JOIN deal_parts p ON p.project_id = d.project_id
    WHERE d.confirmed_at IS NOT NULL AND d.deal_date >= $1 AND d.deal_date < $2
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT date_trunc('month', d.deal_date)::date, d.department, d.recorded_by, 0, 0, 0, count(*),
           coalesce(sum(d.value) FILTER (WHERE d.expected_revenue IS NOT NULL), 0),
           coalesce(sum(d.expected_revenue), 0)
    FROM deals d
    WHERE d.confirmed_at IS NOT NULL AND d.deal_date >= $1 AND d.deal_date < $2
    GROUP BY 1, 2, 3
) f JOIN users u ON u.id = f.agent_id
WHERE ($5::text IS NULL OR f.department = $5::text) AND ($6::text IS NULL OR u.name = $6::text)
GROUP BY 1, 2, 3"""
FIELDS = ("deals", "deal_value", "commission", "deals_recorded", "revenue_of_expected", "expected_revenue")


async def deal_rows(pool: asyncpg.Pool, closed: list[date], live: tuple[date, date] | None, department: str | None,
                    agent: str | None) -> list[asyncpg.Record]:  # fmt: skip
    """Per (month, department, agent name): the window's deals and money; its closed months'
    rollups are made fresh by the caller (store/kpis.py, with the KPIs' own)."""
    start, after = live if live is not None else (date.min, date.min)
    return await pool.fetch(KPI_DEALS, start, after, *rollups.span(closed), department, agent)  # type: ignore[no-any-return]
