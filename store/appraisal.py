"""Facts behind the appraisal scorecard and the service KPIs, for one period (docs/appraisal.md).

One query per figure, each grouped by (department, staff member) and bounded by the period
(local days in the company's time zone) and, for a dept_head, the department. The rows are
written by the project, complaint, revisit and risk workflows' record activities; this
module only reads them. Formulas: domain/appraisal.py, domain/service_kpis.py.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from domain.appraisal import DeviationSums, StaffFacts
from domain.kpi import period_bounds
from domain.service_kpis import ServiceFacts
from store import rollups
from store.appraisal_deals import deal_facts, follow_up_facts
from store.appraisal_rollups import ROLLUPS
from store.rollups import Rollup

# $1, $2: the period's [start, end) instants; $3: the department or NULL (every one). Each
# statement is prepared in two forms, one per scope (`scoped`): `($3 IS NULL OR department =
# $3)` would keep the department out of the index conditions under asyncpg's generic plans.
DEPT = "{}department = $3::text"
EVERY_DEPT = "$3::text IS NULL"
LIVE = "p.stage NOT IN ('declined', 'cancelled')"

# $1, $2: the period's [first, after) local days; $4: today (a key node due later is not due yet).
MILESTONES = f"""
SELECT p.department, p.agent_id AS user_id, count(*) AS milestones_due,
       count(*) FILTER (WHERE m.done_on < $2) AS milestones_done
FROM milestones m JOIN projects p ON p.id = m.project_id
WHERE m.due_date >= $1 AND m.due_date < $2 AND m.due_date <= $4 AND {LIVE} AND {DEPT.format("p.")}
GROUP BY 1, 2"""

COMPLETED = f"""
SELECT p.department, p.agent_id AS user_id, count(*) AS projects_completed,
       count(p.cycle_deviation_rate) AS deviation_count, coalesce(sum(p.cycle_deviation_rate), 0) AS deviation_total,
       coalesce(sum(least(100, greatest(0, 100 - greatest(p.cycle_deviation_rate, 0)))::float8), 0)
           AS deviation_score_total
FROM projects p
WHERE p.completed_at >= $1 AND p.completed_at < $2 AND {LIVE} AND {DEPT.format("p.")}
GROUP BY 1, 2"""

RATINGS = f"""
SELECT department, agent_id AS user_id, count(*) AS ratings, sum(rating) AS rating_sum
FROM ratings WHERE at >= $1 AND at < $2 AND {DEPT.format("")}
GROUP BY 1, 2"""

# A project's first result review is its earliest result_review decision: a decision of the
# period with none before it (by time, then step key), looked up in the partial index
# approvals_result_review_project instead of every review's step in `events`.
FIRST_REVIEWS = f"""
SELECT p.department, p.agent_id AS user_id, count(*) AS reviews,
       count(*) FILTER (WHERE a.decision = 'approve') AS reviews_passed_first
FROM approvals a JOIN projects p ON p.id = a.project_id
WHERE a.gate = 'result_review' AND a.at >= $1 AND a.at < $2 AND {DEPT.format("p.")}
  AND NOT EXISTS (SELECT 1 FROM approvals b WHERE b.project_id = a.project_id AND b.gate = 'result_review'
                  AND (b.at < a.at OR b.at = a.at AND b.step_key < a.step_key))
