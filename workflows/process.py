"""ProcessWorkflow: one instance of a process the company wrote down (issue 15). Workflow id
`process-<process_id>`, on the projects' task queue.

It starts with its template version and checked form in its input, so its replay never reads
a template file and a new version leaves it alone. The rules are domain/process_*.py's: the
workflow validates each action against them, records each outcome once (the
`record_process` local activity, workflows/base.py's Engine), sleeps until the node's
deadline or next escalation step, and publishes itself to the Web UI (JinduKind "process",
JinduStage "<template>:<node>" or "<template>:<status>", due, overdue, assignees).

Updates (validated first; a rejected update writes nothing; each answers a `ProcessAck`):
  sync, act
Query: state (the ProcessState)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import process_clock, process_flow, process_rules
    from domain.commands import Command
    from domain.process_flow import ProcessOutcome
    from domain.process_models import (
        ProcessAck,
        ProcessBatch,
        ProcessCommand,
        ProcessStart,
        ProcessState,
        ProcessStatus,
    )
    from domain.steps import BaseOutcome, Context
    from workflows import publish
    from workflows import search_attributes as sa
    from workflows.base import RECORD, Engine
    from workflows.process_activities import ProcessRecording


@workflow.defn
class ProcessWorkflow(Engine[ProcessState, ProcessAck]):
    subject_type = ProcessState

    @workflow.init
    def __init__(self, start: ProcessStart) -> None:
        self.start = start
        self.init_engine(start.started_at, ready=start.carried is not None)
        if start.carried is not None:
            self.subject = ProcessState.model_validate_json(start.carried)

    @workflow.run
    async def run(self, start: ProcessStart) -> ProcessAck:
        await self._begin(lambda: process_flow.begin(self.start, self.ctx()))
        await self._run_until_finished()
        return self._ack()

    @workflow.query
    def state(self) -> ProcessState:
        return self.subject

    @workflow.update
    async def sync(self, cmd: Command) -> ProcessAck:
        """Answers once the first step and every step so far are recorded."""
        await workflow.wait_condition(lambda: self.ready and not self.lock.locked())
        return self._ack()

    @workflow.update
    async def act(self, cmd: ProcessCommand) -> ProcessAck:
        return await self._apply(self._act, cmd)

    @act.validator
    def _v_act(self, cmd: ProcessCommand) -> None:
        self._check(lambda: process_rules.check(self.start, self.subject, cmd))

    def _act(self, state: ProcessState, cmd: ProcessCommand, ctx: Context) -> ProcessOutcome:
        return process_rules.act(self.start, state, cmd, ctx)

    # ------------------------------------------------------------------ the engine's parts

    def _ack(self) -> ProcessAck:
        s = self.subject
        return ProcessAck(seq=s.seq, status=s.status.value, node_id=s.current.node_id if s.current else None)

    def _finished(self) -> bool:
        return self.subject.status != ProcessStatus.running

    def _next_due(self) -> datetime | None:
        return process_clock.next_due(self.start, self.subject, self.ctx())

    def _tick(self) -> BaseOutcome[ProcessState]:
        return process_clock.tick(self.start, self.subject, self.ctx())

    def _carry(self) -> Any:
        return self.start.model_copy(update={"carried": self.subject.model_dump_json()})

    def _batch(self, out: BaseOutcome[ProcessState], view: dict[str, Any]) -> ProcessBatch:
        s, info = out.state, workflow.info()
        return ProcessBatch(process_id=s.process_id, version=s.batches, at=out.ctx.now, steps=out.steps, view=view,
                            notices=out.notices, run_id=info.run_id, task=info.get_current_history_length(),
                            base_seq=s.seq - len(out.steps))  # fmt: skip

    async def _send(self, batch: ProcessBatch) -> None:
        await workflow.execute_local_activity_method(ProcessRecording.record_process, batch, **RECORD)

    def _reference(self) -> str:
        return f"process:{self.subject.process_id}"

    def _publish(self) -> None:
        s = self.subject
        waits = s.waits()
        where = s.current.node_id if s.current else s.status.value
        self.attributes = publish.upsert_view(self.attributes, {
            sa.KIND.name: "process", sa.STAGE.name: f"{s.template_key}:{where}", sa.DEPARTMENT.name: s.department,
            sa.ASSIGNEES.name: sorted({w.label() for w in waits}), sa.OVERDUE.name: s.is_overdue(),
            sa.DUE_AT.name: min((w.due_at for w in waits), default=None),
        })  # fmt: skip
        tz = self.ctx().calendar.tz
        lines = [f"**审批 Process** {s.process_id} · {s.template_name} v{s.version} · **状态 Status:** "
                 f"{s.status.value} · **节点 Node:** {where} · **申请人:** {s.applicant.label()}"]  # fmt: skip
        lines += [publish.waiting(w, tz) for w in waits]
        if self.attention:
            lines.append(f"⚠ 未能记录 Could not record: {self.attention}")
        workflow.set_current_details("\n\n".join(lines))
