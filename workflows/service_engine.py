"""ComplaintWorkflow's and RevisitWorkflow's engines over workflows/base.py: their updates,
how they record (`record_complaint`, `record_revisit`), and how they show in the Web UI.

A complaint's reply may ask its project for rectification tasks, and its confirmation
sends the rating to a running project: both through the `call_project` activity, with an
update id fixed by the step (`complaint-<id>-<seq>`), inside the update that asked, so the
answer says what happened.

Passed through the sandbox like workflows/engine.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

from domain import complaints, revisit_after, revisits
from domain.commands import Command
from domain.models import Role
from domain.service_models import (
    ComplaintStart,
    ComplaintStatus,
    ConfirmCommand,
    ProjectAnswer,
    ProjectCall,
    ReplyCommand,
    RevisitStart,
    RevisitStatus,
    ServiceAck,
    ServiceBatch,
)
from domain.service_state import ComplaintState, RevisitState
from domain.steps import BaseOutcome, Context, Step
from workflows import publish
from workflows import search_attributes as sa
from workflows.activities import ServiceRecording
from workflows.base import RECORD, Engine

CALL: Any = {
    "start_to_close_timeout": timedelta(minutes=1),
    "retry_policy": RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30)),
}  # fmt: skip
CUSTOMER_SERVICE_PATCH = "complaint-customer-service"  # issue 14: complaints through 客服
REVISIT_PATCH = "revisit-follow-up"  # issue 14: later revisits, the warning's analysis and measures
REVISIT_SLA_PATCH = "revisit-sla-in-hours"  # issue 14: a revisit's SLA in working hours or minutes
REVISIT_SERVICE_PATCH = "revisit-customer-service"  # issue 14: revisits for customer service (policy)
S = TypeVar("S", ComplaintState, RevisitState)
T = TypeVar("T", ComplaintState, RevisitState)
C = TypeVar("C", bound=Command)


class Rules(Protocol[T]):
    """What a kind's rules module gives the engine (domain/complaints.py, domain/revisits.py)."""

    def next_due(self, state: T, ctx: Context, /) -> datetime | None: ...

    def tick(self, state: T, ctx: Context, /) -> BaseOutcome[T]: ...


class ServiceEngine(Engine[S, ServiceAck]):
    """What complaints and revisits share: state carried across continue-as-new as JSON, the
    `sync` update, an acknowledgement with their status, their records and Web UI view."""

    kind: str  # of search attributes, step keys and `record_failures`: complaint, revisit
    done: str  # the status that ends the workflow
    rules: Rules[S]
    recorder: Any  # the record activity (a staticmethod)

    def _begin_engine(self, started_at: datetime, carried: str | None) -> None:
        self.init_engine(started_at, ready=carried is not None)
        if carried is not None:
            self.subject = self.subject_type.model_validate_json(carried)

    def _subject_id(self, state: S) -> str:
        raise NotImplementedError

    async def _run(self, first: Callable[[], BaseOutcome[S]]) -> ServiceAck:
        await self._begin(first)
        await self._run_until_finished()
        return self._ack()

    @workflow.update
    async def sync(self, cmd: Command) -> ServiceAck:
        """Answers once the first step and every step so far are recorded."""
        await workflow.wait_condition(lambda: self.ready and not self.lock.locked())
        return self._ack()

    def _ack(self) -> ServiceAck:
        return ServiceAck(seq=self.subject.seq, status=self.subject.status.value)

    async def _answer(self, transition: Callable[[S, C, Context], BaseOutcome[S]], cmd: C,
                      then: Callable[[BaseOutcome[S], C], Awaitable[list[Step]]] | None = None,
                      ) -> tuple[ServiceAck, list[Step]]:  # fmt: skip
        """Apply the update, then what it asks of others (`then`); answer with the steps both
        recorded, which the update's typed result is built from (domain/service_results.py)."""
        made: list[Step] = []

        async def keep(out: BaseOutcome[S], c: C) -> None:
            made.extend(out.steps)
            if then is not None:
                made.extend(await then(out, c))

        return await self._apply(transition, cmd, keep), made

    def _finished(self) -> bool:
        return bool(self.subject.status.value == self.done)

    def _next_due(self) -> datetime | None:
        return self.rules.next_due(self.subject, self.ctx())

    def _tick(self) -> BaseOutcome[S]:
        return self.rules.tick(self.subject, self.ctx())

    def _carry(self) -> Any:
        return self.start.model_copy(update={"carried": self.subject.model_dump_json()})

    def _batch(self, out: BaseOutcome[S], view: dict[str, Any]) -> ServiceBatch:
        s, info = out.state, workflow.info()
        return ServiceBatch(subject_id=self._subject_id(s), project_id=s.project_id, version=s.batches,
                            at=out.ctx.now, steps=out.steps, view=view, notices=out.notices, run_id=info.run_id,
                            task=info.get_current_history_length(), base_seq=s.seq - len(out.steps))  # fmt: skip

    async def _send(self, batch: ServiceBatch) -> None:
        await workflow.execute_local_activity_method(self.recorder, batch, **RECORD)

    def _reference(self) -> str:
        return f"{self.kind}:{self._subject_id(self.subject)}"

    def _show(self, stage: str, department: str | None, lines: list[str]) -> None:
        s = self.subject
        waits = s.waits()
        self.attributes = publish.upsert_view(self.attributes, {
            sa.KIND.name: self.kind, sa.STAGE.name: stage, sa.DEPARTMENT.name: department,
            sa.ASSIGNEES.name: sorted({w.label() for w in waits}), sa.OVERDUE.name: s.is_overdue(),
            sa.DUE_AT.name: min((w.due_at for w in waits), default=None),
        })  # fmt: skip
        tz = self.ctx().calendar.tz
        lines += [publish.waiting(w, tz) for w in waits]
        if self.attention:
            lines.append(f"⚠ 未能记录 Could not record: {self.attention}")
        workflow.set_current_details("\n\n".join(lines))


