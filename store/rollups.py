"""Closed months' report figures, summed once (issue 16; migration 0700).

A period report (KPIs, the appraisal's key nodes and first reviews) is a sum over months.
Each month before this one is computed once into its rollup table, by department and staff
member, with the report's own statement bounded to that month; the current month is read
live. Every write that could change a month's figures appends a mark for that month in
its own transaction (the migration's triggers, whoever writes: the record activity,
store/fencing.py's supersession of a reset's steps, a tool). A report recomputes the months
that are marked or missing before it sums, so it never serves a figure a committed write
has changed:

- the recompute deletes the month's marks, *then* computes with a later snapshot: a mark
  it deleted belongs to a write it sees; a write it does not see keeps its mark;
- recomputes of one month queue on an advisory lock (the next finds it fresh and stops);
  writers only append marks and never wait on a report.

`jindu rollups rebuild` (rebuild()) computes every closed month again, from the facts
derived from `events` (store/rollup_events.py) in its own transaction; the worker's sweep
(sweep()) sums the marked months ahead of the reports. tests/api/test_rollups_rebuild.py
checks that incremental and rebuilt rollups agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import asyncpg


@dataclass(frozen=True)
class Rollup:
    """A report's monthly rollup: its marks and `rollup_months` rows are named `report`;
    `compute` returns the table's columns after (tz, month), then `next_due` when the month's
    figures change on a later day by themselves (KPIs: key nodes due by today), from $1, $2
    the month's bounds (instants in the time zone if `local`, else days) and, if `today`, $3."""

    report: str
    table: str
    columns: tuple[str, ...]
    compute: str
    local: bool = True
    today: bool = False


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def split(first: date, after: date, today: date) -> tuple[list[date], tuple[date, date] | None]:
    """A period's whole months [first, after): those before today's month (rolled up), and
    the rest read live as [start, after) (None when the period has ended)."""
    current = month_start(today)
    closed, month = [], month_start(first)
    while month < after and month < current:
        closed.append(month)
        month = next_month(month)
    return closed, ((max(first, current), after) if current < after else None)


def bounds(rollup: Rollup, month: date, tz: ZoneInfo) -> tuple[date | datetime, date | datetime]:
    if not rollup.local:
        return month, next_month(month)
    return datetime.combine(month, time(0), tz), datetime.combine(next_month(month), time(0), tz)


def zone(rollup: Rollup, tz: ZoneInfo) -> str:
    return tz.key if rollup.local else ""


# The months of [$3, $4) whose rollup is there, unmarked and good for today $5 (computed on
# it or before, and no key node of it due since), per report ($1 the reports, $2 their zones).
FRESH = """
SELECT r.report, r.month FROM rollup_months r JOIN unnest($1::text[], $2::text[]) w(report, tz) USING (report, tz)
WHERE r.month >= $3 AND r.month < $4 AND r.computed_on <= $5 AND r.stable_until > $5
  AND NOT EXISTS (SELECT 1 FROM rollup_marks k WHERE k.report = r.report AND k.month = r.month)"""

# One month of FRESH: another request may have computed it while this one waited for the lock.
STILL_FRESH = """
SELECT EXISTS (SELECT 1 FROM rollup_months r WHERE r.report = $1 AND r.tz = $2 AND r.month = $3
               AND r.computed_on <= $4 AND r.stable_until > $4
               AND NOT EXISTS (SELECT 1 FROM rollup_marks k WHERE k.report = r.report AND k.month = r.month))"""

SAVED = """
INSERT INTO rollup_months (report, tz, month, computed_at, computed_on, stable_until) VALUES ($1, $2, $3, now(), $5, $4)
ON CONFLICT (report, tz, month) DO UPDATE
SET computed_at = now(), computed_on = EXCLUDED.computed_on, stable_until = EXCLUDED.stable_until"""


# A month's recompute holds its month's lock, and REBUILD_LOCK shared: a rebuild waits for
# the recomputes under way and holds the next ones until it commits.
REBUILD_LOCK = "SELECT pg_advisory_xact_lock(hashtext('rollups'))"
LOCK = "SELECT pg_advisory_xact_lock_shared(hashtext('rollups')), pg_advisory_xact_lock(hashtext($1))"


async def recompute(conn: asyncpg.Connection, rollup: Rollup, tz: ZoneInfo, month: date, today: date) -> None:
    """One month's rollup, computed again in one transaction (module docstring)."""
    key = zone(rollup, tz)
    async with conn.transaction():
        await conn.execute(LOCK, f"rollup:{rollup.report}:{key}:{month}")
        if await conn.fetchval(STILL_FRESH, rollup.report, key, month, today):
            return
        await conn.execute("DELETE FROM rollup_marks WHERE report = $1 AND month = $2", rollup.report, month)
        await _compute(conn, rollup, key, month, tz, today)


async def _compute(conn: asyncpg.Connection, rollup: Rollup, key: str, month: date, tz: ZoneInfo, today: date) -> None:
    await conn.execute(f"DELETE FROM {rollup.table} WHERE tz = $1 AND month = $2", key, month)
    rows = await conn.fetch(rollup.compute, *bounds(rollup, month, tz), *((today,) if rollup.today else ()))
    width = len(rollup.columns)
    await conn.copy_records_to_table(rollup.table, columns=("tz", "month", *rollup.columns),
                                     records=[(key, month, *tuple(r)[:width]) for r in rows])  # fmt: skip
    due = [r["next_due"] for r in rows if rollup.today and r["next_due"] is not None]
    await conn.execute(SAVED, rollup.report, key, month, min(due) if due else date.max, today)


def span(months: Sequence[date]) -> tuple[date, date]:
    """[first, after) of consecutive months (empty: an empty span)."""
    return (months[0], next_month(months[-1])) if months else (date.min, date.min)


async def fresh(pool: asyncpg.Pool, reports: Sequence[Rollup], tz: ZoneInfo, months: Sequence[date],
                today: date) -> None:  # fmt: skip
    """Recompute the consecutive `months` of each report whose rollup is marked, out of date
    or missing: one statement when none is."""
    if not months:
        return
    async with pool.acquire() as conn:
        ok = {(r["report"], r["month"]) for r in await conn.fetch(
            FRESH, [r.report for r in reports], [zone(r, tz) for r in reports], *span(months), today)}  # fmt: skip
        for rollup in reports:
            for month in months:
                if (rollup.report, month) not in ok:
                    await recompute(conn, rollup, tz, month, today)


async def rebuild(conn: asyncpg.Connection, rollups: Sequence[Rollup], tz: ZoneInfo, today: date,
                  since: dict[str, date | None]) -> dict[str, int]:  # fmt: skip
    """In the caller's transaction, which holds REBUILD_LOCK and deleted the reports' marks
    before it read the facts (jindu/cli_rollups.py): drop every rollup and compute each closed
    month from `since[report]` (the first month with facts) again. Returns the months computed
    per report."""
    done: dict[str, int] = {}
    for rollup in rollups:
        await conn.execute("DELETE FROM rollup_months WHERE report = $1", rollup.report)
        await conn.execute(f"DELETE FROM {rollup.table}")
        first = since.get(rollup.report)
        months, _ = split(first, month_start(today), today) if first else ([], None)
        for month in months:
            await _compute(conn, rollup, zone(rollup, tz), month, tz, today)
        done[rollup.report] = len(months)
    return done
