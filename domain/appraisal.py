"""The appraisal scorecard 考核 (RULES §Performance appraisal; 000 §7, 001 业务质量考核制度, 003 §3.4).

Per staff member and period (month, quarter or year): each indicator is a figure computed
from that member's records of the period, turned into a 0–100 score; the policy's weights
make a total, ranked within the department. Which records count for a period, and why:
docs/appraisal.md. The facts come from store/appraisal.py; everything here is pure.

Rates are percentages rounded to two decimals, None where the period gives nothing to
measure (no key node due, no rating, …). A missing figure is left out of the total: the
total is the weighted mean of the scores that exist, Σ wᵢ·sᵢ ÷ Σ wᵢ over those figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from itertools import groupby

from pydantic import BaseModel, Field, field_validator

from domain.appraisal_deals import DealPars, deal_pars, deal_score
from domain.policy import AppraisalWeights

YUAN_PER_10K = Decimal(10_000)


def rate(numerator: float, denominator: float) -> float | None:
    """numerator ÷ denominator × 100, two decimals; None when nothing was due."""
    return None if denominator == 0 else round(numerator / denominator * 100, 2)


def completion_rate(done: int, due: int) -> float | None:
    """关键节点完成率: key nodes due in the period (up to today) that were done by the
    period's close, ÷ key nodes due in the period, × 100 (000 §3(2)1)."""
    return rate(done, due)


def project_deviation_score(deviation: float) -> float:
    """One project's deviation as a 0–100 score: 100 − its overrun in percent (an early or
    punctual finish scores 100, 20% late scores 80, twice the expected cycle or worse 0)."""
    return min(100.0, max(0.0, 100.0 - max(deviation, 0.0)))


class DeviationSums(BaseModel):
    """The deviation rates of the projects completed in a period, as sums (PostgreSQL adds
    them up; a year of a large company is tens of thousands of projects): how many, their
    total, and the total of their scores."""

    count: int = 0
    total: float = 0.0
    score_total: float = 0.0

    @classmethod
    def of(cls, deviations: Sequence[float]) -> DeviationSums:
        return cls(count=len(deviations), total=sum(deviations),
                   score_total=sum(project_deviation_score(d) for d in deviations))  # fmt: skip

    def mean(self) -> float | None:
        """业务周期偏差率 of the projects completed in the period: the mean of their rates
        ((actual − expected) ÷ expected × 100, frozen when each project finished)."""
        return round(self.total / self.count, 2) if self.count else None

    def score(self) -> float | None:
        """The deviation figure as a 0–100 score: the mean of the projects' scores, so an
        early project cannot hide a late one."""
        return round(self.score_total / self.count, 2) if self.count else None


def cycle_deviation(deviations: Sequence[float]) -> float | None:
    return DeviationSums.of(deviations).mean()


def deviation_score(deviations: Sequence[float]) -> float | None:
    return DeviationSums.of(deviations).score()


def satisfaction_score(rating_sum: int, ratings: int) -> float | None:
    """客户满意度得分 from every 1–5 rating given in the period (acceptance, revisits and
    complaint confirmations): mean rating ÷ 5 × 100 (RULES §Progress metrics)."""
    return None if ratings == 0 else round(rating_sum / ratings / 5 * 100, 2)


def first_pass_rate(passed: int, reviews: int) -> float | None:
    """业务准确率 read as the first-time review pass rate: projects whose first result
    review was decided in the period and approved, ÷ those first reviews, × 100."""
    return rate(passed, reviews)


def report_timeliness_rate(on_time: int, due: int) -> float | None:
    """Weekly reports sent on time ÷ weekly reports due (on time + missed), × 100."""
    return rate(on_time, due)


def complaints_on_time_rate(on_time: int, due: int) -> float | None:
    """Complaints answered (finally: resolved, or what could not be solved explained) by
    their resolution deadline ÷ complaints whose answer was due (answered, or the deadline
    passed), × 100. Complaints still inside their deadline are not counted yet."""
    return rate(on_time, due)


def risk_score(events: int, loss: Decimal, weights: AppraisalWeights) -> float:
    """风险事件发生次数、风险损失金额 (000 §7(一)3) as a deduction from 100: the policy's
    points per risk event and per 10,000 yuan (万元) of loss, floored at 0."""
    points = weights.risk_points_per_event * events + weights.risk_points_per_10k_yuan * float(loss / YUAN_PER_10K)
    return round(max(0.0, 100.0 - points), 2)


