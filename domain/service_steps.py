"""Complaints' and revisits' steps (domain/complaints.py, domain/revisits.py), kinds of
domain/step_kinds.py. Their ratings are `Rated` and `SatisfactionWarning`, as a project's."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from domain.models import Channel, Role
from domain.step_kinds import Facts, Time


class Filed(Facts):
    kind: Literal["filed"] = "filed"
    channel: Channel
    project_id: str | None = None
    assignee_role: Role
    first_reply_due_at: Time
    resolution_due_at: Time


class Replied(Facts):
    """The reply is the step's comment; `answer` when it awaits the customer's confirmation."""

    kind: Literal["replied"] = "replied"
    round: int
    resolved: bool
    answer: bool
    unresolved_reason: str | None = None
    rectification: list[str] = Field(default_factory=list)
    first: bool
    on_time: bool | None = None
    coordinate: list[str] = Field(default_factory=list)  # departments asked to help (customer service)
    finding: str | None = None  # valid / unfounded
    apology: str | None = None
    handling: str | None = None
    explanation: str | None = None


class TasksOpened(Facts):
    kind: Literal["tasks_opened"] = "tasks_opened"
    project_id: str | None = None
    reply_seq: int
    task_ids: list[str] = Field(default_factory=list)


class TasksNotOpened(Facts):
    """Why not is the step's comment (a finished project takes none)."""

    kind: Literal["tasks_not_opened"] = "tasks_not_opened"
    project_id: str | None = None
    reply_seq: int
    task_ids: list[str] = Field(default_factory=list)


class Confirmed(Facts):
    kind: Literal["confirmed"] = "confirmed"
    satisfied: bool
    rating: int | None = None
    round: int
    on_behalf: bool
    suggestions: list[str] = Field(default_factory=list)


class Closed(Facts):
    kind: Literal["closed"] = "closed"
    round: int
    resolved: bool | None = None


class Reopened(Facts):
    kind: Literal["reopened"] = "reopened"
    round: int
    resolution_due_at: Time


class RatingSent(Facts):
    kind: Literal["rating_sent"] = "rating_sent"
    project_id: str | None = None
    rating: int


class RevisitScheduled(Facts):
    kind: Literal["revisit_scheduled"] = "revisit_scheduled"
    agent_id: str
    completed_at: Time
    opens_at: Time
    round: int = 1


class RevisitOpened(Facts):
    """For the agent by id; for customer service (`assignee_role`, issue 14) by role and department."""

    kind: Literal["revisit_opened"] = "revisit_opened"
    assignee_id: str | None = None
    assignee_role: Role = Role.agent
    due_at: Time


class RevisitDone(Facts):
    """What the customer said is the step's comment."""

    kind: Literal["revisit_done"] = "revisit_done"
    rating: int
    suggestions: list[str] = Field(default_factory=list)
    on_time: bool
