"""CustomerWorkflow: one customer's follow-up cadence 跟进 for as long as the customer is in
the master (RULES §Customers before and around a project). Workflow id `customer-<id>`,
JinduKind `customer`.

The rules are domain/customers_follow_up.py's: the next follow-up falls due by grade, is
reminded, escalated, and the customer then returns to the department's pool; a claim starts
the cadence again. The workflow records each outcome (the `record_customer` local
activity), sleeps until the next step falls due and publishes itself to the Web UI, like
ComplaintWorkflow over workflows/base.py. It carries ids, the grade and dates only: names,
contacts and what was said stay in PostgreSQL; the activity addresses the current owner.

Updates (validated first; each answers a `CustomerAck`): sync, follow_up, regrade, claim
Query: state (the CustomerState)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from temporalio import activity, workflow

with workflow.unsafe.imports_passed_through():
    from domain import customers_follow_up as rules
    from domain.commands import Command
    from domain.customers_follow_up import Claim, CustomerAck, CustomerStart, CustomerState, FollowedUp, Regrade
    from domain.steps import BaseOutcome, Notice, Step
    from workflows import publish
    from workflows import search_attributes as sa
    from workflows.base import RECORD, Engine


class CustomerBatch(BaseModel):
    """One outcome of a customer's workflow: its steps, its follow-up view and notices."""

    customer_id: str
    version: int
    at: datetime
    steps: list[Step] = Field(default_factory=list)
    view: dict[str, Any] = Field(default_factory=dict)
    notices: list[Notice] = Field(default_factory=list)


class CustomerRecording:
    """Implemented by activities.customers.CustomerActivities."""

    @activity.defn(name="record_customer")
    async def record_customer(self, batch: CustomerBatch) -> None:
        raise NotImplementedError


@workflow.defn
class CustomerWorkflow(Engine[CustomerState, CustomerAck]):
    subject_type = CustomerState

    @workflow.init
    def __init__(self, start: CustomerStart) -> None:
        self.start = start
        self.init_engine(start.since, ready=start.carried is not None)
        if start.carried is not None:
            self.subject = CustomerState.model_validate_json(start.carried)

    @workflow.run
    async def run(self, start: CustomerStart) -> CustomerAck:
        await self._begin(lambda: rules.start(self.start, self.ctx()))
        await self._run_until_finished()
        return self._ack()

    @workflow.query
    def state(self) -> CustomerState:
        return self.subject

    @workflow.update
    async def sync(self, cmd: Command) -> CustomerAck:
        """Answers once the first step and every step so far are recorded."""
        await workflow.wait_condition(lambda: self.ready and not self.lock.locked())
        return self._ack()

    @workflow.update
    async def follow_up(self, cmd: FollowedUp) -> CustomerAck:
        return await self._apply(rules.follow_up, cmd)

    @follow_up.validator
    def _v_follow_up(self, cmd: FollowedUp) -> None:
        self._check(lambda: rules.check_follow_up(self.subject, cmd))

    @workflow.update
    async def regrade(self, cmd: Regrade) -> CustomerAck:
        return await self._apply(rules.regrade, cmd)

    @workflow.update
    async def claim(self, cmd: Claim) -> CustomerAck:
        return await self._apply(rules.claim, cmd)

    @claim.validator
    def _v_claim(self, cmd: Claim) -> None:
        self._check(lambda: rules.check_claim(self.subject))

    # ------------------------------------------------------------------ the engine's parts

    def _ack(self) -> CustomerAck:
        s = self.subject
        return CustomerAck(seq=s.seq, status=s.status.value, due_at=s.follow_up.due_at if s.follow_up else None)

    def _finished(self) -> bool:
        return False  # followed for as long as the customer is kept

    def _next_due(self) -> datetime | None:
        return rules.next_due(self.subject, self.ctx())

    def _tick(self) -> BaseOutcome[CustomerState]:
        return rules.tick(self.subject, self.ctx())

    def _carry(self) -> Any:
        return self.start.model_copy(update={"carried": self.subject.model_dump_json()})

    def _batch(self, out: BaseOutcome[CustomerState], view: dict[str, Any]) -> CustomerBatch:
        return CustomerBatch(customer_id=out.state.customer_id, version=out.state.batches, at=out.ctx.now,
                             steps=out.steps, view=view, notices=out.notices)  # fmt: skip

    async def _send(self, batch: CustomerBatch) -> None:
        await workflow.execute_local_activity_method(CustomerRecording.record_customer, batch, **RECORD)

    def _reference(self) -> str:
        return f"customer:{self.subject.customer_id}"

    def _publish(self) -> None:
        s = self.subject
        waits = s.waits()
        self.attributes = publish.upsert_view(self.attributes, {
            sa.KIND.name: "customer", sa.STAGE.name: s.status.value, sa.DEPARTMENT.name: s.department,
            sa.ASSIGNEES.name: sorted({w.label() for w in waits}), sa.OVERDUE.name: s.is_overdue(),
            sa.DUE_AT.name: min((w.due_at for w in waits), default=None) if s.status.value == "active" else None,
        })  # fmt: skip
        tz = self.ctx().calendar.tz
        lines = [f"**客户 Customer** {s.customer_id} · **等级 Grade:** {s.grade.value} · **状态 Status:** "
                 f"{s.status.value} · **部门 Department:** {s.department} · 跟进 follow-ups {s.follow_ups}"]
        if s.status.value == "active":
            lines += [publish.waiting(w, tz) for w in waits]
        if self.attention:
            lines.append(f"⚠ 未能记录 Could not record: {self.attention}")
        workflow.set_current_details("\n\n".join(lines))