GROUP BY 1, 2"""

# The two figures above that read most rows, summed from the closed months' rollups
# (store/rollups.py: milestones by due month and the month each was done, first reviews by
# decision month) plus the live statement for the rest of the period from $1; [$5, $6) the
# closed months. Every other figure reads at most a few thousand rows a year.
MILESTONE_ROLLUP = Rollup("milestones", "milestone_rollups", ("department", "user_id", "done_month", "milestones"), f"""
SELECT p.department, p.agent_id, date_trunc('month', m.done_on)::date, count(*)
FROM milestones m JOIN projects p ON p.id = m.project_id
WHERE m.due_date >= $1 AND m.due_date < $2 AND {LIVE}
GROUP BY 1, 2, 3""", local=False)  # fmt: skip
REVIEW_ROLLUP = Rollup("reviews", "review_rollups", ("department", "user_id", "reviews", "passed"),
                       FIRST_REVIEWS.replace(f" AND {DEPT.format('p.')}", ""))  # fmt: skip
# One statement for both: key nodes with $1, $2 the days [from, after), $4 today; first
# reviews with $7, $8 the instants [from, end), $9 the time zone; $3 the department.
ROLLED_FIGURES = f"""
SELECT 'milestones' AS figure, department, user_id, sum(due) AS n, coalesce(sum(done), 0) AS passed FROM (
    SELECT department, user_id, sum(milestones) AS due, sum(milestones) FILTER (WHERE done_month < $2) AS done
    FROM milestone_rollups WHERE tz = '' AND month >= $5 AND month < $6 AND {DEPT.format("")} GROUP BY 1, 2
    UNION ALL {MILESTONES}) f
GROUP BY 1, 2, 3
UNION ALL
SELECT 'reviews', department, user_id, sum(reviews), sum(passed) FROM (
    SELECT department, user_id, reviews, passed FROM review_rollups
    WHERE tz = $9::text AND month >= $5 AND month < $6 AND {DEPT.format("")}
    UNION ALL {FIRST_REVIEWS.replace("$1", "$7").replace("$2", "$8")}) f
GROUP BY 1, 2, 3"""
NAMED = {"milestones": ("milestones_due", "milestones_done"), "reviews": ("reviews", "reviews_passed_first")}


async def _rolled(pool: asyncpg.Pool, window: Window, department: str | None, today: date,
                  tz: ZoneInfo) -> list[dict[str, Any]]:  # fmt: skip
    """Key nodes and first reviews of the period, their closed months fresh (staff_facts): one statement."""
    closed, live = rollups.split(window.first, window.after, today)
    start = live[0] if live else window.after
    since = datetime.combine(start, time(0), tz)
    rows = await pool.fetch(scoped(ROLLED_FIGURES, department), start, window.after, department, today,
                            *rollups.span(closed), since, window.end, tz.key)  # fmt: skip
    return [{"department": r["department"], "user_id": r["user_id"],
             **dict(zip(NAMED[r["figure"]], (r["n"], r["passed"]), strict=True))} for r in rows]  # fmt: skip


# Sent on time: counted when sent. Missed: counted when it was due (the step's `due_at`).
MISSED_DUE = ("CASE WHEN e.data->>'due_at' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "
              "THEN (e.data->>'due_at')::timestamptz ELSE e.at END")  # fmt: skip
# Each side counted per member before they are added (no sort of every report of the period).
REPORTS = f"""
SELECT department, user_id, sum(due) AS reports_due, sum(on_time) AS reports_on_time
FROM (
    SELECT department, agent_id AS user_id, count(*) AS due, count(*) AS on_time FROM weekly_reports
    WHERE on_time AND at >= $1 AND at < $2 AND {DEPT.format("")}
    GROUP BY 1, 2
    UNION ALL
    SELECT p.department, p.agent_id, count(*), 0 FROM events e JOIN projects p ON p.id = e.project_id
    WHERE e.kind = 'weekly_report_missed' AND e.superseded_at IS NULL AND e.at >= $1
      AND {MISSED_DUE} >= $1 AND {MISSED_DUE} < $2 AND {DEPT.format("p.")}
    GROUP BY 1, 2
) r
GROUP BY 1, 2"""

# $4: now. Due = answered, or the resolution deadline has passed.
COMPLAINTS = f"""
SELECT department, agent_id AS user_id, count(*) AS complaints_received,
       count(*) FILTER (WHERE answered_at IS NOT NULL OR resolution_due_at <= $4) AS complaints_due,
       count(*) FILTER (WHERE answered_at <= coalesce(resolution_due_at, answered_at)) AS complaints_on_time
