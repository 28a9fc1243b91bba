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
from store.appraisal_deals import DEALS, MONEY_OF
from store.appraisal_rollups import every_department

# $1, $2 the live days [start, after) (in the current month: the KPIs' live rows are that
# month's, store/kpis.py); [$3, $4) the closed months; $5 department, $6 agent name (or NULL).
# The live rows are the appraisal's own statements (store/appraisal_deals.py DEALS, MONEY_OF),
# the closed months their rollups.
KPI_DEALS = f"""
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
    SELECT $1::date, l.department, l.user_id, l.deals, l.deal_value, l.commission, 0, 0, 0
    FROM ({every_department(DEALS)}) l
    UNION ALL
    SELECT $1::date, l.department, l.agent_id, 0, 0, 0, l.projects, l.revenue_of_expected, l.expected_revenue
    FROM ({every_department(MONEY_OF)}) l
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
