"""Deals, follow-ups and money behind the appraisal (issue 14; docs/appraisal.md §Deals and
follow-ups, §Revenue against expected): one set-based statement each, bounded by the period
and scoped like store/appraisal.py ($1, $2 the period's instants or days, $3 the department
or NULL). Indexes: migration 0705. Closed months of the deals, follow-ups and money sums are
read from monthly rollups (store/appraisal_rollups.py, migration 0730). Formulas:
domain/appraisal_deals.py, appraisal_money.py.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import asyncpg

from domain.appraisal_money import MoneySum, ProjectMoney

# Confirmed deals dated in the period's local days [$1, $2), per deal department and agent's part.
DEALS = """
SELECT d.department, p.agent_id AS user_id, count(*) AS deals, sum(p.value) AS deal_value,
       sum(p.commission) AS commission
FROM deals d JOIN deal_parts p ON p.project_id = d.project_id
WHERE d.confirmed_at IS NOT NULL AND d.deal_date >= $1 AND d.deal_date < $2 AND d.department = $3::text
GROUP BY 1, 2"""

# Follow-ups that happened in the period's instants [$1, $2), by the customer's department and
# the agent who entered them (a dept head's are not appraised); customers returned to the pool
# in the period, by the owner who lost them.
FOLLOW_UPS = """
SELECT department, user_id, sum(n) AS follow_ups, sum(ok) AS follow_ups_on_time, sum(lost) AS lost_to_pool FROM (
    SELECT c.department, f.by_id AS user_id, count(*) AS n, count(*) FILTER (WHERE f.on_time) AS ok, 0 AS lost
    FROM customer_follow_ups f JOIN customer_master c ON c.id = f.customer_id
    JOIN users u ON u.id = f.by_id AND u.role = 'agent'
    WHERE f.happened_at >= $1 AND f.happened_at < $2 AND c.department = $3::text
    GROUP BY 1, 2
    UNION ALL
    SELECT c.department, ch.data->>'owner_id', 0, 0, count(*)
    FROM customer_changes ch JOIN customer_master c ON c.id = ch.customer_id
    WHERE ch.kind = 'pooled' AND ch.at >= $1 AND ch.at < $2 AND c.department = $3::text
    GROUP BY 1, 2
) f GROUP BY 1, 2"""

# Each project whose confirmed deal is dated in the period: the deal's value, the assessment's
# expected revenue and budget as kept with the deal (migration 0706), the costs recorded so far.
# The project's agent is the deal's recorder (only they record it: domain/deals.py).
MONEY = """
SELECT d.project_id, d.department, d.recorded_by AS agent_id, u.name AS agent, d.deal_date, d.value AS revenue,
       d.expected_revenue, d.budget, coalesce(c.costs, 0) AS costs
FROM deals d JOIN users u ON u.id = d.recorded_by
LEFT JOIN LATERAL (SELECT sum(amount) AS costs FROM project_costs WHERE project_id = d.project_id) c ON true
WHERE d.confirmed_at IS NOT NULL AND d.deal_date >= $1 AND d.deal_date < $2 AND d.department = $3::text
ORDER BY d.department, d.deal_date, d.project_id"""


# The same projects summed per (department, project's agent): a month's row of `money_rollups`
# (store/appraisal_rollups.py adds the months up per agent and per department). Budgets of 0
# are left out of the budget sums.
MONEY_OF = """
WITH p AS (
    SELECT d.department, d.recorded_by AS agent_id, d.value AS revenue, d.expected_revenue AS expected, d.budget,
           coalesce((SELECT sum(amount) FROM project_costs c WHERE c.project_id = d.project_id), 0) AS costs
    FROM deals d
    WHERE d.confirmed_at IS NOT NULL AND d.deal_date >= $1 AND d.deal_date < $2 AND d.department = $3::text)
SELECT department, agent_id, count(*) AS projects, sum(revenue) AS revenue,
       coalesce(sum(expected), 0) AS expected_revenue,
       coalesce(sum(revenue) FILTER (WHERE expected IS NOT NULL), 0) AS revenue_of_expected,
       coalesce(sum(budget) FILTER (WHERE budget > 0), 0) AS budget,
       coalesce(sum(costs) FILTER (WHERE budget > 0), 0) AS costs,
       count(*) FILTER (WHERE costs > budget) AS over_budget
FROM p GROUP BY 1, 2"""


def _sql(sql: str, department: str | None) -> str:
    if department is not None:
        return sql
    return sql.replace("AND d.department = $3::text", "AND $3::text IS NULL").replace(
        "AND c.department = $3::text", "AND $3::text IS NULL")


async def deal_facts(pool: asyncpg.Pool, first: date, after: date, department: str | None, *,
                     today: date | None = None, tz: ZoneInfo | None = None,
                     ensure: bool = True) -> list[asyncpg.Record]:  # fmt: skip
    """Deal counts, values and commissions per (department, agent) of the local days [first, after):
    closed months from their rollups (store/appraisal_rollups.py), the rest live."""
    from store import appraisal_rollups

    return await appraisal_rollups.deal_facts(pool, first, after, department, today=today,
                                              tz=tz or appraisal_rollups.SHANGHAI, ensure=ensure)  # fmt: skip


async def follow_up_facts(pool: asyncpg.Pool, start: datetime, end: datetime, department: str | None, *,
                          today: date | None = None, ensure: bool = True) -> list[asyncpg.Record]:  # fmt: skip
    """Follow-ups entered, on time, and customers lost to the pool per (department, agent)."""
    from store import appraisal_rollups

    return await appraisal_rollups.follow_up_facts(pool, start, end, department, today=today, ensure=ensure)


async def money_sums(pool: asyncpg.Pool, first: date, after: date, department: str | None, *,
                     today: date | None = None, tz: ZoneInfo | None = None,
                     ensure: bool = True) -> list[MoneySum]:  # fmt: skip
    """Revenue against expected and costs against budget summed per agent and per department
    (`ensure` False: the caller made the closed months fresh, as store/appraisal.py staff_facts does)."""
    from store import appraisal_rollups

    rows = await appraisal_rollups.money_rows(pool, first, after, department, today=today,
                                              tz=tz or appraisal_rollups.SHANGHAI, ensure=ensure)  # fmt: skip
    return [MoneySum.of_sums(**dict(r)) for r in rows]


async def money_facts(pool: asyncpg.Pool, first: date, after: date, department: str | None) -> list[ProjectMoney]:
    """Revenue against expected and costs against budget of each project with a confirmed deal."""
    rows = await pool.fetch(_sql(MONEY, department), first, after, department)
    return [ProjectMoney(**dict(r)) for r in rows]
