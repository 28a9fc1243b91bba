"""What people send about complaints, revisits and suggestions, and what their workflows
start from, record and answer (RULES §Complaints and feedback, §lifecycle 11 回访).

Like the project's commands (domain/commands.py), every field is bounded and storable and
the same models validate the update inputs inside the workflows. A workflow carries ids,
roles and staff names only: a complaint's content and contact stay in PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeAlias

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    StringConstraints,
    field_serializer,
    field_validator,
    model_validator,
)

from domain.calendar import OfficialDates, shared_dates
from domain.commands import MAX_OBJECTIONS, PROJECT_ID_PATTERN, Command, Email, Objection, Phone, Strict
from domain.models import Actor, Channel
from domain.policy import ProjectPolicy, shared_policy
from domain.steps import Notice, Step
from domain.text import Comment, LongText, Name, RequiredComment, RequiredLong, storable

COMPLAINT_ID_PATTERN = PROJECT_ID_PATTERN
CONTENT_MAX = 4_000
MAX_SUGGESTIONS = 10
Content: TypeAlias = Annotated[str, StringConstraints(min_length=1, max_length=CONTENT_MAX), AfterValidator(storable)]


class ComplaintStatus(StrEnum):
    """open: no reply yet; in_progress: replied, not yet answered (also after a reopening);
    answered: the answer is with the customer, awaiting their confirmation; closed: confirmed."""

    open = "open"
    in_progress = "in_progress"
    answered = "answered"
    closed = "closed"


class RevisitStatus(StrEnum):
    scheduled = "scheduled"
    open = "open"
    done = "done"


# --------------------------------------------------------------------------- request bodies


class ContactIn(Strict):
    """Who complained and how to reach them: stored encrypted, never sent to Temporal."""

    name: Name | None = Field(default=None, description="The complainant's name (stored encrypted)")
    phone: Phone | None = Field(default=None, description="Phone (stored encrypted)")
    email: Email | None = Field(default=None, description="E-mail (stored encrypted)")

    @model_validator(mode="after")
    def _something(self) -> ContactIn:
        if not (self.name or self.phone or self.email):
            raise ValueError("a contact needs a name, a phone or an e-mail")
        return self


class ComplaintIn(Strict):
    """A complaint 投诉 (002 §2(3)2, 003 §4.3): what, how it came in, about which project, from whom."""

    content: Content = Field(description="What the complaint is about, up to 4,000 characters")
    channel: Channel = Field(description="How it was received: phone, email, visit or online")
    project_id: str | None = Field(default=None, pattern=PROJECT_ID_PATTERN,
                                   description="The project it is about; required from a customer (their own)")
    contact: ContactIn | None = None


class Finding(StrEnum):
    """Customer service's finding on a complaint (003 四, 4.3)."""

    valid = "valid"  # 属实: apology and handling
    unfounded = "unfounded"  # 不属实: explanation


class ComplaintReplyIn(Strict):
    """A reply by the assignee or above. `resolved`, or an `unresolved_reason`, makes it the
    answer the customer confirms; otherwise it is an interim reply (the first one meets the
    first-reply deadline) and the resolution is still owed."""

    reply: RequiredLong = Field(description="The reply sent to the customer, up to 4,000 characters")
    resolved: bool = Field(description="True: the complaint is resolved")
    unresolved_reason: LongText | None = Field(
        default=None, description="What could not be solved, and why: recorded as such; makes the reply the answer")
    rectification: list[Objection] = Field(
        default_factory=list, max_length=MAX_OBJECTIONS,
        description="Rectification tasks to open in the complaint's running project, one per text")
    coordinate: list[Name] = Field(
        default_factory=list, max_length=MAX_OBJECTIONS,
        description="Departments customer service asks to help (their dept heads are told and may reply)")
    finding: Finding | None = Field(
        default=None, description="Customer service's finding: `valid` (with `apology` and `handling`) or "
                                  "`unfounded` (with `explanation`); required on an answer routed through them")
    apology: LongText | None = Field(default=None, description="The apology, when the complaint was found valid")
    handling: LongText | None = Field(default=None, description="How it is handled, when found valid")
    explanation: LongText | None = Field(default=None, description="The explanation, when found unfounded")

    @model_validator(mode="after")
    def _consistent(self) -> ComplaintReplyIn:
        if self.resolved and self.unresolved_reason:
            raise ValueError("a resolved complaint has no unresolved_reason")
        if self.unresolved_reason is not None and not self.unresolved_reason.strip():
            raise ValueError("unresolved_reason must not be blank")
        if self.finding == Finding.valid and not ((self.apology or "").strip() and (self.handling or "").strip()):
            raise ValueError("a complaint found valid needs an apology and its handling")
        if self.finding == Finding.unfounded and not (self.explanation or "").strip():
            raise ValueError("a complaint found unfounded needs an explanation")
        if self.finding is None and (self.apology or self.handling or self.explanation):
            raise ValueError("apology, handling and explanation go with a finding")
        return self

    @property
    def is_answer(self) -> bool:
        return self.resolved or bool(self.unresolved_reason) or self.finding is not None


