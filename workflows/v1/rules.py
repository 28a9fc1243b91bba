"""Frozen: approval authority, escalation ladder and KPI formulas as ProjectWorkflow v1 shipped them.

Copied from domain/approval.py and domain/kpi.py; do not change (workflows/v1/__init__.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from domain.models import Level, Role
from domain.policy import WarningThresholds
from workflows.v1.state import Kpis, MilestoneState


def initiation_levels(risk_level: Level, budget: Decimal, executive_budget_threshold: Decimal) -> list[Role]:
    levels = [Role.dept_head]
    if risk_level == Level.high or budget > executive_budget_threshold:
        levels.append(Role.executive)
    return levels


def escalation_target(assignee_role: Role, levels_up: int) -> Role:
    ladder = [Role.customer, Role.agent, Role.dept_head, Role.executive]
    start = ladder.index(assignee_role) if assignee_role in ladder else ladder.index(Role.dept_head)
    return ladder[min(start + levels_up, len(ladder) - 1)]


def _pct(numerator: float, denominator: float) -> float | None:
    return None if denominator == 0 else round(numerator / denominator * 100, 2)


def _completion_rate(milestones: Sequence[MilestoneState], today: date) -> float | None:
    due = [m for m in milestones if m.due_date <= today]
    return _pct(sum(1 for m in due if m.done_on is not None), len(due))


def _forecast_cycle_days(
    started_on: date, milestones: Sequence[MilestoneState], today: date, finished_on: date | None
) -> int:
    if finished_on is not None:
        end = finished_on
    else:
        ends = [m.done_on if m.done_on is not None else max(m.due_date, today) for m in milestones]
        end = max([today, *ends])
    return max((end - started_on).days, 1)


def project_kpis(
    *,
    started_on: date,
    milestones: Sequence[MilestoneState],
    today: date,
    finished_on: date | None,
    expected_cycle_days: int | None,
    ratings: Sequence[int],
) -> Kpis:
    deviation = None
    if expected_cycle_days is not None:
        actual = _forecast_cycle_days(started_on, milestones, today, finished_on)
        deviation = round((actual - expected_cycle_days) / expected_cycle_days * 100, 2)
    satisfaction = None if not ratings else round(sum(ratings) / len(ratings) / 5 * 100, 2)
    return Kpis(
        completion_rate=_completion_rate(milestones, date.max if finished_on else today),
        cycle_deviation_rate=deviation,
        satisfaction_score=satisfaction,
    )


def warning_reasons(kpis: Kpis, thresholds: WarningThresholds) -> list[str]:
    reasons = []
    if kpis.completion_rate is not None and kpis.completion_rate < thresholds.min_completion_rate:
        reasons.append(f"completion_rate {kpis.completion_rate} < {thresholds.min_completion_rate}")
    if kpis.cycle_deviation_rate is not None and kpis.cycle_deviation_rate > thresholds.max_cycle_deviation_rate:
        reasons.append(f"cycle_deviation_rate {kpis.cycle_deviation_rate} > {thresholds.max_cycle_deviation_rate}")
    if kpis.satisfaction_score is not None and kpis.satisfaction_score < thresholds.min_satisfaction_score:
        reasons.append(f"satisfaction_score {kpis.satisfaction_score} < {thresholds.min_satisfaction_score}")
    return reasons