FROM complaints
WHERE filed_at >= $1 AND filed_at < $2 AND agent_id IS NOT NULL AND department IS NOT NULL AND {DEPT.format("")}
GROUP BY 1, 2"""

RISK_EVENTS = f"""
SELECT department, agent_id AS user_id, count(*) AS risk_events, coalesce(sum(loss_amount), 0) AS risk_loss
FROM risk_events WHERE at >= $1 AND at < $2 AND {DEPT.format("")}
GROUP BY 1, 2"""

# Agents of the department(s) during the period: listed even with nothing to appraise.
ROSTER = f"""
SELECT department, id AS user_id FROM users
WHERE role = 'agent' AND department IS NOT NULL AND created_at < $2
  AND (deactivated_at IS NULL OR deactivated_at >= $1) AND {DEPT.format("")}"""

# Names as the users table has them, else as the member's latest project recorded them.
# (One backward step of projects_agent per member, not a sort of every project they held.)
NAMES = """
SELECT a.id, p.name, 1 AS pref FROM unnest($1::text[]) a(id)
CROSS JOIN LATERAL (SELECT agent_name AS name FROM projects WHERE agent_id = a.id ORDER BY created_at DESC LIMIT 1) p
UNION ALL
SELECT id, name, 0 FROM users WHERE id = ANY($1::text[])
ORDER BY pref DESC"""

SERVICE_COMPLAINTS = f"""
SELECT department, count(*) AS complaints_received,
       count(*) FILTER (WHERE answered_at IS NOT NULL) AS complaints_answered,
       count(*) FILTER (WHERE answered_at IS NOT NULL AND resolved) AS complaints_resolved,
       count(*) FILTER (WHERE first_replied_at IS NOT NULL OR first_reply_due_at <= $4) AS first_replies_due,
       count(*) FILTER (WHERE first_replied_at <= coalesce(first_reply_due_at, first_replied_at))
           AS first_replies_on_time,
       count(*) FILTER (WHERE answered_at IS NOT NULL OR resolution_due_at <= $4) AS resolutions_due,
       count(*) FILTER (WHERE answered_at <= coalesce(resolution_due_at, answered_at)) AS resolutions_on_time,
       count(*) FILTER (WHERE satisfied IS NOT NULL AND rating IS NOT NULL) AS confirmations,
       coalesce(sum(rating) FILTER (WHERE satisfied IS NOT NULL), 0) AS confirmation_rating_sum,
       count(*) FILTER (WHERE satisfied AND rating IS NOT NULL) AS confirmations_satisfied
FROM complaints
WHERE filed_at >= $1 AND filed_at < $2 AND {DEPT.format("")}
GROUP BY 1"""

SERVICE_SUGGESTIONS = f"""
SELECT department, count(*) AS suggestions, count(adopted) AS suggestions_decided,
       count(*) FILTER (WHERE adopted) AS suggestions_adopted
