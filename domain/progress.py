"""Progress metrics and anomaly warnings of a running project (RULES §Progress metrics,
§Progress anomaly warnings); the formulas themselves are domain/kpi.py's.
"""

from __future__ import annotations

from domain import step_kinds as kinds
from domain.costs import budget_reasons
from domain.kpi import project_kpis, warning_reasons
from domain.models import Role, Stage
from domain.project import Wait, WarningState
from domain.steps import Outcome
from domain.waits import due_in

WARNING_STAGES = frozenset({Stage.execution, Stage.rectification, Stage.result_review, Stage.customer_acceptance})


def refresh_kpis(out: Outcome, *, check_warning: bool = True) -> None:
    """Recompute the KPIs; record them when they moved; raise or clear the warning."""
    s, ctx = out.state, out.ctx
    if not s.milestones:
        return
    s.kpis_checked_at = ctx.now
    kpis = project_kpis(
        started_on=ctx.calendar.local_date(s.created_at),
        milestones=s.milestones,
        today=ctx.today,
        finished_on=ctx.calendar.local_date(s.completed_at) if s.completed_at else None,
        expected_cycle_days=s.assessment.expected_cycle_days if s.assessment else None,
        ratings=s.ratings,
    )
    if kpis != s.kpis:
        s.kpis = kpis
        out.record(kinds.KpisUpdated(completion_rate=kpis.completion_rate, satisfaction_score=kpis.satisfaction_score,
                                     cycle_deviation_rate=kpis.cycle_deviation_rate))  # fmt: skip
    if check_warning and s.stage in WARNING_STAGES:
        check_warning_state(out)


def check_warning_state(out: Outcome) -> None:
    """Raise a warning when a KPI leaves its range; clear it once all are back in range and
    the measures set by its analysis are done (an `over_budget` reason: domain/costs.py)."""
    s, ctx = out.state, out.ctx
    warning = s.warning
    # A project without costs past its budget has no `over_budget` reason: its warnings are as before.
    reasons = warning_reasons(s.kpis, ctx.policy.warnings) + budget_reasons(s)
    if reasons and not warning.active:
        s.warning = WarningState(
            active=True, reasons=reasons, raised_at=ctx.now, times_raised=warning.times_raised + 1,
            analysis=Wait(sla="warning_analysis", role=Role.dept_head, department=s.department,
                          since=ctx.now, due_at=due_in(ctx, "warning_analysis")),
        )  # fmt: skip
        out.record(kinds.WarningRaised(reasons=reasons))
        out.notify("warning", "notify.warning_raised", Role.dept_head, reasons=reasons,
                   due_at=s.warning.analysis.due_at if s.warning.analysis else None)  # fmt: skip
    elif warning.active and not reasons:
        open_ids = {t.id for t in s.rectification.tasks}
        if not open_ids & set(warning.task_ids):
            s.warning = WarningState(times_raised=warning.times_raised)
            k = s.kpis
            out.record(kinds.WarningCleared(completion_rate=k.completion_rate, satisfaction_score=k.satisfaction_score,
                                            cycle_deviation_rate=k.cycle_deviation_rate))  # fmt: skip
    elif warning.active and reasons != warning.reasons:
        warning.reasons = reasons
