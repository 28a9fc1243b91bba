"""A process instance's recorded steps (domain/process_rules.py), each kind one model with the
`Facts.data()` of domain/step_kinds.py. They live in `process_events`, apart from projects'
step union: no project writer or history reads them (store/process_records.py does)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from domain.step_kinds import Facts, Time


class Started(Facts):
    kind: Literal["process_started"] = "process_started"
    template: str
    version: int
    form: dict[str, Any] = Field(default_factory=dict)


class NodeEntered(Facts):
    kind: Literal["node_entered"] = "node_entered"
    node: str
    type: str
    mode: str | None = None
    assignees: list[str] = Field(default_factory=list)
    due_at: Time | None = None


class Decided(Facts):
    kind: Literal["node_decided"] = "node_decided"
    node: str
    slot: str
    decision: Literal["approve", "reject"]
    auto: bool = False


class TaskDone(Facts):
    """A task's fields as the assignee filled them."""

    kind: Literal["task_done"] = "task_done"
    node: str
    slot: str
    fields: dict[str, Any] = Field(default_factory=dict)


class NodePassed(Facts):
    kind: Literal["node_passed"] = "node_passed"
    node: str


class Branched(Facts):
    kind: Literal["condition_evaluated"] = "condition_evaluated"
    node: str
    result: bool
    goto: str


class CcSent(Facts):
    kind: Literal["cc_sent"] = "cc_sent"
    node: str
    to: list[str]


class Returned(Facts):
    kind: Literal["returned"] = "returned"
    node: str
    to_node: str


class Transferred(Facts):
    kind: Literal["transferred"] = "transferred"
    node: str
    slot: str
    to: str
    to_user_id: str


class SignerAdded(Facts):
    kind: Literal["signer_added"] = "signer_added"
    node: str
    slot: str
    position: Literal["before", "after"]
    signer: str
    signer_user_id: str


class Urged(Facts):
    kind: Literal["urged"] = "urged"
    node: str
    to: list[str]


class Commented(Facts):
    kind: Literal["commented"] = "commented"
    node: str | None = None


class TimedOut(Facts):
    kind: Literal["node_timed_out"] = "node_timed_out"
    node: str
    action: str
    due_at: Time
    to: list[str] = Field(default_factory=list)


class Chased(Facts):
    """A step of the node's escalation chain after its timeout action."""

    kind: Literal["node_escalated"] = "node_escalated"
    node: str
    action: str
    step: int
    to_role: str


class Ended(Facts):
    kind: Literal["process_ended"] = "process_ended"
    status: str


ProcessFacts = (Started | NodeEntered | Decided | TaskDone | NodePassed | Branched | CcSent | Returned | Transferred
                | SignerAdded | Urged | Commented | TimedOut | Chased | Ended)
