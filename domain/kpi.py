"""Progress metrics and appraisal aggregates (RULES §Progress metrics, §Performance appraisal).

All rates are percentages rounded to two decimals; None where nothing can be said yet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from domain.policy import WarningThresholds
from domain.project import Kpis, Milestone


def _pct(numerator: float, denominator: float) -> float | None:
    return None if denominator == 0 else round(numerator / denominator * 100, 2)


def completion_rate(milestones: Sequence[Milestone], today: date) -> float | None:
    """关键节点完成率 = key nodes done ÷ key nodes due so far × 100."""
    due = [m for m in milestones if m.due_date <= today]
    return _pct(sum(1 for m in due if m.done_on is not None), len(due))


def forecast_cycle_days(
    started_on: date, milestones: Sequence[Milestone], today: date, finished_on: date | None
) -> int:
    """The actual cycle once finished; before that, the forecast one.

    Forecast end: each milestone's done date, or for an open one the later of its due
    date and today — an overdue milestone cannot finish before today.
    """
    if finished_on is not None:
        end = finished_on
    else:
        ends = [m.done_on if m.done_on is not None else max(m.due_date, today) for m in milestones]
        end = max([today, *ends])
    return max((end - started_on).days, 1)


def cycle_deviation_rate(actual_days: int, expected_days: int) -> float:
    """业务周期偏差率 = (actual − expected) ÷ expected × 100."""
    if expected_days <= 0:
        raise ValueError("expected cycle must be at least one day")
    return round((actual_days - expected_days) / expected_days * 100, 2)


def satisfaction_score(ratings: Sequence[int]) -> float | None:
    """客户满意度得分, read as mean rating ÷ 5 × 100 (RULES)."""
    return None if not ratings else round(sum(ratings) / len(ratings) / 5 * 100, 2)


def project_kpis(
    *,
    started_on: date,
    milestones: Sequence[Milestone],
    today: date,
    finished_on: date | None,
    expected_cycle_days: int | None,
    ratings: Sequence[int],
) -> Kpis:
    """A project's three progress metrics; a finished project's are frozen at its finish day.

    Once finished, every key node was due: completion is done ÷ all, so a project that
    finished early still scores 100 and a node never done counts against it.
    """
    deviation = None
    if expected_cycle_days is not None:
        actual = forecast_cycle_days(started_on, milestones, today, finished_on)
        deviation = cycle_deviation_rate(actual, expected_cycle_days)
    return Kpis(
        completion_rate=completion_rate(milestones, date.max if finished_on else today),
        cycle_deviation_rate=deviation,
        satisfaction_score=satisfaction_score(ratings),
    )


def warning_reasons(kpis: Kpis, thresholds: WarningThresholds) -> list[str]:
    """进度异常预警: completion < 80, deviation > 20, satisfaction < 80 (configurable)."""
    reasons = []
    if kpis.completion_rate is not None and kpis.completion_rate < thresholds.min_completion_rate:
        reasons.append(f"completion_rate {kpis.completion_rate} < {thresholds.min_completion_rate}")
    if kpis.cycle_deviation_rate is not None and kpis.cycle_deviation_rate > thresholds.max_cycle_deviation_rate:
        reasons.append(f"cycle_deviation_rate {kpis.cycle_deviation_rate} > {thresholds.max_cycle_deviation_rate}")
    if kpis.satisfaction_score is not None and kpis.satisfaction_score < thresholds.min_satisfaction_score:
        reasons.append(f"satisfaction_score {kpis.satisfaction_score} < {thresholds.min_satisfaction_score}")
    return reasons


# --------------------------------------------------------------------------- aggregates


class ProjectFacts(BaseModel):
    """One project's facts as read from the records."""

    project_id: str
    department: str
    agent_id: str
    agent_name: str
    milestones_due: int
    milestones_done_when_due: int
    cycle_deviation_rate: float | None = None
    ratings: list[int] = []
    reviewed: bool = False
    first_review_passed: bool | None = None
    reports_due: int = 0
    reports_on_time: int = 0
    warnings_raised: int = 0


