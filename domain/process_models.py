"""One process instance (issue 15): what its workflow starts from, its state, the actions people
send, what it records and answers. Like complaints (domain/service_models.py) it carries ids,
roles and staff names; the template and the form travel in its input, so a replay never
reads a template file and a new template version leaves it alone.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.commands import Command
from domain.models import Actor, Role
from domain.process_template import NODE_ID_PATTERN, Mode, ProcessTemplate
from domain.project import Wait
from domain.service_models import Carries
from domain.service_state import Subject
from domain.steps import Notice, Step
from domain.text import Comment, Name

PROCESS_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{2,40}$"
Action = Literal["approve", "reject", "return", "withdraw", "transfer", "add_signer", "urge", "comment", "complete"]


class ProcessStatus(StrEnum):
    running = "running"
    completed = "completed"  # every node passed
    rejected = "rejected"
    withdrawn = "withdrawn"


class Slot(BaseModel):
    """One place an approval or task waits on: a person, or a role (in a department). A slot
    opens when every slot it is `blocked_by` has approved (依次, 加签)."""

    id: str
    role: Role
    department: str | None = None
    user_id: str | None = None
    user_name: str | None = None
    blocked_by: list[str] = Field(default_factory=list)
    added_by: str | None = Field(default=None, description="An after-signer's: the slot that added it")
    decision: Literal["approve", "reject"] | None = None
    by_id: str | None = None

    def label(self) -> str:
        if self.user_name:
            return self.user_name
        return f"{self.role.value}@{self.department}" if self.department else self.role.value

    def held_by(self, actor: Actor) -> bool:
        if self.user_id is not None:
            return actor.user_id == self.user_id
        return actor.role == self.role and (self.department is None or actor.department == self.department)


class NodeRun(BaseModel):
    """The node the process is at, from when it was reached."""

    node_id: str
    type: Literal["approval", "task"]
    mode: Mode = "any"
    slots: list[Slot]
    since: datetime
    due_at: datetime | None = None
    timed_out: bool = False
    chain_done: int = 0
    slots_made: int = 0

    def slot(self, slot_id: str) -> Slot:
        return next(s for s in self.slots if s.id == slot_id)

    def open_slots(self) -> list[Slot]:
        approved = {s.id for s in self.slots if s.decision == "approve"}
        return [s for s in self.slots if s.decision is None and set(s.blocked_by) <= approved]

    def passed(self) -> bool:
        """会签 and 依次: every slot approved; 或签: one first-placed slot and its after-signers."""
        if self.mode != "any":
            return all(s.decision == "approve" for s in self.slots)
        for s in self.slots:
            group = [x for x in self.slots if x.added_by == s.id]
            if s.added_by is None and s.decision == "approve" and all(x.decision == "approve" for x in group):
                return True
        return False


class ProcessState(Subject):
    process_id: str
    template_key: str
    template_name: str
    version: int
    applicant: Actor
    department: str | None = None
    status: ProcessStatus = ProcessStatus.running
    current: NodeRun | None = None
    visited: list[str] = Field(default_factory=list, description="Nodes passed, in order (where 退回 may go)")
    decided: bool = Field(default=False, description="Someone decided: the applicant can no longer withdraw")
    answers: dict[str, Any] = Field(default_factory=dict, description="Fields tasks filled in, for later conditions")
    started_at: datetime
    ended_at: datetime | None = None

    def notice_scope(self) -> tuple[dict[str, Any], str | None]:
        return {"process_id": self.process_id, "template": self.template_name}, self.department

    def waits(self) -> list[Wait]:
        c = self.current
        if c is None or c.due_at is None or self.status != ProcessStatus.running:
            return []
        return [Wait(sla=f"process:{c.node_id}", role=s.role, user_id=s.user_id, user_name=s.user_name,
                     department=s.department, since=c.since, due_at=c.due_at, steps_done=int(c.timed_out))
                for s in c.open_slots()]  # fmt: skip

    def is_overdue(self) -> bool:
        return bool(self.current and self.current.timed_out)

    def read_view(self) -> dict[str, Any]:
        """The processes row's changing columns (store/process_records.py)."""
        c = self.current
        return {
            "status": self.status.value, "node_id": c.node_id if c else None,
            "due_at": c.due_at.isoformat() if c and c.due_at else None, "overdue": self.is_overdue(),
            "assignees": [s.model_dump(include={"id", "role", "department", "user_id", "user_name"}, mode="json")
                          for s in c.open_slots()] if c else [],
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
        }  # fmt: skip


class ProcessStart(Carries):
    """ProcessWorkflow's input: the template version as uploaded, the checked form, the
    applicant, and the staff the template or form names (`people`, by name)."""

    process_id: str = Field(pattern=PROCESS_ID_PATTERN)
    template: ProcessTemplate
    form: dict[str, Any] = Field(default_factory=dict)
    applicant: Actor
    people: dict[str, Actor] = Field(default_factory=dict, max_length=100)
    started_at: datetime
    carried: str | None = Field(default=None, description="The state as JSON, when continued as new")


class ProcessActionIn(BaseModel):
    """`POST /v1/processes/{id}/actions`: one action and its fields."""

    model_config = ConfigDict(extra="forbid")

    action: Action
    comment: Comment = Field(default="", description="Required to reject (the reason)")
    to_node: str | None = Field(default=None, pattern=NODE_ID_PATTERN, description="return: an earlier node")
    to_user: Name | None = Field(default=None, description="transfer, add_signer: the person, by user name")
    position: Literal["before", "after"] = Field(default="after", description="add_signer: before or after oneself")
    fields: dict[str, Any] = Field(default_factory=dict, max_length=30, description="complete: the task's fields")

    @model_validator(mode="after")
    def _needs(self) -> ProcessActionIn:
        if self.action == "reject" and not self.comment.strip():
            raise ValueError("comment: a rejection needs a reason")
        if self.action in ("transfer", "add_signer") and not self.to_user:
            raise ValueError(f"to_user: {self.action} needs the person")
        return self


class ProcessCommand(Command):
    body: ProcessActionIn
    person: Actor | None = Field(default=None, description="to_user as found by the API")


class ProcessAck(BaseModel):
    seq: int
    status: str
    node_id: str | None = None


class ProcessBatch(BaseModel):
    """One batch of a process's steps, written in one transaction by `record_process`."""

    process_id: str
    version: int
    at: datetime
    steps: list[Step] = Field(default_factory=list)
    view: dict[str, Any] = Field(default_factory=dict)
    notices: list[Notice] = Field(default_factory=list)
    run_id: str = ""
    task: int = 0
    base_seq: int = 0

