"""DealWorkflow: one project's deal 成交 from its record to the dept head's confirmation (issue
14; RULES §Customers before and around a project). Workflow id `deal-<project_id>`, JinduKind
`deal`, one per project, started by the record itself (update-with-start,
jindu/services/deals.py). It is its own workflow because deals are recorded from `execution`
on, including after completion, when the project's workflow has ended.

The rules are domain/deal_steps.py's: the deal is recorded (its money and parts in fen, agent
ids only), the dept head owes its confirmation by the `deal_confirmation` SLA and is reminded,
then escalated, like every wait; once confirmed the workflow ends. Each outcome is recorded by
the `record_deal` local activity — the deal's rows and its steps in one transaction, fenced
like a revisit's (store/deal_records.py) — so a refused update writes nothing and the read
model is what the history says. No customer personal data enters it.

Updates (validated first; each answers a `DealAck`): sync, record, confirm
Query: state (the DealState)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from temporalio import activity, workflow

with workflow.unsafe.imports_passed_through():
    from domain import deal_steps as rules
    from domain.commands import Command
    from domain.deal_steps import ConfirmDeal, DealAck, DealStart, DealState, DealStatus, RecordDeal
    from domain.service_models import ServiceBatch
    from domain.steps import BaseOutcome
    from workflows import publish
    from workflows import search_attributes as sa
    from workflows.base import RECORD, Engine


class DealRecording:
    """Implemented by activities.deals.DealActivities."""

    @activity.defn(name="record_deal")
    async def record_deal(self, batch: ServiceBatch) -> None:
        raise NotImplementedError


@workflow.defn
class DealWorkflow(Engine[DealState, DealAck]):
    subject_type = DealState

    @workflow.init
    def __init__(self, start: DealStart) -> None:
        self.start = start
        self.init_engine(start.since, ready=start.carried is not None)
        if start.carried is not None:
            self.subject = DealState.model_validate_json(start.carried)

    @workflow.run
    async def run(self, start: DealStart) -> DealAck:
        await self._begin(lambda: rules.start(self.start, self.ctx()))
        await self._run_until_finished()
        return self._ack()

    @workflow.query
    def state(self) -> DealState:
        return self.subject

    @workflow.update
    async def sync(self, cmd: Command) -> DealAck:
        """Answers once the first step and every step so far are recorded."""
        await workflow.wait_condition(lambda: self.ready and not self.lock.locked())
        return self._ack()

    @workflow.update
    async def record(self, cmd: RecordDeal) -> DealAck:
        return await self._apply(rules.record, cmd)

    @record.validator
    def _v_record(self, cmd: RecordDeal) -> None:
        self._check(lambda: rules.check_record(self.subject, cmd))

    @workflow.update
    async def confirm(self, cmd: ConfirmDeal) -> DealAck:
        return await self._apply(rules.confirm, cmd)

    @confirm.validator
    def _v_confirm(self, cmd: ConfirmDeal) -> None:
        self._check(lambda: rules.check_confirm(self.subject, cmd))

    # ------------------------------------------------------------------ the engine's parts

    def _ack(self) -> DealAck:
        s = self.subject
        waiting = s.waits()
        return DealAck(seq=s.seq, status=s.status.value, due_at=waiting[0].due_at if waiting else None)

    def _finished(self) -> bool:
        return self.subject.status == DealStatus.confirmed

    def _next_due(self) -> datetime | None:
        return rules.next_due(self.subject, self.ctx())

    def _tick(self) -> BaseOutcome[DealState]:
        return rules.tick(self.subject, self.ctx())

    def _carry(self) -> Any:
        return self.start.model_copy(update={"carried": self.subject.model_dump_json()})

    def _batch(self, out: BaseOutcome[DealState], view: dict[str, Any]) -> ServiceBatch:
        s, info = out.state, workflow.info()
        return ServiceBatch(subject_id=s.project_id, project_id=s.project_id, version=s.batches, at=out.ctx.now,
                            steps=out.steps, view=view, notices=out.notices, run_id=info.run_id,
                            task=info.get_current_history_length(), base_seq=s.seq - len(out.steps))  # fmt: skip

    async def _send(self, batch: ServiceBatch) -> None:
        await workflow.execute_local_activity_method(DealRecording.record_deal, batch, **RECORD)

    def _reference(self) -> str:
        return f"deal:{self.subject.project_id}"

    def _publish(self) -> None:
        s = self.subject
        waits = s.waits()
        self.attributes = publish.upsert_view(self.attributes, {
            sa.KIND.name: "deal", sa.STAGE.name: s.status.value, sa.DEPARTMENT.name: s.department,
            sa.ASSIGNEES.name: sorted({w.label() for w in waits}), sa.OVERDUE.name: s.is_overdue(),
            sa.DUE_AT.name: min((w.due_at for w in waits), default=None),
        })  # fmt: skip
        lines = [f"**成交 Deal** of project {s.project_id} · **状态 Status:** {s.status.value}"
                 f" · **部门 Department:** {s.department}"]
        lines += [publish.waiting(w, self.ctx().calendar.tz) for w in waits]
        if self.attention:
            lines.append(f"⚠ 未能记录 Could not record: {self.attention}")
        workflow.set_current_details("\n\n".join(lines))
