"""`jindu rollups rebuild`: the period reports' monthly rollups computed again (issue 16;
store/rollups.py). Reports keep them fresh by themselves; run this after restoring a backup,
after changing the policy's time zone, or to check that they agree with the facts."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

HELP = "Rebuild the period reports' monthly rollups (KPIs, appraisal) from the audit trail (events)."
DETAILS = """\
Every month before this one is summed again, in the policy's time zone, in one transaction,
from facts derived from the live steps of `events` (steps of a workflow task an operator
reset away are superseded and left out): key nodes from the plans and reports, ratings,
warnings, result reviews, each project's agent, stage, cycle deviation, first review and
reports sent on time. Not in any step, so read from the read model (`projects`): a project's
department and start instant (written once at intake) and the weeks a report was due (a week
met by a report has no step). The appraisal's deals, follow-ups and money are rebuilt
from their own tables (deals, deal_parts, project_costs, customer_follow_ups,
customer_changes), not from `events`. Reports recompute a month by themselves when a write changes
it, and the worker sums marked months ahead of them; this command is for a restored backup,
a changed time zone, or a check that the rollups agree with the audit trail. Reports that
must recompute a month wait until it commits. Prints the months computed per report."""

def add_parser(commands: Any) -> None:
    p = commands.add_parser("rollups", help=HELP, description=HELP + "\n\n" + DETAILS,
                            formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    sub = p.add_subparsers(dest="rollups_command", metavar="COMMAND", required=True)
    sub.add_parser("rebuild", help="Compute every closed month again", description=DETAILS)


async def rebuild_reports(pool: asyncpg.Pool, tz: ZoneInfo, today: date) -> dict[str, int]:
    """Every report's rollups, from their first month of facts to the last closed month: the
    reports' marks are deleted, *then* their facts are derived from `events` (a write that
    commits after keeps its mark), then every month is summed; one transaction."""
    from store import period_rollups, rollup_events, rollups

    reports = period_rollups.reports()
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(rollups.REBUILD_LOCK)
        await conn.execute("DELETE FROM rollup_marks WHERE report = ANY($1::text[])", [r.report for r in reports])
        await rollup_events.shadow(conn)
        since = await period_rollups.first_months(conn, tz)
        return await rollups.rebuild(conn, reports, tz, today, since)


async def run(settings: Any, args: argparse.Namespace) -> None:
    from store.db import create_pool

    tz = ZoneInfo(settings.policy().calendar.timezone)
    pool = await create_pool(settings.database_url)
    try:
        done = await rebuild_reports(pool, tz, datetime.now(UTC).astimezone(tz).date())
        for report, months in done.items():
            print(f"{report}\t{months} months")
    finally:
        await pool.close()
