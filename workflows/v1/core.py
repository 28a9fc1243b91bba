"""Frozen ProjectWorkflow v1: start, main loop, recording and publishing (workflows/v1/__init__.py)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.calendar import WorkCalendar
    from domain.errors import JinduError
    from domain.models import TERMINAL_STAGES, Decision, Gate, Role, Stage, TaskSource, TaskStatus
    from domain.policy import ProjectPolicy
    from jindu.holidays import PACKAGE_DAYS
    from workflows import search_attributes as sa
    from workflows.v1 import guards
    from workflows.v1.common import NOTIFY_RETRY, RECORD_RETRY, RECORD_TIMEOUT, WARNING_STAGES, _validated
    from workflows.v1.commands import (
        AcceptanceCommand,
        Actor,
        AssessCommand,
        CancelCommand,
        Command,
        CompleteTaskCommand,
        DecideCommand,
        PlanCommand,
        ReportCommand,
        ResultsCommand,
        WarningAnalysisCommand,
    )
    from workflows.v1.rules import escalation_target, initiation_levels, project_kpis, warning_reasons
    from workflows.v1.state import (
        ApprovalRecord,
        ArchiveRequest,
        ArchiveResult,
        MilestoneState,
        Notification,
        PendingAction,
        ProjectStart,
        ProjectState,
        RectificationTask,
        StepBatch,
        StepRecord,
        WarningState,
    )

class CoreV1:
    def __init__(self, start: ProjectStart) -> None:  # noqa: C901
        self.start = start
        self.policy: ProjectPolicy = start.policy
        self.calendar = WorkCalendar(start.policy.calendar, official=PACKAGE_DAYS)
        self.inflight: set[int] = set()
        self.unsent: list[StepRecord] = []
        self.notifications: list[asyncio.Task[Any]] = []
        self.version = 0
        self.kpi_check_at: datetime | None = None
        self.intake_recorded = start.carried is not None
        if start.carried is not None:
            self.s = start.carried
        else:
            self.s = ProjectState(
                project_id=start.project_id,
                stage=Stage.assessment,
                department=start.department,
                business_type=start.business_type,
                channel=start.channel,
                requirement=start.requirement,
                agent_id=start.agent.user_id,
                agent_name=start.agent.name,
                customer_user_id=start.customer_user_id,
                customer_user_name=start.customer_user_name,
                created_at=start.created_at,
                updated_at=start.created_at,
                seq=1,  # reserved for the intake, whatever update a client sends first
            )
            self._assign_to_agent("assessment", "assessment", "Assess the requirement")

    # ------------------------------------------------------------------ main loop

    async def run(self, start: ProjectStart) -> ProjectState:
        if not self.intake_recorded:
            self._record(
                "intake",
                start.agent,
                data={"channel": start.channel.value, "business_type": start.business_type},
                seq=1,
            )
            await self._flush()
            self.intake_recorded = True
            self._notify(1, "assigned", Role.agent, self.s.agent_id, "New consultation to assess",
                         f"Assess the requirement of project {self.s.project_id}")
        self._publish()
        while self.s.stage not in TERMINAL_STAGES:
            if self.s.stage == Stage.archiving:
                await self._archive()
                continue
            await self._sleep_until_next_due()
            await self._on_clock()
            if workflow.info().is_continue_as_new_suggested():
                await self._continue_as_new()
        await self._quiesce()
        return self.s

    async def _sleep_until_next_due(self) -> None:
        seen = self.version
        due = self._next_due()
        timeout = None if due is None else max((due - workflow.now()).total_seconds(), 0)
        if timeout == 0:
            return
        try:
            await workflow.wait_condition(
                lambda: self.version != seen or self.s.stage == Stage.archiving,
                timeout=timeout,
            )
        except asyncio.TimeoutError:
            pass

    async def _continue_as_new(self) -> None:
        await self._quiesce()
        workflow.continue_as_new(self.start.model_copy(update={"carried": self.s}))

    async def _quiesce(self) -> None:
        """Return, without yielding after the last check, once no update handler, record or
        notification is running: an update that arrives while notifications drain is
        finished before the run ends or continues as new."""
        while True:
            await workflow.wait_condition(lambda: workflow.all_handlers_finished() and not self.inflight)
            running = [t for t in self.notifications if not t.done()]
            if not running:
                self.notifications = []
                return
            await asyncio.gather(*running, return_exceptions=True)

    # ------------------------------------------------------------------ recording and notifying

    def _next_seq(self) -> int:
        self.s.seq += 1
        self.s.updated_at = workflow.now()
        self.version += 1
        return self.s.seq

    def _key(self, seq: int) -> str:
        return f"{self.s.project_id}:{seq}"

    def _record(self, kind: str, actor: Actor | None, *, comment: str = "",
                data: dict[str, Any] | None = None, seq: int | None = None) -> int:
        """Note a step; `_flush` persists it with the other steps of the same update."""
        seq = seq or self._next_seq()
        self._publish()
        self.inflight.add(seq)
        self.unsent.append(
            StepRecord(
                step_key=self._key(seq),
                project_id=self.s.project_id,
                seq=seq,
                kind=kind,
                at=workflow.now(),
                actor_id=actor.user_id if actor else None,
                actor_name=actor.name if actor else None,
                actor_role=actor.role if actor else None,
                comment=comment,
                data=data or {},
                state=self.s.model_copy(deep=True),
            )
        )
        return seq

    async def _flush(self) -> None:
        """Persist the noted steps in one activity (one transaction), then wait until no other
        update's steps are still on their way, so the records are complete when this returns."""
        if self.unsent:
            batch, self.unsent = self.unsent, []
            try:
                await workflow.execute_activity(
                    "record_steps", StepBatch(steps=batch),
                    start_to_close_timeout=RECORD_TIMEOUT, retry_policy=RECORD_RETRY,
                )
            finally:
                self.inflight.difference_update(step.seq for step in batch)
        await workflow.wait_condition(lambda: not self.inflight)

    def _notify_assignee(self, action: PendingAction, kind: str) -> None:
        self._notify(self.s.seq, kind, action.role, action.user_id, action.description,
                     f"{action.description} for project {self.s.project_id} — due {self._fmt(action.due_at)}")

    def _notify(self, seq: int, kind: str, role: Role, user_id: str | None, subject: str, text: str) -> None:
        note = Notification(
            step_key=f"{self._key(seq)}:{kind}:{role.value}",
            project_id=self.s.project_id,
            kind=kind,
            to_role=role,
            to_user_id=user_id,
            department=self.s.department,
            subject=subject,
            text=text,
        )
        self.notifications = [t for t in self.notifications if not t.done()]
        self.notifications.append(
            workflow.start_activity(
                "notify", note, start_to_close_timeout=timedelta(seconds=30), retry_policy=NOTIFY_RETRY
            )
        )

    def _publish(self) -> None:
        """Search attributes and current details, so the Web UI reads like the project."""
        s, pending = self.s, self.s.pending
        assignees = sorted({pending.assignee_label()} if pending else set())
        assignees += sorted({t.owner_name for t in s.open_tasks()} - set(assignees))
        updates = [
            sa.STAGE.value_set(s.stage.value),
            sa.DEPARTMENT.value_set(s.department),
            sa.ASSIGNEES.value_set(assignees),
            sa.OVERDUE.value_set(s.is_overdue()),
            sa.WARNING.value_set(s.warning.active),
            sa.DUE_AT.value_set(pending.due_at) if pending else sa.DUE_AT.value_unset(),
        ]
        if s.risk_level is not None:
            updates.append(sa.RISK.value_set(s.risk_level.value))
        workflow.upsert_search_attributes(updates)
        workflow.set_current_details(self._details())

    def _details(self) -> str:
        s, pending = self.s, self.s.pending
        lines = [f"**Stage:** {s.stage.value} · **Department:** {s.department} · **Agent:** {s.agent_name}"]
        if pending is not None:
            overdue = " — OVERDUE" if pending.steps_done else ""
            who = (f"{pending.user_name} ({pending.role.value})" if pending.user_name
                   else f"{pending.role.value} of {pending.department}")
            lines.append(f"{pending.description} — awaiting {who}, due {self._fmt(pending.due_at)}{overdue}")
        if s.open_tasks():
            lines.append(f"Open rectification tasks: {len(s.open_tasks())}")
        if s.warning.active:
            lines.append("Progress warning: " + "; ".join(s.warning.reasons))
        k = s.kpis
        if k.completion_rate is not None or k.cycle_deviation_rate is not None:
            lines.append(f"Completion {k.completion_rate}% · deviation {k.cycle_deviation_rate}%")
        return "\n\n".join(lines)

    def _fmt(self, at: datetime) -> str:
        return at.astimezone(self.calendar.tz).strftime("%Y-%m-%d %H:%M")

    def _today(self) -> date:
        return self.calendar.local_date(workflow.now())