class ComplaintConfirmationIn(Strict):
    satisfied: bool = Field(description="False reopens the complaint for another round")
    rating: int = Field(ge=1, le=5, description="Satisfaction, 1 very dissatisfied … 5 very satisfied")
    comment: Comment = ""
    suggestions: list[RequiredComment] = Field(default_factory=list, max_length=MAX_SUGGESTIONS,
                                               description="Suggestions 建议, recorded to be adopted or not")


class RevisitIn(Strict):
    """A revisit 回访 after completion (002 §2(3)3)."""

    rating: int = Field(ge=1, le=5, description="Satisfaction, 1 very dissatisfied … 5 very satisfied")
    comments: RequiredLong = Field(description="What the customer said, up to 4,000 characters")
    suggestions: list[RequiredComment] = Field(default_factory=list, max_length=MAX_SUGGESTIONS,
                                               description="Suggestions 建议, recorded to be adopted or not")


class SuggestionDecisionIn(Strict):
    adopted: bool = Field(description="True: the suggestion is adopted")
    comment: Comment = ""


# --------------------------------------------------------------------------- workflow commands


class ReplyCommand(Command):
    body: ComplaintReplyIn


class ConfirmCommand(Command):
    body: ComplaintConfirmationIn


class RevisitCommand(Command):
    body: RevisitIn


class Carries(BaseModel):
    """A start input's policy and official dates: None for a new workflow (recorded by its
    `setup` local activity), set when it continues as new, as shared JSON text."""

    policy: ProjectPolicy | None = Field(default=None, description="None: the worker's, recorded at start")
    calendar: OfficialDates | None = Field(default=None, description="None: the official dates, recorded at start")

    @field_validator("policy", mode="before")
    @classmethod
    def _shared_policy(cls, value: Any) -> Any:
        return shared_policy(value) if isinstance(value, str) else value

    @field_validator("calendar", mode="before")
    @classmethod
    def _shared_dates(cls, value: Any) -> Any:
        return shared_dates(value) if isinstance(value, str) else value

    @field_serializer("policy", "calendar", when_used="json")
    def _as_json_text(self, value: BaseModel | None) -> str | None:
        return None if value is None else value.model_dump_json()


class ComplaintStart(Carries):
    """ComplaintWorkflow's input, from the complaint row the API wrote first. `agent` is the
    project's agent (staff); `customer_user_id` the account that may confirm, if any."""

    complaint_id: str = Field(pattern=COMPLAINT_ID_PATTERN)
    project_id: str | None = None
    department: str | None = None
    agent: Actor | None = None
    customer_user_id: str | None = None
    channel: Channel
    filed_by: Actor
    filed_at: datetime
    customer_service: bool = Field(default=False, description="The company has customer service (客服): the "
                                                              "complaint goes to them first (issue 14)")
    carried: str | None = Field(default=None, description="The state as JSON, when continued as new")


class RevisitStart(Carries):
    """RevisitWorkflow's input, from the completed project (ProjectWorkflow starts it)."""

    project_id: str
    department: str
    agent: Actor
    customer_user_id: str | None = None
    completed_at: datetime
    carried: str | None = Field(default=None, description="The state as JSON, when continued as new")


class ServiceBatch(BaseModel):
    """One batch of a complaint's or revisit's steps, written in one transaction by
    `record_complaint` / `record_revisit`; `version` counts the batches."""

    subject_id: str = Field(description="The complaint id, or the revisited project's id")
    project_id: str | None = None
    version: int
    at: datetime
    steps: list[Step] = Field(default_factory=list)
    view: dict[str, Any] = Field(default_factory=dict, description="The whole read model")
    notices: list[Notice] = Field(default_factory=list)
    run_id: str = Field(default="", description="The fence, as a project's RecordBatch (store/fencing.py)")
    task: int = 0
    base_seq: int = 0


class ServiceAck(BaseModel):
    """What a complaint's or revisit's update answers: read the rest from PostgreSQL."""

    seq: int
    status: str


class ProjectCall(BaseModel):
    """A complaint asks its project to open rectification tasks or to take a rating, once
    (`update_id` is fixed per step, so a retried activity applies it once)."""

    project_id: str
    update_id: str
    kind: Literal["tasks", "rating"]
    actor: Actor
    complaint_id: str
    descriptions: list[str] = Field(default_factory=list)
    rating: int | None = None


class ProjectAnswer(BaseModel):
    applied: bool
    reason: str = Field(default="", max_length=500, description="Why not, when not applied")
    task_ids: list[str] = Field(default_factory=list)
