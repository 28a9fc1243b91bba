"""Company policy as data: SLAs in working days, escalation chains, thresholds.

A policy travels inside the workflow input, so a running project keeps the policy it
started with and a changed policy file (JINDU_POLICY_FILE) applies to new projects
without code changes. RULES §Deadlines and escalation, §Progress anomaly warnings.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from domain.appraisal_deals import DealTargets
from domain.approval_authority import ApprovalAuthority
from domain.attachments import AttachmentPolicy
from domain.customers_policy import CustomerPolicy
from domain.retention import RetentionPolicy
from domain.sla import Duration, WorkingHours


class EscalationStep(BaseModel):
    """One step of a chain, `after_working_days` counted from the deadline.

    `remind` notifies the assignee; `escalate` notifies the role `levels_up` levels
    above the assignee on the ladder agent → dept_head → executive.
    """

    after_working_days: int = Field(default=0, ge=0, le=60)
    action: Literal["remind", "escalate"]
    levels_up: int = Field(default=0, ge=0, le=2)

    @model_validator(mode="after")
    def _escalation_goes_up(self) -> EscalationStep:
        if self.action == "escalate" and self.levels_up < 1:
            raise ValueError("an escalate step needs levels_up >= 1")
        return self


def default_chain() -> list[EscalationStep]:
    return [
        EscalationStep(after_working_days=0, action="remind"),
        EscalationStep(after_working_days=1, action="escalate", levels_up=1),
        EscalationStep(after_working_days=2, action="escalate", levels_up=2),
    ]


class SlaPolicy(Duration):
    """`{"working_days": n}`, `{"working_hours": n}` or `{"minutes": n}` (domain/sla.py), and
    the chain that follows its deadline."""

    working_days: int = Field(default=0, ge=0, le=250)
    chain: list[EscalationStep] = Field(default_factory=default_chain)

    @model_validator(mode="after")
    def _one_unit(self) -> SlaPolicy:
        if not self.model_fields_set & {"working_days", "working_hours", "minutes"}:
            raise ValueError("an SLA needs working_days, working_hours or minutes")
        if self.working_hours is not None and self.minutes is not None or (
                self.working_days and (self.working_hours is not None or self.minutes is not None)):  # fmt: skip
            raise ValueError("an SLA is written in one of working_days, working_hours or minutes")
        return self

    @model_validator(mode="after")
    def _ordered(self) -> SlaPolicy:
        offsets = [s.after_working_days for s in self.chain]
        if offsets != sorted(offsets):
            raise ValueError("escalation steps must be ordered by after_working_days")
        return self


# SLA names used by the workflow; 004 第5篇 gives 1-3 working days per step.
SLA_NAMES = (
    "assessment",
    "initiation_approval",
    "planning",
    "plan_approval",
    "execution",
    "result_review",
    "rectification",
    "customer_acceptance",
    "rectification_task",
    "warning_analysis",
    "risk_review",  # due at the risk's review date; only its chain is used
    "complaint_first_reply",
    "complaint_resolution",
    "complaint_confirmation",
    "revisit",
    "deal_confirmation",  # issue 14: the dept head confirms a recorded deal 成交
    "visit_registration",  # issue 14: a visit entered within 30 working minutes (004 第4篇 §3)
    "consultation_first_response",  # issue 14: a lead registered for its owner answered first (003 4.1)
)


def default_slas() -> dict[str, SlaPolicy]:
    days = {
        "assessment": 3,
        "initiation_approval": 3,
        "planning": 5,
        "plan_approval": 3,
        "execution": 0,  # due at the last milestone's date, counted from there
        "result_review": 3,
        "rectification": 5,
        "customer_acceptance": 5,
        "rectification_task": 5,
        "warning_analysis": 2,
        "risk_review": 0,
        "complaint_first_reply": 1,  # 002 §2(3): answered within a stated time
        "complaint_resolution": 5,
        "complaint_confirmation": 5,
        "revisit": 5,
        "deal_confirmation": 2,
    }
    slas = {name: SlaPolicy(working_days=d) for name, d in days.items()}
    slas["visit_registration"] = SlaPolicy(minutes=30)  # only its length is used (timeliness)
    slas["consultation_first_response"] = SlaPolicy(minutes=30)  # then the grade's escalation and pool
    return slas


class WarningThresholds(BaseModel):
    """000 §3(3): completion < 80%, deviation > 20%, satisfaction < 80."""

    min_completion_rate: float = 80.0
    max_cycle_deviation_rate: float = 20.0
    min_satisfaction_score: float = 80.0


class CalendarPolicy(BaseModel):
    timezone: str = "Asia/Shanghai"
    cutoff_hour: int = Field(default=18, ge=1, le=24)
    working_hours: WorkingHours = Field(default_factory=WorkingHours, description="SLAs in hours count these")
    extra_holidays: list[date] = Field(default_factory=list)
    extra_workdays: list[date] = Field(default_factory=list)


class WeeklyReportPolicy(BaseModel):
    weekday: int = Field(default=4, ge=0, le=6, description="0 = Monday … 4 = Friday")
    hour: int = Field(default=18, ge=0, le=23)
    escalate_after_missed: int = Field(default=2, ge=1)


class RiskPolicy(BaseModel):
    """000 §5, 001 业务风险管理制度: when a risk needs the dept_head's (and executive's) attention."""

    expected_loss_threshold: Decimal = Field(default=Decimal("100000"), ge=0,
                                             description="Yuan: probability × loss above it notifies")  # fmt: skip
    notify_executive: bool = Field(default=True, description="High risks also notify the executive")


class RevisitPolicy(BaseModel):
    """回访 (002 §2(3)3, 003 §4.3): a revisit task after completion."""

    after_working_days: int = Field(default=3, ge=0, le=60, description="Working days after completion")
    later_days: list[Annotated[int, Field(gt=0, le=3650)]] = Field(
        default_factory=list, max_length=12,
        description="Calendar days after completion of the later revisits 定期回访 (e.g. [30, 180]; issue 14)")
    assignee: Literal["agent", "customer_service"] = Field(
        default="agent",
        description="Who each revisit round is for: the project's agent, or customer service 客服 of the project's "
                    "department (or the whole company), addressed like a complaint (docs/service.md; issue 14)")


class AppraisalWeights(BaseModel):
    """000 §7, 001 业务质量考核制度: weights of the scorecard's total (they need not sum to 100;
    the total is the weighted mean of the figures that exist)."""

    completion: float = Field(default=20, ge=0)
    deviation: float = Field(default=15, ge=0)
    satisfaction: float = Field(default=25, ge=0)
    first_pass: float = Field(default=10, ge=0)
    report_timeliness: float = Field(default=10, ge=0)
    complaints_on_time: float = Field(default=10, ge=0)
    risk: float = Field(default=10, ge=0)
    # Deals and follow-ups (issue 14; 001 业务质量考核 §1, 003 3.4, 004 第4篇 §3, §10): docs/appraisal.md.
    deals: float = Field(default=10, ge=0, description="Confirmed deals 成交数量 against their par")
    deal_value: float = Field(default=10, ge=0, description="Confirmed deal value 成交金额 against its par")
    commission: float = Field(default=10, ge=0, description="Commission 佣金 against its par")
    follow_up_timeliness: float = Field(default=10, ge=0, description="Follow-ups entered on time, percent")
    deal_targets: DealTargets | None = Field(default=None, description="Per agent per month; none: the par is "
                                             "the department's average of the period")
    # The risk figure (000 §7(一)3: events and losses) is a deduction from 100, so it needs
    # its scale; docs/appraisal.md.
    risk_points_per_event: float = Field(default=20, ge=0, description="Score points off per risk event")
    risk_points_per_10k_yuan: float = Field(default=1, ge=0, description="Score points off per 10,000 yuan lost")


class ProjectPolicy(BaseModel):
    calendar: CalendarPolicy = Field(default_factory=CalendarPolicy)
    slas: dict[str, SlaPolicy] = Field(default_factory=default_slas)
    executive_budget_threshold: Decimal = Decimal("500000")
    approval_authority: ApprovalAuthority = Field(
        default_factory=ApprovalAuthority, description="Who approves each gate (domain/approval_authority.py)")
    allow_zero_budget: bool = Field(default=False, description="Accept an in-scope assessment with a budget of 0 "
                                                               "(domain/commands.py check_budget)")  # fmt: skip
    weekly_report: WeeklyReportPolicy = Field(default_factory=WeeklyReportPolicy)
    warnings: WarningThresholds = Field(default_factory=WarningThresholds)
    risk: RiskPolicy = Field(default_factory=RiskPolicy)
    revisit: RevisitPolicy = Field(default_factory=RevisitPolicy)
    appraisal: AppraisalWeights = Field(default_factory=AppraisalWeights)
    retention: RetentionPolicy = Field(default_factory=RetentionPolicy)  # operational rows (store/retention.py)
    customers: CustomerPolicy = Field(default_factory=CustomerPolicy)
    attachments: AttachmentPolicy = Field(default_factory=AttachmentPolicy)  # limits (domain/attachments.py)

    @model_validator(mode="after")
    def _every_sla_named(self) -> ProjectPolicy:
        unknown = set(self.slas) - set(SLA_NAMES)
        if unknown:
            raise ValueError(f"unknown SLA names: {sorted(unknown)}")
        merged = default_slas()
        if "visit_registration_minutes" in self.customers.model_fields_set:  # the older way to write it
            merged["visit_registration"] = SlaPolicy(minutes=self.customers.visit_registration_minutes)
        merged.update(self.slas if "slas" in self.model_fields_set else {})
        self.slas = merged
        return self

    def sla(self, name: str) -> SlaPolicy:
        return self.slas[name]


@lru_cache(maxsize=64)
def shared_policy(json_text: str) -> ProjectPolicy:
    """One ProjectPolicy object per distinct policy: the projects of a company share it (it
    is never changed once a project has it)."""
    return ProjectPolicy.model_validate_json(json_text)
