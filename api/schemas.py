"""Response shapes of the HTTP API (request bodies are domain.models' `*In`)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from domain.models import Channel, Decision, Gate, Level, Role, Stage
from domain.project import Kpis, Reporting
from domain.visibility import ViewPart
from store.inbox import InboxItem
from store.reads import HistoryEvent, TaskRecord


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


class PendingView(BaseModel):
    """Who the project waits on, and until when (RULES §Deadlines and escalation)."""

    kind: str = Field(description="assessment, approval, plan, results, rectification or acceptance")
    gate: Gate | None = None
    role: Role
    user_id: str | None = None
    user_name: str | None = Field(default=None, description="Staff name; null for a role or a customer")
    department: str | None = None
    since: datetime
    due_at: datetime = Field(description="Deadline, counted in working days (docs/calendar.md)")
    steps_done: int = Field(default=0, description="Escalation steps fired: above 0 it is overdue")
    description: str = ""


class MilestoneView(BaseModel):
    name: str
    due_date: date = Field(description="Planned date")
    done_on: date | None = Field(default=None, description="Actual date")


class PlanView(BaseModel):
    goals: str
    responsibilities: str
    resources: str = ""
    milestones: list[MilestoneView] = Field(default_factory=list)


class ApprovalView(BaseModel):
    gate: Gate
    level: Role
    decision: Decision
    by_user_id: str
    by_name: str
    at: datetime
    comment: str = ""
    round: int = 1
    on_behalf_of_id: str | None = Field(default=None, description="The approver operations decided for")
    on_behalf_of_name: str | None = None


class WarningView(BaseModel):
    active: bool = False
    reasons: list[str] = Field(default_factory=list)
    raised_at: datetime | None = None
    cause: str | None = None
    analysis: str | None = None
    analysis_due_at: datetime | None = None
    analysis_user_id: str | None = Field(default=None, description="The user the cause analysis was reassigned to; "
                                         "null: any dept_head of the department")  # fmt: skip


class ProjectView(BaseModel):
    """One project as recorded after its last step."""

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
    expected_cycle_days: int | None = Field(default=None, description="Calendar days (as last re-baselined)")
    budget: Decimal | None = Field(default=None, description="Yuan")
    expected_revenue: Decimal | None = Field(default=None, description="Expected revenue 预计收入 in yuan, if given")
    initiation_levels: list[Role] = Field(default_factory=list, description="Who approves initiation, in order")
    pending: PendingView | None = Field(default=None, description="Who the project waits on, and until when")
    plan: PlanView | None = None
    milestones: list[MilestoneView] = Field(default_factory=list)
    approvals: list[ApprovalView] = Field(default_factory=list)
    tasks: list[TaskRecord] = Field(default_factory=list, description="Rectification tasks 整改")
    reports: Reporting | None = Field(default_factory=Reporting, description="Null: withheld from the reader")
    kpis: Kpis | None = Field(default_factory=Kpis, description="Live for a running project, frozen once finished; "
                              "null: withheld from the reader")  # fmt: skip
    warning: WarningView | None = Field(default_factory=WarningView, description="Null: withheld from the reader")
    overdue: bool | None = Field(default=False, description="Null: withheld from the reader")
    ratings: list[int] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None = None
    archive_bundle_id: str | None = None
    cancel_reason: str | None = None
    history: list[HistoryEvent] = Field(default_factory=list, description="Recorded events in order; a customer "
                                        "sees the steps about them only (domain/visibility.py)")  # fmt: skip
    customer: CustomerView | None = Field(
        default=None,
        description="Customer personal data: full for authorised staff and the customer, masked for auditors",
    )
    withheld: list[ViewPart] = Field(default_factory=list, description=(
        "The parts of the project kept from this reader (domain/visibility.py): their fields are null or empty. "
        "A customer is not shown the assessment (risk level, difficulty, expected cycle, budget), the plan's "
        "internals, approvals, rectification tasks, weekly reports, KPIs, warnings, deadlines and escalations, "
        "the risk register or the closing notes"))  # fmt: skip
    allowed_actions: list[str] = Field(
        default_factory=list,
        description="What the reader may do next, the pending action first (domain/allowed_actions.py): "
        "`assessment`, `plan`, `decision`, `report`, `results`, `acceptance`, `warning_analysis`, `risk_add`, "
        "`risk_update`, `task:<id>` per rectification task they may close, and operations' `decide_for`, "
        "`reassign`, `extend`, `cancel`, `dispose`",
    )


class ProjectAnswer(BaseModel):
    """A project action's brief answer, for a caller that asked for less (`Prefer:
    return=minimal`): what the workflow's update answered once the action's steps were
    recorded, without reading the project back. `GET /v1/projects/{id}` reads the rest."""

    id: str = Field(description="The project's id")
    stage: Stage = Field(description="Its stage once the action was recorded")
    seq: int = Field(description="Number of its last recorded step")


class Inbox(BaseModel):
    items: list[InboxItem]


class Health(BaseModel):
    status: str = "ok"
