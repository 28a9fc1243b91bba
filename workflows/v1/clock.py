"""Frozen ProjectWorkflow v1: escalation clock, weekly reports, KPIs and warnings (workflows/v1/__init__.py)."""

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


class ClockV1:
    # ------------------------------------------------------------------ clock: escalation, weekly reports

    def _step_at(self, due_at: datetime, sla: str, index: int) -> datetime | None:
        chain = self.policy.sla(sla).chain
        if index >= len(chain):
            return None
        after = chain[index].after_working_days
        # Count whole working days after the deadline's own working day.
        return due_at if after == 0 else self.calendar.add_working_days(due_at - timedelta(seconds=1), after)

    def _clocks(self) -> list[tuple[datetime, str]]:
        clocks: list[tuple[datetime, str]] = []
        for name, action in (("pending", self.s.pending), ("warning", self.s.warning.pending)):
            if action is not None:
                at = self._step_at(action.due_at, action.sla, action.steps_done)
                if at is not None:
                    clocks.append((at, name))
        for task in self.s.open_tasks():
            at = self._step_at(task.due_at, "rectification_task", task.steps_done)
            if at is not None:
                clocks.append((at, f"task:{task.id}"))
        if self.s.stage in guards.REPORTING_STAGES and self.s.reports.next_due_at is not None:
            clocks.append((self.s.reports.next_due_at, "weekly_report"))
        if self.s.stage in WARNING_STAGES and self.s.plan is not None:
            # KPIs move with the calendar (an overdue milestone, a growing forecast): check daily.
            if self.kpi_check_at is None:
                self.kpi_check_at = self._next_cutoff()
            clocks.append((self.kpi_check_at, "kpi_check"))
        return clocks

    def _next_cutoff(self) -> datetime:
        now = workflow.now()
        cutoff = self.calendar.end_of_day(self._today())
        return cutoff if cutoff > now else self.calendar.end_of_day(self._today() + timedelta(days=1))

    def _next_due(self) -> datetime | None:
        return min((at for at, _ in self._clocks()), default=None)

    async def _on_clock(self) -> None:
        now = workflow.now()
        fired = False
        for at, name in sorted(self._clocks()):
            if at > now:
                continue
            fired = True
            if name == "kpi_check":
                self.kpi_check_at = self._next_cutoff()  # the refresh below is the whole job
                continue
            if name == "weekly_report":
                self._weekly_report_due()
            elif name.startswith("task:"):
                task = self.s.task(name.removeprefix("task:"))
                self._escalate_task(task)
            else:
                action = self.s.pending if name == "pending" else self.s.warning.pending
                self._escalate_action(action)
        if fired:
            self._refresh_kpis()
        await self._flush()

    def _escalate_action(self, action: PendingAction) -> None:
        step = self.policy.sla(action.sla).chain[action.steps_done]
        action.steps_done += 1
        self._escalation_step(step.action, step.levels_up, action.role, action.user_id,
                                    f"{action.description} — was due {self._fmt(action.due_at)}",
                                    {"pending": action.kind, "gate": action.gate, "due_at": action.due_at.isoformat(),
                                     "step": action.steps_done})

    def _escalate_task(self, task: RectificationTask) -> None:
        step = self.policy.sla("rectification_task").chain[task.steps_done]
        task.steps_done += 1
        self._escalation_step(step.action, step.levels_up, task.owner_role, task.owner_user_id,
                                    f"Rectification task {task.id} — {task.description} — was due {self._fmt(task.due_at)}",
                                    {"task_id": task.id, "due_at": task.due_at.isoformat(), "step": task.steps_done})

    def _escalation_step(self, action: str, levels_up: int, role: Role, user_id: str | None, text: str,
                               data: dict[str, Any]) -> None:
        if action == "remind":
            seq = self._record("reminder", None, comment=text, data={**data, "to_role": role.value})
            self._notify(seq, "reminder", role, user_id, "Reminder: overdue", text)
            return
        target = escalation_target(role, levels_up)
        target_user = self.s.agent_id if target == Role.agent else None
        seq = self._record("escalation", None, comment=text,
                                 data={**data, "to_role": target.value, "levels_up": levels_up})
        self._notify(seq, "escalation", target, target_user, f"Escalated: {self.s.project_id} overdue", text)

    def _weekly_report_due(self) -> None:
        tracker, wp = self.s.reports, self.policy.weekly_report
        due_at = tracker.next_due_at
        tracker.due += 1
        tracker.next_due_at = self.calendar.next_weekly(due_at, wp.weekday, wp.hour)
        if tracker.received_this_week:
            tracker.received_this_week = False
            return
        tracker.missed_in_row += 1
        text = f"Weekly progress report due {self._fmt(due_at)} is missing ({tracker.missed_in_row} in a row)"
        seq = self._record("weekly_report_missed", None, comment=text,
                                 data={"due_at": due_at.isoformat(), "missed_in_row": tracker.missed_in_row})
        self._notify(seq, "reminder", Role.agent, self.s.agent_id, "Weekly report missing", text)
        if tracker.missed_in_row >= wp.escalate_after_missed:
            seq = self._record("escalation", None, comment=text,
                                     data={"weekly_report": True, "to_role": Role.dept_head.value,
                                           "missed_in_row": tracker.missed_in_row})
            self._notify(seq, "escalation", Role.dept_head, None, f"Weekly reports missed: {self.s.project_id}", text)

    # ------------------------------------------------------------------ KPIs and warnings

    def _refresh_kpis(self, check_warning: bool = True) -> None:
        if self.s.plan is None:
            return
        today = self._today()
        kpis = project_kpis(
            started_on=self.calendar.local_date(self.s.created_at),
            milestones=self.s.milestones,
            today=today,
            finished_on=self.calendar.local_date(self.s.completed_at) if self.s.completed_at else None,
            expected_cycle_days=self.s.expected_cycle_days,
            ratings=self.s.ratings,
        )
        if kpis != self.s.kpis:
            self.s.kpis = kpis
            self._record("kpis_updated", None, data=kpis.model_dump(mode="json"))
        if check_warning and self.s.stage in WARNING_STAGES:
            self._check_warning()

    def _check_warning(self) -> None:
        warning = self.s.warning
        reasons = warning_reasons(self.s.kpis, self.policy.warnings)
        if reasons and not warning.active:
            self.s.warning = WarningState(
                active=True,
                reasons=reasons,
                raised_at=workflow.now(),
                times_raised=warning.times_raised + 1,
                pending=PendingAction(
                    kind="warning_analysis",
                    sla="warning_analysis",
                    role=Role.dept_head,
                    department=self.s.department,
                    since=workflow.now(),
                    due_at=self.calendar.add_working_days(
                        workflow.now(), self.policy.sla("warning_analysis").working_days
                    ),
                    description="Analyse the cause of the progress warning and set rectification measures",
                ),
            )
            text = "Progress warning: " + "; ".join(reasons)
            seq = self._record("warning_raised", None, comment=text, data={"reasons": reasons})
            self._notify(seq, "warning", Role.dept_head, None, f"Progress warning on {self.s.project_id}", text)
        elif warning.active and not reasons:
            open_measures = [t for t in self.s.open_tasks() if t.id in warning.task_ids]
            if not open_measures:
                warning.active = False
                warning.pending = None
                warning.reasons = []
                self._record("warning_cleared", None, data={"kpis": self.s.kpis.model_dump(mode="json")})
        elif warning.active and reasons != warning.reasons:
            warning.reasons = reasons