FROM suggestions
WHERE created_at >= $1 AND created_at < $2 AND {DEPT.format("")}
GROUP BY 1"""


@dataclass(frozen=True)
class Window:
    """A period as the queries bound it: local days [first, after) and their instants."""

    key: str
    first: date
    after: date
    start: datetime
    end: datetime

    @classmethod
    def of(cls, period: str, tz: ZoneInfo) -> Window:
        """Raises ValueError for a period that is not YYYY-MM, YYYY-Qn or YYYY."""
        first, after = period_bounds(period)
        return cls(period, first, after, datetime.combine(first, time(0), tz), datetime.combine(after, time(0), tz))

    @property
    def last(self) -> date:
        return self.after - timedelta(days=1)


def _merge(into: dict[tuple[str, str], dict[str, Any]], rows: list[asyncpg.Record]) -> None:
    for r in rows:
        fields = dict(r)
        key = (fields.pop("department"), fields.pop("user_id"))
        if None not in key:  # e.g. a risk event on a project no agent holds yet: nobody's score
            into.setdefault(key, {}).update(fields)


def scoped(sql: str, department: str | None) -> str:
    """The statement for one department, or (None) its every-department form."""
    return sql if department is not None else SCOPE.sub(EVERY_DEPT, sql)


SCOPE = re.compile(r"(?:\b\w+\.)?department = \$3::text")


async def staff_facts(pool: asyncpg.Pool, window: Window, *, department: str | None, today: date,
                      now: datetime) -> list[StaffFacts]:  # fmt: skip
    """Each staff member's facts for the period, department by department: the rolled-up
    figures' closed months made fresh, then the figures' ten independent statements at once,
    each on its own pooled connection, then the names."""
    span = (window.start, window.end, department)
    tz = window.start.tzinfo
    assert isinstance(tz, ZoneInfo)
    # every rolled-up figure's closed months at once (one statement when all are fresh; the
    # money sums read after this by jindu/services/appraisal.py too)
    await rollups.fresh(pool, (MILESTONE_ROLLUP, REVIEW_ROLLUP, *ROLLUPS), tz,
                        rollups.split(window.first, window.after, today)[0], today)  # fmt: skip
    rolled, roster, *figures = await asyncio.gather(
        _rolled(pool, window, department, today, tz),
        pool.fetch(scoped(ROSTER, department), *span),
        *(pool.fetch(scoped(sql, department), *span) for sql in (COMPLETED, RATINGS, REPORTS, RISK_EVENTS)),
        pool.fetch(scoped(COMPLAINTS, department), *span, now),
        deal_facts(pool, window.first, window.after, department, today=today, tz=tz, ensure=False),
        follow_up_facts(pool, window.start, window.end, department, today=today, ensure=False),
    )  # fmt: skip
    figures.append(rolled)
    by_member: dict[tuple[str, str], dict[str, Any]] = {(r["department"], r["user_id"]): {} for r in roster}
    for rows in figures:
        _merge(by_member, rows)
    ids = sorted({user_id for _, user_id in by_member})
    names: dict[str, str] = {}
    for r in await pool.fetch(NAMES, ids):
        names[r["id"]] = r["name"]
    return [_member(dept, user_id, names.get(user_id) or user_id, fields)
            for (dept, user_id), fields in by_member.items()]  # fmt: skip


def _member(dept: str, user_id: str, name: str, fields: dict[str, Any]) -> StaffFacts:
    deviations = DeviationSums(count=fields.pop("deviation_count", 0), total=fields.pop("deviation_total", 0.0),
                               score_total=fields.pop("deviation_score_total", 0.0))  # fmt: skip
    return StaffFacts(department=dept, user_id=user_id, name=name, deviations=deviations,
                      **{k: Decimal(v) if k in DECIMALS else int(v) for k, v in fields.items()})  # fmt: skip


DECIMALS = frozenset({"risk_loss", "deal_value", "commission"})


async def service_facts(pool: asyncpg.Pool, window: Window, *, department: str | None,
                        now: datetime) -> list[ServiceFacts]:  # fmt: skip
    """Complaint and suggestion counts per department (None: no department) for the period."""
    by_dept: dict[str | None, dict[str, Any]] = {}
    span = (window.start, window.end, department)
    for rows in await asyncio.gather(pool.fetch(scoped(SERVICE_COMPLAINTS, department), *span, now),
                                     pool.fetch(scoped(SERVICE_SUGGESTIONS, department), *span)):
        for r in rows:
            fields = dict(r)
            by_dept.setdefault(fields.pop("department"), {}).update(fields)
    return [ServiceFacts(department=dept, **{k: int(v) for k, v in fields.items()})
            for dept, fields in sorted(by_dept.items(), key=lambda item: (item[0] is None, item[0] or ""))]