def total_score(scores: dict[str, float | None], weights: AppraisalWeights) -> float | None:
    """Σ wᵢ·sᵢ ÷ Σ wᵢ over the figures that exist (weights by figure name, see FIGURES);
    None when no weighted figure exists."""
    present = [(getattr(weights, name), score) for name, score in scores.items() if score is not None]
    weight = sum(w for w, _ in present)
    return None if weight == 0 else round(sum(w * s for w, s in present) / weight, 2)


class StaffFacts(BaseModel):
    """What one staff member's records say about one period (store/appraisal.py)."""

    department: str
    user_id: str
    name: str
    milestones_due: int = 0
    milestones_done: int = 0
    projects_completed: int = 0
    deviations: DeviationSums = Field(default_factory=DeviationSums)
    ratings: int = 0
    rating_sum: int = 0
    reviews: int = 0
    reviews_passed_first: int = 0
    reports_due: int = 0
    reports_on_time: int = 0
    complaints_received: int = 0
    complaints_due: int = 0
    complaints_on_time: int = 0
    risk_events: int = 0
    risk_loss: Decimal = Decimal(0)
    deals: int = 0  # confirmed deals dated in the period the member has a part in
    deal_value: Decimal = Decimal(0)  # their parts of the deals' values, yuan
    commission: Decimal = Decimal(0)  # their parts of the commissions, yuan
    follow_ups: int = 0  # customer follow-ups entered in the period (by when they happened)
    follow_ups_on_time: int = 0
    lost_to_pool: int = 0  # customers returned to the pool for want of follow-up

    @field_validator("deviations", mode="before")
    @classmethod
    def _summed(cls, value: object) -> object:
        """A list of rates (hand-written facts) is summed as PostgreSQL sums them."""
        return DeviationSums.of(value) if isinstance(value, list) else value

    def active(self) -> bool:
        """Anything to appraise in the period; a member with nothing gets no risk score
        (and so no total), rather than a perfect one."""
        return any((self.milestones_due, self.projects_completed, self.ratings, self.reviews, self.reports_due,
                    self.complaints_received, self.risk_events, self.deals, self.follow_ups))  # fmt: skip


class ScorecardRow(BaseModel):
    department: str = Field(description="The department the facts belong to")
    user_id: str = Field(description="The staff member's user id")
    name: str = Field(description="The staff member's name")
    milestones_due: int = Field(description="Key nodes due in the period (up to today)")
    milestones_done: int = Field(description="Of those, done by the period's close")
    completion_rate: float | None = Field(description="Key-node completion rate 关键节点完成率, percent")
    projects_completed: int = Field(description="Projects completed in the period")
    cycle_deviation_rate: float | None = Field(
        description="Mean cycle deviation rate 业务周期偏差率 of the projects completed in the period, percent "
                    "(negative: finished early)")  # fmt: skip
    deviation_score: float | None = Field(description="Cycle deviation as a 0–100 score (100 − overrun percent)")
    ratings: int = Field(description="Customer ratings given in the period (acceptance, revisit, complaint)")
    satisfaction_score: float | None = Field(description="Customer satisfaction score 客户满意度得分, 0–100")
    reviews: int = Field(description="First result reviews decided in the period")
    first_review_pass_rate: float | None = Field(description="First-time review pass rate, percent")
    reports_due: int = Field(description="Weekly reports due in the period (sent on time + missed)")
    reports_on_time: int = Field(description="Weekly reports sent on time in the period")
    report_timeliness_rate: float | None = Field(description="Weekly report timeliness, percent")
    complaints_received: int = Field(description="Complaints about the member's projects filed in the period")
    complaints_due: int = Field(description="Of those, answered or past their resolution deadline")
    complaints_on_time: int = Field(description="Of those, answered by their resolution deadline")
    complaints_on_time_rate: float | None = Field(description="Complaints resolved on time, percent")
    risk_events: int = Field(description="Risk events 风险事件 on the member's projects in the period")
    risk_loss: Decimal = Field(description="Their losses 风险损失金额, yuan (CNY)")
    risk_score: float | None = Field(description="100 − the policy's points per event and per 10,000 yuan lost")
    deals: int = Field(description="Confirmed deals 成交 dated in the period the member has a part in")
    deal_value: Decimal = Field(description="The member's parts of their values 成交金额, yuan (CNY)")
    commission: Decimal = Field(description="The member's parts of their commissions 佣金, yuan (CNY)")
    deals_score: float | None = Field(description="Deals against their par (the policy's target or the "
                                      "department's average), 0–100")  # fmt: skip
    deal_value_score: float | None = Field(description="Deal value against its par, 0–100")
    commission_score: float | None = Field(description="Commission against its par, 0–100")
    follow_ups: int = Field(description="Customer follow-ups 跟进 entered in the period")
    follow_ups_on_time: int = Field(description="Of those, entered on time (a visit within the policy's minutes, "
                                    "anything else on its working day)")  # fmt: skip
    follow_up_on_time_rate: float | None = Field(description="Follow-up timeliness, percent")
    lost_to_pool: int = Field(description="Customers lost to the pool 公海 for want of follow-up in the period")
    total_score: float | None = Field(description="Weighted mean of the scores that exist, 0–100")
    rank: int | None = Field(description="Rank by total score within the department (1 = best; ties share)")


