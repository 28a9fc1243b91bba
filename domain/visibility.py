"""Who sees which parts of a project (RULES §Roles, §Customer information; issue 13).

Staff see a project as they always have; auditors see everything, read-only, with the
customer's personal data masked (api/auth.py). A customer sees their project's stage, what
it waits on, its milestones, the results they are asked to accept, their own acceptance,
objections and ratings — not the company's own records: the assessment (risk level,
budget, expected revenue and cycle), internal approvals and their comments, rectification
internals, weekly reports, KPIs, warnings, escalations and reminders to staff, the risk
register. The project view and its history are cut here, once, for the API and the web.

What a customer may not see is withheld, not blanked: a withheld part is named in the
view's `withheld` list, so an empty list never reads as "there were no approvals".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from domain.models import Role


class ViewPart(StrEnum):
    """A part of the project view that not every reader sees."""

    assessment = "assessment"  # risk level, difficulty, expected cycle, budget, who approves initiation
    plan = "plan"  # goals, responsibilities, resources (the milestones are shown on their own)
    approvals = "approvals"  # internal decisions and their comments
    tasks = "tasks"  # rectification tasks: owners, deadlines, escalations
    reports = "reports"  # weekly reporting to the dept_head
    kpis = "kpis"
    warning = "warning"  # progress warnings, their reasons and cause analysis
    deadlines = "deadlines"  # overdue flags, escalation counts, reminders and escalations to staff
    risks = "risks"  # the risk register
    closing = "closing"  # the cancel reason, the archive bundle


EVERY_PART = frozenset(ViewPart)
CUSTOMER_PARTS: frozenset[ViewPart] = frozenset()


def parts_seen(role: Role) -> frozenset[ViewPart]:
    """The parts a reader of this role sees."""
    return CUSTOMER_PARTS if role == Role.customer else EVERY_PART


def withheld(role: Role) -> list[ViewPart]:
    """The parts kept from a reader of this role, in a stable order."""
    seen = parts_seen(role)
    return [part for part in ViewPart if part not in seen]


class Step(Protocol):
    """A recorded step as the history shows it (store/reads.py HistoryEvent)."""

    @property
    def kind(self) -> str: ...

    @property
    def data(self) -> Mapping[str, Any]: ...

    @property
    def comment(self) -> str: ...


@dataclass(frozen=True)
class Shown:
    """What a customer sees of a step kind: its data `keys`, and its comment only when the
    customer wrote it (a staff member's comment is an internal note). `when` narrows a kind
    to the steps about the customer (an objection's task, not an audit finding's)."""

    keys: tuple[str, ...] = ()
    comment: bool = False
    when: Callable[[Mapping[str, Any]], bool] = lambda data: True


RESULTS = "results_submitted"
# A kind not named here is not shown to a customer (decisions, risks, KPIs, warnings, weekly
# reports, reassignments, resets, …): a step kind added later stays internal until named.
CUSTOMER_STEPS: dict[str, Shown] = {
    "intake": Shown(("channel", "business_type")),
    "stage_changed": Shown(("from", "to")),
    # Only the submissions put to the customer (see `offered_results`); the submission count
    # would tell how many were sent back internally.
    RESULTS: Shown(("summary", "attachments", "attachment_ids", "completed_milestones", "milestones_done")),
    "accepted": Shown(("rating", "attachment_ids"), comment=True),
    "objection": Shown(("objections", "attachment_ids"), comment=True),
    # The customer's own objection, as the task it opened: its text is the step's comment.
    "task_created": Shown(("source",), comment=True, when=lambda d: d.get("source") == "customer_objection"),
    "rated": Shown(("rating", "source", "source_id")),
    "reminder": Shown(("what", "due_at"), when=lambda d: d.get("to_role") == Role.customer.value),
    "archived": Shown(),
    "declined": Shown(),
    "completed": Shown(),
    "cancelled": Shown(),
    "terminated": Shown(),
    "customer_data_disposed": Shown(),
}


def offered_results(steps: Sequence[Step]) -> set[int]:
    """Indexes of the results submissions put to the customer for acceptance: those the
    project moved to customer acceptance after, before the next submission. A submission
    the review sent back never reached the customer."""
    offered: set[int] = set()
    latest: int | None = None
    for i, step in enumerate(steps):
        if step.kind == RESULTS:
            latest = i
        elif step.kind == "stage_changed" and step.data.get("to") == "customer_acceptance" and latest is not None:
            offered.add(latest)
            latest = None
    return offered


S = TypeVar("S", bound=Step)


@dataclass(frozen=True)
class SeenStep(Generic[S]):
    """A step as its reader sees it: the step, and the data and comment shown."""

    step: S
    data: dict[str, Any]
    comment: str


def history_seen(role: Role, steps: Sequence[S]) -> list[SeenStep[S]]:
    """The steps a reader of this role sees, in order, each with the data and comment shown."""
    if role != Role.customer:
        return [SeenStep(s, dict(s.data), s.comment) for s in steps]
    offered = offered_results(steps)
    seen: list[SeenStep[S]] = []
    for i, step in enumerate(steps):
        shown = CUSTOMER_STEPS.get(step.kind)
        if shown is None or not shown.when(step.data) or (step.kind == RESULTS and i not in offered):
            continue
        data = {k: step.data[k] for k in shown.keys if k in step.data}
        seen.append(SeenStep(step, data, step.comment if shown.comment else ""))
    return seen
