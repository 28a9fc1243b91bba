"""Response shapes of the HTTP API (request bodies are domain.models' `*In`)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from domain.models import (
    ApprovalRecord,
    Channel,
    Kpis,
    Level,
    MilestoneState,
    PendingAction,
    PlanIn,
    RectificationTask,
    Role,
    Stage,
    WarningState,
    WeeklyReportTracker,
)
from store.reads import HistoryEvent, InboxItem, ProjectRecord


class CustomerView(BaseModel):
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    company: str | None = None
    user_id: str | None = None
    masked: bool = Field(default=False, description="True when the fields are masked (auditors)")


def mask_text(value: str | None) -> str | None:
    """张三丰 → 张**: enough for an auditor to match records, not to identify the person."""
    if not value:
        return value
    return value[0] + "*" * max(len(value) - 1, 1)


def mask_phone(value: str | None) -> str | None:
    """13812345678 → 138****5678."""
    if not value:
        return value
    if len(value) <= 7:
        return value[:1] + "*" * (len(value) - 1)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_email(value: str | None) -> str | None:
    if not value:
        return value
    local, at, domain = value.partition("@")
    return (mask_text(local) or "") + at + domain


def masked_customer(data: dict) -> CustomerView:
    return CustomerView(
        name=mask_text(data.get("name")),
        phone=mask_phone(data.get("phone")),
        email=mask_email(data.get("email")),
        company=mask_text(data.get("company")),
        user_id=data.get("user_id"),
        masked=True,
    )


class ProjectView(BaseModel):
    """One project as stored after its last recorded step."""

    id: str
    stage: Stage
    department: str
    business_type: str
    channel: Channel
    requirement: str
    agent_id: str
    agent_name: str
    customer_user_id: str | None = None
    risk_level: Level | None = None
    difficulty: Level | None = None
    expected_cycle_days: int | None = None
    budget: Decimal | None = None
    initiation_levels: list[Role] = Field(default_factory=list)
    pending: PendingAction | None = Field(default=None, description="Who the project waits on, and until when")
    plan: PlanIn | None = None
    milestones: list[MilestoneState] = Field(default_factory=list)
    approvals: list[ApprovalRecord] = Field(default_factory=list)
    tasks: list[RectificationTask] = Field(default_factory=list, description="Rectification tasks 整改")
    reports: WeeklyReportTracker = Field(default_factory=WeeklyReportTracker)
    kpis: Kpis = Field(default_factory=Kpis)
    warning: WarningState = Field(default_factory=WarningState)
    overdue: bool = False
    ratings: list[int] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None = None
    archive_bundle_id: str | None = None
    cancel_reason: str | None = None
    history: list[HistoryEvent] = Field(default_factory=list, description="Recorded events in order")
    customer: CustomerView | None = Field(
        default=None,
        description="Customer personal data: full for authorised staff and the customer, masked for auditors",
    )

    @classmethod
    def of(cls, record: ProjectRecord, history: list[HistoryEvent], customer: CustomerView | None) -> ProjectView:
        s = record.state
        return cls(
            id=record.id,
            stage=s.stage,
            department=s.department,
            business_type=s.business_type,
            channel=s.channel,
            requirement=s.requirement,
            agent_id=s.agent_id,
            agent_name=s.agent_name,
            customer_user_id=s.customer_user_id,
            risk_level=s.risk_level,
            difficulty=s.difficulty,
            expected_cycle_days=s.expected_cycle_days,
            budget=s.budget,
            initiation_levels=s.initiation_levels,
            pending=s.pending,
            plan=s.plan,
            milestones=s.milestones,
            approvals=s.approvals,
            tasks=s.tasks,
            reports=s.reports,
            kpis=s.kpis,
            warning=s.warning,
            overdue=record.overdue,
            ratings=s.ratings,
            created_at=s.created_at,
            updated_at=s.updated_at,
            completed_at=s.completed_at,
            archive_bundle_id=s.archive_bundle_id,
            cancel_reason=s.cancel_reason,
            history=history,
            customer=customer,
        )


class Inbox(BaseModel):
    items: list[InboxItem]


class Health(BaseModel):
    status: str = "ok"