# Weight name in AppraisalWeights → the row's score for it (a rate is its own score).
FIGURES: dict[str, str] = {
    "completion": "completion_rate",
    "deviation": "deviation_score",
    "satisfaction": "satisfaction_score",
    "first_pass": "first_review_pass_rate",
    "report_timeliness": "report_timeliness_rate",
    "complaints_on_time": "complaints_on_time_rate",
    "risk": "risk_score",
    "deals": "deals_score",
    "deal_value": "deal_value_score",
    "commission": "commission_score",
    "follow_up_timeliness": "follow_up_on_time_rate",
}


def score_row(f: StaffFacts, weights: AppraisalWeights, pars: DealPars | None = None) -> ScorecardRow:
    """One member's row; `pars` the department's deal pars (none: deals are not scored). A
    member with nothing at all to appraise gets no deal scores, as no risk score."""
    par = pars if pars is not None and f.active() else DealPars()
    figures = {
        "completion_rate": completion_rate(f.milestones_done, f.milestones_due),
        "deviation_score": f.deviations.score(),
        "satisfaction_score": satisfaction_score(f.rating_sum, f.ratings),
        "first_review_pass_rate": first_pass_rate(f.reviews_passed_first, f.reviews),
        "report_timeliness_rate": report_timeliness_rate(f.reports_on_time, f.reports_due),
        "complaints_on_time_rate": complaints_on_time_rate(f.complaints_on_time, f.complaints_due),
        "risk_score": risk_score(f.risk_events, f.risk_loss, weights) if f.active() else None,
        "deals_score": deal_score(f.deals, par.deals),
        "deal_value_score": deal_score(float(f.deal_value), par.value),
        "commission_score": deal_score(float(f.commission), par.commission),
        "follow_up_on_time_rate": rate(f.follow_ups_on_time, f.follow_ups),
    }
    total = total_score({name: figures[field] for name, field in FIGURES.items()}, weights)
    return ScorecardRow(
        **f.model_dump(exclude={"deviations", "rating_sum", "reviews_passed_first"}),
        **figures,
        cycle_deviation_rate=f.deviations.mean(),
        total_score=total,
        rank=None,
    )


def rank_within_departments(rows: Sequence[ScorecardRow]) -> list[ScorecardRow]:
    """Competition ranking ("1, 2, 2, 4") by total score within each department; members
    without a total are unranked and listed last. Ordered by department, rank, name."""
    out: list[ScorecardRow] = []
    ordered = sorted(rows, key=lambda r: (r.department, r.total_score is None, -(r.total_score or 0), r.name))
    for _, members in groupby(ordered, key=lambda r: r.department):
        previous, rank = None, 0
        for position, row in enumerate(members, start=1):
            if row.total_score is None:
                out.append(row.model_copy(update={"rank": None}))
                continue
            if row.total_score != previous:
                previous, rank = row.total_score, position
            out.append(row.model_copy(update={"rank": rank}))
    return out


def scorecard(facts: Sequence[StaffFacts], weights: AppraisalWeights, months: int = 1) -> list[ScorecardRow]:
    """Every member's row, scored and ranked within their department; `months` the period's
    (the policy's deal targets are per month)."""
    pars = deal_pars(facts, weights.deal_targets, months)
    return rank_within_departments([score_row(f, weights, pars[f.department]) for f in facts])
