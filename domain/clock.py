"""What falls due with time alone (RULES §Deadlines and escalation, §Progress tracking):
escalation steps of every wait, the weekly progress report, and the moments the KPIs can
cross a warning threshold.

`next_due` says when the workflow must wake; `tick` fires everything due by then.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from domain import step_kinds as kinds
from domain import waits
from domain.guards import REPORTING_STAGES
from domain.models import Role
from domain.progress import WARNING_STAGES, refresh_kpis
from domain.project import ProjectState
from domain.steps import Context, Outcome


def clocks(state: ProjectState, ctx: Context) -> list[tuple[datetime, str]]:
    found: list[tuple[datetime, str]] = []
    named = [("pending", state.pending), ("warning_analysis", state.warning.analysis)]
    named += [(f"task:{t.id}", t) for t in state.rectification.tasks]
    named += [(f"risk:{r.id}", r) for r in state.risks]
    for name, wait in named:
        if wait is not None and (at := waits.next_step_at(wait, ctx)) is not None:
            found.append((at, name))
    if state.stage in REPORTING_STAGES and state.reporting.next_due_at is not None:
        found.append((state.reporting.next_due_at, "weekly_report"))
    if (at := kpi_watch_at(state, ctx)) is not None:
        found.append((at, "kpi_check"))
    return found


def next_due(state: ProjectState, ctx: Context) -> datetime | None:
    return min((at for at, _ in clocks(state, ctx)), default=None)


def kpi_watch_at(state: ProjectState, ctx: Context) -> datetime | None:
    """The next cut-off at which time alone can raise a warning: an open milestone falling
    due (completion rate), or the forecast cycle outgrowing the expected one (deviation);
    daily while a warning is active. Events (reports, results, tasks) refresh the KPIs
    themselves."""
    if state.stage not in WARNING_STAGES or not state.milestones:
        return None
    checked = state.kpis_checked_at or state.created_at
    if state.warning.active:  # while it lasts, its reasons follow the KPIs day by day
        return ctx.calendar.end_of_day(ctx.calendar.local_date(checked) + timedelta(days=1))
    days = [m.due_date for m in state.milestones if m.done_on is None]
    if state.assessment is not None:
        expected = state.assessment.expected_cycle_days
        allowed = expected * (1 + ctx.policy.warnings.max_cycle_deviation_rate / 100)
        started = ctx.calendar.local_date(state.created_at)
        days.append(started + timedelta(days=math.floor(allowed) + 1))
    moments = [ctx.calendar.end_of_day(d) for d in days]
    return min((at for at in moments if at > checked), default=None)


def tick(state: ProjectState, ctx: Context) -> Outcome:
    """Fire every escalation step and weekly report due by now, then recheck the KPIs."""
    out = Outcome.begin(state, ctx)
    s = out.state
    fired = False
    for at, name in sorted(clocks(s, ctx)):
        if at > ctx.now:
            continue
        fired = True
        if name == "weekly_report":
            weekly_report_due(out)
        elif name == "pending" and s.pending is not None:
            waits.escalate(out, s.pending, kinds.About(what=s.pending.kind, gate=s.pending.gate))
        elif name == "warning_analysis" and s.warning.analysis is not None:
            waits.escalate(out, s.warning.analysis, kinds.About(what="warning_analysis"))
        elif name.startswith("task:") and (task := s.rectification.task(name.removeprefix("task:"))):
            waits.escalate(out, task, kinds.About(what="task", task_id=task.id, summary=task.summary))
        elif name.startswith("risk:") and (risk := next((r for r in s.risks if f"risk:{r.id}" == name), None)):
            waits.escalate(out, risk, kinds.About(what="risk_review", risk_id=risk.id))
    if fired:
        refresh_kpis(out)
    return out


def weekly_report_due(out: Outcome) -> None:
    """A report is owed every week: one missed is reminded, `escalate_after_missed` in a
    row go to the dept_head."""
    s, ctx = out.state, out.ctx
    r, wp = s.reporting, ctx.policy.weekly_report
    assert r.next_due_at is not None
    due_at = r.next_due_at
    r.due += 1
    r.next_due_at = ctx.calendar.next_weekly(due_at, wp.weekday, wp.hour)
    if r.received_this_week:
        r.received_this_week = False
        return
    r.missed_in_row += 1
    facts = {"due_at": due_at.isoformat(), "missed_in_row": r.missed_in_row}
    out.record(kinds.WeeklyReportMissed(due_at=due_at, missed_in_row=r.missed_in_row))
    out.notify("reminder", "notify.weekly_report_missed", s.agent.role, s.agent.user_id, **facts)
    if r.missed_in_row >= wp.escalate_after_missed:
        out.record(kinds.Escalated(what="weekly_report", to_role=Role.dept_head, due_at=due_at,
                                   missed_in_row=r.missed_in_row))  # fmt: skip
        out.notify("escalation", "notify.weekly_report_escalated", Role.dept_head, **facts)
