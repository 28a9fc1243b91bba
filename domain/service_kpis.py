"""Service KPIs 客户服务指标 by department and period (002 §2(3), 003 §4.3: "客户满意度、问题解决率、
客户建议采纳率"; RULES §Complaints and feedback).

The complaints of a period are those filed in it, the suggestions those made in it; each
rate counts only what can be judged yet (docs/appraisal.md). Pure: the counts come from
store/appraisal.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from domain.appraisal import rate, satisfaction_score


class ServiceFacts(BaseModel):
    """Counts for one department (None: complaints and suggestions no department owns)."""

    department: str | None = Field(default=None, description="The department; null: none (no project named)")
    complaints_received: int = Field(default=0, description="Complaints filed in the period")
    complaints_answered: int = Field(default=0, description="Of those, given a final answer")
    complaints_resolved: int = Field(default=0, description="Of those answered, resolved")
    first_replies_due: int = Field(default=0, description="Complaints replied to or past the first-reply deadline")
    first_replies_on_time: int = Field(default=0, description="Of those, first replied to by the deadline")
    resolutions_due: int = Field(default=0, description="Complaints answered or past their resolution deadline")
    resolutions_on_time: int = Field(default=0, description="Of those, answered by the resolution deadline")
    confirmations: int = Field(default=0, description="Customer confirmations (1–5 ratings) of the answers")
    confirmation_rating_sum: int = Field(default=0, description="Sum of those ratings")
    confirmations_satisfied: int = Field(default=0, description="Confirmations saying the customer is satisfied")
    suggestions: int = Field(default=0, description="Suggestions made in the period (revisits, complaints)")
    suggestions_decided: int = Field(default=0, description="Of those, marked adopted or not")
    suggestions_adopted: int = Field(default=0, description="Of those, adopted")


COUNTS = tuple(name for name in ServiceFacts.model_fields if name != "department")


class ServiceKpis(ServiceFacts):
    resolution_rate: float | None = Field(
        description="Complaint resolution rate 问题解决率: resolved ÷ answered, percent")
    first_reply_on_time_rate: float | None = Field(
        description="On-time first-reply rate: first replies by the deadline ÷ first replies due, percent")
    resolution_on_time_rate: float | None = Field(
        description="On-time resolution rate: final answers by the deadline ÷ answers due, percent")
    satisfaction_after_resolution: float | None = Field(
        description="Satisfaction after resolution: mean confirmation rating ÷ 5 × 100, 0–100")
    satisfied_rate: float | None = Field(description="Confirmations saying satisfied ÷ confirmations, percent")
    suggestion_adoption_rate: float | None = Field(
        description="Suggestion adoption rate 客户建议采纳率: adopted ÷ decided, percent")


def combine(department: str | None, facts: Sequence[ServiceFacts]) -> ServiceFacts:
    """The counts of several departments (or periods) added up, e.g. the company's total."""
    return ServiceFacts(department=department, **{name: sum(getattr(f, name) for f in facts) for name in COUNTS})


def service_kpis(f: ServiceFacts) -> ServiceKpis:
    return ServiceKpis(
        **f.model_dump(),
        resolution_rate=rate(f.complaints_resolved, f.complaints_answered),
        first_reply_on_time_rate=rate(f.first_replies_on_time, f.first_replies_due),
        resolution_on_time_rate=rate(f.resolutions_on_time, f.resolutions_due),
        satisfaction_after_resolution=satisfaction_score(f.confirmation_rating_sum, f.confirmations),
        satisfied_rate=rate(f.confirmations_satisfied, f.confirmations),
        suggestion_adoption_rate=rate(f.suggestions_adopted, f.suggestions_decided),
    )
