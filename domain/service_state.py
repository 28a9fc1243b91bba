"""The state of one complaint and of one revisit: what their rules decide on, ids and roles
only. Texts (content, replies, comments) and the contact are recorded in PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from domain.calendar import DatesAsText, OfficialDates
from domain.models import Actor, Channel, Role
from domain.project import Wait
from domain.service_models import ComplaintStatus, RevisitStatus


class Subject(DatesAsText):
    """What complaints and revisits share with a project's state: the step counter, the
    batches recorded, the update ids seen, and the official dates it decides on."""

    seq: int = 0
    batches: int = 0
    updated_at: datetime
    recent_updates: list[str] = Field(default_factory=list)
    calendar: OfficialDates = Field(default_factory=OfficialDates)

    def waits(self) -> list[Wait]:
        raise NotImplementedError

    def is_overdue(self) -> bool:
        return any(w.overdue for w in self.waits())


class ComplaintState(Subject):
    complaint_id: str
    project_id: str | None = None
    department: str | None = None
    agent: Actor | None = None
    customer_user_id: str | None = None
    channel: Channel
    assignee_role: Role
    status: ComplaintStatus = ComplaintStatus.open
    round: int = 1
    filed_at: datetime
    first_reply: Wait | None = None
    resolution: Wait | None = None
    confirmation: Wait | None = None
    first_reply_due_at: datetime
    resolution_due_at: datetime
    first_replied_at: datetime | None = None
    answered_at: datetime | None = None
    resolved: bool | None = None
    satisfied: bool | None = None
    rating: int | None = None
    closed_at: datetime | None = None
    replies: int = 0
    coordinating: list[str] = Field(default_factory=list)  # departments customer service asked to help
    finding: str | None = None  # valid / unfounded, customer service's last finding

    def notice_scope(self) -> tuple[dict[str, Any], str | None]:
        scope: dict[str, Any] = {"complaint_id": self.complaint_id}
        if self.project_id:
            scope["project_id"] = self.project_id
        return scope, self.department

    def waits(self) -> list[Wait]:
        return [w for w in (self.first_reply, self.resolution, self.confirmation) if w is not None]

    def due_at(self) -> datetime | None:
        return min((w.due_at for w in self.waits()), default=None)

    def read_view(self) -> dict[str, Any]:
        """The complaints row's changing columns (store/complaint_records.py)."""
        return {
            "status": self.status.value, "round": self.round, "assignee_role": self.assignee_role.value,
            "first_reply_due_at": at(self.first_reply_due_at), "first_replied_at": at(self.first_replied_at),
            "resolution_due_at": at(self.resolution_due_at), "answered_at": at(self.answered_at),
            "confirmation_due_at": at(self.confirmation.due_at if self.confirmation else None),
            "due_at": at(self.due_at()), "overdue": self.is_overdue(), "resolved": self.resolved,
            "satisfied": self.satisfied, "rating": self.rating, "closed_at": at(self.closed_at),
            "coordinating": self.coordinating, "finding": self.finding,
        }  # fmt: skip


def at(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


class Measure(Wait):
    """A measure 整改措施 of a satisfaction warning raised after completion: a rectification
    task of the project, tracked by its revisit (domain/revisit_after.py)."""

    id: str
    summary: str = ""


class RevisitState(Subject):
    project_id: str
    department: str
    agent: Actor
    customer_user_id: str | None = None
    completed_at: datetime
    opens_at: datetime
    status: RevisitStatus = RevisitStatus.scheduled
    task: Wait | None = None
    rating: int | None = None
    done_at: datetime | None = None
    follow_up: bool = False  # issue 14: later revisits and the warning's analysis (workflow patch)
    sla_in_hours: bool = False  # issue 14: its task's SLA may be in working hours or minutes (workflow patch)
    assignee_role: Role = Role.agent  # issue 14: customer_service, by role and department (workflow patch)
    round: int = 1
    later: list[datetime] = Field(default_factory=list)  # when the later revisits open
    analysis: Wait | None = None  # a satisfaction warning awaiting the dept_head's cause analysis
    cause: str | None = None
    measures: list[Measure] = Field(default_factory=list)
    measures_opened: int = 0

    def notice_scope(self) -> tuple[dict[str, Any], str | None]:
        return {"project_id": self.project_id}, self.department

    def waits(self) -> list[Wait]:
        task = [self.task] if self.task is not None and self.status == RevisitStatus.open else []
        return task + [w for w in (self.analysis, *self.measures) if w is not None]

    def assignee_user_id(self) -> str | None:
        """The agent's id; none for customer service, who hold it by role and department."""
        if self.assignee_role != Role.agent:
            return None
        return self.task.user_id if self.task else self.agent.user_id

    def read_view(self) -> dict[str, Any]:
        """The revisits row's changing columns (store/service_records.py)."""
        return {
            "status": self.status.value, "opens_at": self.opens_at.isoformat(),
            "due_at": self.task.due_at.isoformat() if self.task else None,
            "assignee_role": self.assignee_role.value, "assignee_user_id": self.assignee_user_id(),
            "escalations": self.task.steps_done if self.task else 0, "overdue": self.is_overdue(),
            "rating": self.rating, "done_at": self.done_at.isoformat() if self.done_at else None,
        }  # fmt: skip