class KpiSummary(BaseModel):
    key: str
    projects: int
    completion_rate: float | None
    cycle_deviation_rate: float | None
    satisfaction_score: float | None
    first_review_pass_rate: float | None
    report_timeliness_rate: float | None
    warnings_raised: int
    # Confirmed deals dated in the window (each agent's part; by the deal's department and month)
    # and the revenue of their projects against the expected revenue (issue 14; docs/appraisal.md).
    deals: int = Field(default=0, description="Confirmed deals (by agent: those the agent has a part of)")
    deal_value: Decimal = Field(default=Decimal(0), description="Σ the deals' values (yuan; each agent's part)")
    commission: Decimal = Field(default=Decimal(0), description="Σ the commissions (yuan; each agent's part)")
    revenue_rate: float | None = Field(default=None, description="Revenue ÷ expected revenue × 100, of the "
                                       "projects with an expected revenue whose deal is dated in the window")


def summarize(key: str, facts: Sequence[ProjectFacts]) -> KpiSummary:
    """Pooled rates (sum ÷ sum) except deviation, which is the mean of the projects' rates."""
    deviations = [f.cycle_deviation_rate for f in facts if f.cycle_deviation_rate is not None]
    reviewed = [f for f in facts if f.reviewed]
    return KpiSummary(
        key=key,
        projects=len(facts),
        completion_rate=_pct(sum(f.milestones_done_when_due for f in facts), sum(f.milestones_due for f in facts)),
        cycle_deviation_rate=round(sum(deviations) / len(deviations), 2) if deviations else None,
        satisfaction_score=satisfaction_score([r for f in facts for r in f.ratings]),
        first_review_pass_rate=_pct(sum(1 for f in reviewed if f.first_review_passed), len(reviewed)),
        report_timeliness_rate=_pct(sum(f.reports_on_time for f in facts), sum(f.reports_due for f in facts)),
        warnings_raised=sum(f.warnings_raised for f in facts),
    )


Period = Literal["month", "quarter", "year"]


def period_key(d: date, period: Period) -> str:
    """The appraisal period a day belongs to: "2026-11", "2026-Q4" or "2026"."""
    if period == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if period == "quarter":
        return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
    if period == "year":
        return f"{d.year:04d}"
    raise ValueError(f"period must be month, quarter or year, not {period!r}")


# The years a period may name: a company's records lie well inside them, and a year like 0001
# or 9999 would overflow the time-zone arithmetic of the queries (a 500, not a 422).
PERIOD_YEARS = range(2000, 2101)


def period_bounds(key: str) -> tuple[date, date]:
    """[start, end) of a period key: "2026-11", "2026-Q4" or "2026", its year in PERIOD_YEARS."""
    named = re.match(r"[0-9]{4}", key)
    if named and int(named[0]) not in PERIOD_YEARS:
        raise ValueError(f"period {key!r} is outside the years {PERIOD_YEARS.start}–{PERIOD_YEARS.stop - 1}")
    if m := re.fullmatch(r"([0-9]{4})-([0-9]{2})", key):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise ValueError(f"bad month in period {key!r}")
        start = date(year, month, 1)
        return start, date(year + month // 12, month % 12 + 1, 1)
    if m := re.fullmatch(r"([0-9]{4})-Q([1-4])", key):
        year, quarter = int(m[1]), int(m[2])
        start = date(year, 3 * quarter - 2, 1)
        return start, date(year + quarter // 4, (3 * quarter) % 12 + 1, 1)
    if re.fullmatch(r"[0-9]{4}", key):
        return date(int(key), 1, 1), date(int(key) + 1, 1, 1)
    raise ValueError(f"period {key!r} is not YYYY-MM, YYYY-Qn or YYYY")
