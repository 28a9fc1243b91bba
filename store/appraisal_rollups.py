"""The appraisal's deals, follow-ups and money of closed months, summed once (issues 14, 16;
migration 0730): the statements of store/appraisal_deals.py, run per month into
`deal_rollups`, `follow_up_rollups` and `money_rollups` by store/rollups.py, kept fresh by
the migration's triggers (deals, deal_parts, project_costs, customer_follow_ups,
customer_changes; a customer's department, a user's role) and by the worker's sweep. A
period reads its fresh closed months' rows and the rest live, in one statement, with the
department scope of store/appraisal_deals.py ($3). Sums only: every rate is computed from
the period's totals as before (domain/appraisal_deals.py, appraisal_money.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import asyncpg

from store import rollups
from store.appraisal_deals import DEALS, FOLLOW_UPS, MONEY_OF, _sql
from store.rollups import Rollup

DEPT_CLAUSES = (" AND d.department = $3::text", " AND c.department = $3::text")


def every_department(sql: str) -> str:
    """A statement without its department scope: a month of every department."""
    for clause in DEPT_CLAUSES:
        sql = sql.replace(clause, "")
    return sql


# Each agent's part of the confirmed deals dated in a month (days: tz '').
DEAL_ROLLUP = Rollup("deals", "deal_rollups", ("department", "user_id", "deals", "deal_value", "commission"),
                     every_department(DEALS), local=False)  # fmt: skip
FOLLOW_UP_COLUMNS = ("department", "user_id", "follow_ups", "follow_ups_on_time", "lost_to_pool")
FOLLOW_UP_ROLLUP = Rollup("follow_ups", "follow_up_rollups", FOLLOW_UP_COLUMNS, f"""
SELECT department, user_id, follow_ups::integer, follow_ups_on_time::integer, lost_to_pool::integer
FROM ({every_department(FOLLOW_UPS)}) f""")  # fmt: skip
MONEY_COLUMNS = ("department", "agent_id", "projects", "revenue", "expected_revenue", "revenue_of_expected", "budget",
                 "costs", "over_budget")  # fmt: skip
MONEY_ROLLUP = Rollup("money", "money_rollups", MONEY_COLUMNS, every_department(MONEY_OF), local=False)
ROLLUPS = (DEAL_ROLLUP, FOLLOW_UP_ROLLUP, MONEY_ROLLUP)

# $1, $2 the live rest of the period; $3 the department; [$4, $5) the closed months (and $6 the zone).
ROLLED_DEALS = f"""
SELECT department, user_id, sum(deals)::bigint AS deals, sum(deal_value) AS deal_value,
       sum(commission) AS commission
FROM (SELECT d.department, d.user_id, d.deals, d.deal_value, d.commission FROM deal_rollups d
      WHERE d.tz = '' AND d.month >= $4 AND d.month < $5 AND d.department = $3::text
      UNION ALL {DEALS}) f
GROUP BY 1, 2"""

ROLLED_FOLLOW_UPS = f"""
SELECT department, user_id, sum(follow_ups)::bigint AS follow_ups,
       sum(follow_ups_on_time)::bigint AS follow_ups_on_time, sum(lost_to_pool)::bigint AS lost_to_pool
FROM (SELECT c.department, c.user_id, c.follow_ups, c.follow_ups_on_time, c.lost_to_pool FROM follow_up_rollups c
      WHERE c.tz = $6::text AND c.month >= $4 AND c.month < $5 AND c.department = $3::text
      UNION ALL {FOLLOW_UPS}) f
GROUP BY 1, 2"""

# Per (department, agent) and per department (the row without an agent), as MONEY_SUMS was.
ROLLED_MONEY = f"""
WITH s AS (
    SELECT d.department, d.agent_id, d.projects, d.revenue, d.expected_revenue, d.revenue_of_expected, d.budget,
           d.costs, d.over_budget
    FROM money_rollups d WHERE d.tz = '' AND d.month >= $4 AND d.month < $5 AND d.department = $3::text
    UNION ALL ({MONEY_OF}))
SELECT department, CASE WHEN grouping(agent_id) = 0 THEN agent_id END AS agent_id,
       CASE WHEN grouping(agent_id) = 0 THEN (SELECT name FROM users WHERE id = agent_id) END AS agent,
       sum(projects)::bigint AS projects, sum(revenue) AS revenue, sum(expected_revenue) AS expected_revenue,
       sum(revenue_of_expected) AS revenue_of_expected, sum(budget) AS budget, sum(costs) AS costs,
       sum(over_budget)::bigint AS over_budget
FROM s GROUP BY GROUPING SETS ((department, agent_id), (department))"""

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _today(today: date | None, tz: ZoneInfo) -> date:
    return today or datetime.now(UTC).astimezone(tz).date()


async def _rolled_days(pool: asyncpg.Pool, rollup: Rollup, sql: str, first: date, after: date,
                       department: str | None, today: date, tz: ZoneInfo,
                       ensure: bool) -> list[asyncpg.Record]:  # fmt: skip
    """A figure by local days [first, after): its closed months made fresh (unless the caller
    did: `ensure` False), then one statement."""
    closed, live = rollups.split(first, after, today)
    if ensure:
        await rollups.fresh(pool, (rollup,), tz, closed, today)
    start = live[0] if live else after
    return await pool.fetch(_sql(sql, department), start, after, department, *rollups.span(closed))  # type: ignore[no-any-return]


async def deal_facts(pool: asyncpg.Pool, first: date, after: date, department: str | None, *,
                     today: date | None = None, tz: ZoneInfo = SHANGHAI,
                     ensure: bool = True) -> list[asyncpg.Record]:  # fmt: skip
    """Deal counts, values and commissions per (department, agent) of the local days [first, after)."""
    return await _rolled_days(pool, DEAL_ROLLUP, ROLLED_DEALS, first, after, department, _today(today, tz), tz,
                              ensure)


async def money_rows(pool: asyncpg.Pool, first: date, after: date, department: str | None, *,
                     today: date | None = None, tz: ZoneInfo = SHANGHAI,
                     ensure: bool = True) -> list[asyncpg.Record]:  # fmt: skip
    """Revenue against expected and costs against budget summed per agent and per department."""
    return await _rolled_days(pool, MONEY_ROLLUP, ROLLED_MONEY, first, after, department, _today(today, tz), tz,
                              ensure)


async def follow_up_facts(pool: asyncpg.Pool, start: datetime, end: datetime, department: str | None, *,
                          today: date | None = None, ensure: bool = True) -> list[asyncpg.Record]:  # fmt: skip
    """Follow-ups entered, on time, and customers lost to the pool per (department, agent) of
    the instants [start, end), local midnights in the company's time zone."""
    tz = start.tzinfo if isinstance(start.tzinfo, ZoneInfo) else SHANGHAI
    today = _today(today, tz)
    closed, live = rollups.split(start.astimezone(tz).date(), end.astimezone(tz).date(), today)
    if ensure:
        await rollups.fresh(pool, (FOLLOW_UP_ROLLUP,), tz, closed, today)
    since = datetime.combine(live[0], datetime.min.time(), tz) if live else end
    return await pool.fetch(_sql(ROLLED_FOLLOW_UPS, department), since, end, department,  # type: ignore[no-any-return]
                            *rollups.span(closed), tz.key)  # fmt: skip
