"""Every period report's monthly rollups (store/rollups.py), where each report's facts begin,
and the worker's sweep that sums stale closed months before a reader asks (issue 16).

A report recomputes the closed months of its period that are marked, out of date or missing
before it sums: after a deploy, a restore or a burst of writes, the first request of a
period paid for them (0.25–0.6 s for a year at 100k projects). The worker's sweep
(`RollupSweep`, run with the reconciler's every `JINDU_RECONCILE_SECONDS`) lists those
months of every report, from January of the year its facts begin (or the default KPI
window's first month, if earlier: the periods a reader asks; every report from the
projects' first month too, as the KPIs and the appraisal read them all over those periods,
facts or none) to the last closed one, newest first, and recomputes at most `limit` of them
per pass: a reader then finds them summed. It recomputes exactly as a report does (same
lock, same marks), so the two never disagree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import asyncpg
import structlog

from store import rollups
from store.kpis import default_window
from store.rollups import Rollup

log = structlog.get_logger(__name__)

# The first day (or instant) with facts of each report: its rollups begin that month.
SINCE = {
    "kpis": "SELECT min(created_at) FROM projects",
    "milestones": "SELECT min(due_date) FROM milestones",
    "reviews": "SELECT min(at) FROM approvals WHERE gate = 'result_review'",
    "deals": "SELECT min(deal_date) FROM deals WHERE confirmed_at IS NOT NULL",
    "money": "SELECT min(deal_date) FROM deals WHERE confirmed_at IS NOT NULL",
    "follow_ups": "SELECT least((SELECT min(happened_at) FROM customer_follow_ups), "
                  "(SELECT min(at) FROM customer_changes WHERE kind = 'pooled'))",
}


def reports() -> tuple[Rollup, ...]:
    """Every report's rollup, in the order they are rebuilt and swept."""
    from store.appraisal import MILESTONE_ROLLUP, REVIEW_ROLLUP
    from store.appraisal_rollups import ROLLUPS
    from store.kpis import ROLLUP

    return ROLLUP, MILESTONE_ROLLUP, REVIEW_ROLLUP, *ROLLUPS


async def first_months(conn: asyncpg.Connection, tz: ZoneInfo) -> dict[str, date | None]:
    """The first day with facts of each report (None: none yet), in one statement."""
    row = await conn.fetchrow("SELECT " + ", ".join(f"({sql}) AS {report}" for report, sql in SINCE.items()))
    return {report: (v.astimezone(tz).date() if isinstance(v, datetime) else v) for report, v in row.items()}


# The closed months [$3, $4) of each report ($1, with $2 its zone and $3 its first month)
# that a report would recompute on $5 (marked, out of date or missing), newest first.
STALE = """
SELECT w.report, m::date AS month
FROM unnest($1::text[], $2::text[], $3::date[]) w(report, tz, first),
     generate_series(w.first, $4::date - interval '1 month', interval '1 month') m
WHERE NOT EXISTS (SELECT 1 FROM rollup_months r WHERE r.report = w.report AND r.tz = w.tz AND r.month = m::date
                  AND r.computed_on <= $5 AND r.stable_until > $5
                  AND NOT EXISTS (SELECT 1 FROM rollup_marks k WHERE k.report = r.report AND k.month = r.month))
ORDER BY m DESC, w.report
LIMIT $6"""


async def stale(conn: asyncpg.Connection, tz: ZoneInfo, today: date, limit: int) -> list[tuple[Rollup, date]]:
    """Up to `limit` closed months a report would recompute on `today`, newest first."""
    first = await first_months(conn, tz)
    for report in first:  # the KPIs and the appraisal read them all over the projects' periods
        first[report] = min((d for d in (first[report], first["kpis"]) if d is not None), default=None)
    known = [r for r in reports() if first[r.report] is not None]
    window = default_window(today)[0]
    rows = await conn.fetch(STALE, [r.report for r in known], [rollups.zone(r, tz) for r in known],
                            [min(date((first[r.report] or today).year, 1, 1), window) for r in known],
                            rollups.month_start(today), today, limit)  # fmt: skip
    by_name = {r.report: r for r in known}
    return [(by_name[r["report"]], r["month"]) for r in rows]


class RollupSweep:
    """The worker's pass over stale closed months (module docstring)."""

    def __init__(self, pool: asyncpg.Pool, tz: ZoneInfo, limit: int = 12) -> None:
        self.pool, self.tz, self.limit = pool, tz, limit

    async def sweep(self, since: datetime | None = None, *, today: date | None = None) -> int:
        """Recompute up to `limit` stale months; returns how many (`since`: the sweep loop's)."""
        today = today or datetime.now(UTC).astimezone(self.tz).date()
        async with self.pool.acquire() as conn:
            months = await stale(conn, self.tz, today, self.limit)
            for rollup, month in months:
                await rollups.recompute(conn, rollup, self.tz, month, today)
        if months:
            log.info("rollups summed ahead of the reports", months=len(months))
        return len(months)