class ComplaintEngine(ServiceEngine[ComplaintState]):
    subject_type = ComplaintState
    kind, done, rules = "complaint", ComplaintStatus.closed.value, complaints
    recorder = staticmethod(ServiceRecording.record_complaint)

    def setup(self, start: ComplaintStart) -> None:
        self.start = start
        self._begin_engine(start.filed_at, start.carried)

    async def run_complaint(self) -> ServiceAck:
        return await self._run(lambda: complaints.file(self.start, self.ctx(), self._via_customer_service()))

    def _via_customer_service(self) -> bool:
        """Issue 14: a complaint goes to customer service when the company has them."""
        return self.start.customer_service and workflow.patched(CUSTOMER_SERVICE_PATCH)

    def _subject_id(self, state: ComplaintState) -> str:
        return state.complaint_id

    def _publish(self) -> None:
        s = self.subject
        about = f" · 项目 project {s.project_id}" if s.project_id else ""
        self._show(s.status.value, s.department, [
            f"**投诉 Complaint** {s.complaint_id} · **状态 Status:** {s.status.value} · 第 {s.round} 轮 round"
            f" · **部门 Department:** {s.department or '—'}{about}"])  # fmt: skip

    async def _ask_project(self, kind: str, seq: int, cmd: Command, **call: Any) -> ProjectAnswer:
        s = self.subject
        assert s.project_id is not None
        request = ProjectCall(project_id=s.project_id, update_id=f"complaint-{s.complaint_id}-{seq}", kind=kind,
                              actor=cmd.actor, complaint_id=s.complaint_id, **call)  # fmt: skip
        return await workflow.execute_activity_method(ServiceRecording.call_project, request, **CALL)

    async def after_reply(self, out: BaseOutcome[ComplaintState], cmd: ReplyCommand) -> list[Step]:
        texts = cmd.body.rectification
        if not (texts and self.subject.project_id):
            return []
        seq = out.steps[0].seq
        answer = await self._ask_project("tasks", seq, cmd, descriptions=texts)
        result = complaints.tasks_result(self.subject, answer, seq, self.ctx())
        await self._record(result)
        return result.steps

    async def after_confirm(self, out: BaseOutcome[ComplaintState], cmd: ConfirmCommand) -> list[Step]:
        answer = None
        if self.subject.project_id:
            answer = await self._ask_project("rating", out.steps[0].seq, cmd, rating=cmd.body.rating)
        routed = complaints.rating_routed(self.subject, answer, cmd.actor, self.ctx())
        await self._record(routed)
        return routed.steps


class RevisitEngine(ServiceEngine[RevisitState]):
    subject_type = RevisitState
    kind, done, rules = "revisit", RevisitStatus.done.value, revisits
    recorder = staticmethod(ServiceRecording.record_revisit)

    def setup(self, start: RevisitStart) -> None:
        self.start = start
        self._begin_engine(start.completed_at, start.carried)

    async def run_revisit(self) -> ServiceAck:
        return await self._run(lambda: revisits.schedule(self.start, self.ctx(), workflow.patched(REVISIT_PATCH),
                                                         workflow.patched(REVISIT_SLA_PATCH),
                                                         self._via_customer_service()))  # fmt: skip

    def _via_customer_service(self) -> bool:
        """Issue 14: the recorded policy gives revisits to customer service (asked only then:
        a revisit for the agent records no marker)."""
        return revisits.for_customer_service(self.ctx().policy) and workflow.patched(REVISIT_SERVICE_PATCH)

    def _finished(self) -> bool:
        """Done, and neither a cause analysis nor a measure is still owed (issue 14)."""
        return super()._finished() and not revisit_after.owed(self.subject)

    def _subject_id(self, state: RevisitState) -> str:
        return state.project_id

    def _publish(self) -> None:
        s = self.subject
        opens = publish.at_local(s.opens_at, self.ctx().calendar.tz)
        self._show(s.status.value, s.department, [
            f"**回访 Revisit** of project {s.project_id} · **状态 Status:** {s.status.value} · 开始 opens {opens}"
            f" · **业务人员 Agent:** {s.agent.label()}"
            + (f" · **回访 By:** 客服 customer service · {s.department}" if s.assignee_role != Role.agent else "")])
