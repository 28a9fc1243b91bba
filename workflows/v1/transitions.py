"""Frozen ProjectWorkflow v1: stage transitions, pending actions and tasks (workflows/v1/__init__.py)."""

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


class TransitionsV1:
    # ------------------------------------------------------------------ transitions

    def _on_rejection(self, gate: Gate, cmd: DecideCommand) -> None:
        if gate == Gate.initiation:
            self._assign_to_agent("assessment", "assessment", "Revise the assessment after the initiation rejection")
            self._move(Stage.assessment, cmd.actor)
        elif gate == Gate.plan:
            self._assign_to_agent("plan", "planning", "Revise the plan after its rejection")
            self._move(Stage.planning, cmd.actor)
        else:
            description = cmd.body.comment or "Rework the results after the result review"
            self._open_rectification(TaskSource.review_rejection, [description], Stage.result_review, cmd.actor)

    def _on_gate_passed(self, gate: Gate, actor: Actor) -> None:
        if gate == Gate.initiation:
            self._assign_to_agent("plan", "planning", "Draft the plan with milestones")
            self._move(Stage.planning, actor)
        elif gate == Gate.plan:
            self.s.execution_started_at = workflow.now()
            self._restart_weekly_reports()
            last = max(m.due_date for m in self.s.milestones)
            self._assign_to_agent("results", "execution", "Carry out the plan and submit results",
                                  due_at=self.calendar.end_of_day(last))
            self._move(Stage.execution, actor)
        else:
            self._assign_acceptance()
            self._move(Stage.customer_acceptance, actor)

    def _open_rectification(self, source: TaskSource, descriptions: list[str], back_to: Stage, actor: Actor) -> None:
        self.s.rectification_round += 1
        self.s.rectification_return_stage = back_to
        self._restart_weekly_reports()
        agent = self._agent()
        due = self.calendar.add_working_days(workflow.now(), self.policy.sla("rectification_task").working_days)
        tasks = [self._new_task(source, text, agent, due) for text in descriptions]
        self._assign_to_agent("rectification", "rectification", "Fix the rectification tasks and resubmit results")
        self._move(Stage.rectification, actor)
        for task in tasks:
            self._announce_task(task)

    def _restart_weekly_reports(self) -> None:
        """Reports are owed while work goes on; weeks spent waiting on others are not owed."""
        wp = self.policy.weekly_report
        self.s.reports.next_due_at = self.calendar.next_weekly(workflow.now(), wp.weekday, wp.hour)
        self.s.reports.received_this_week = False

    async def _archive(self) -> None:
        self.s.completed_at = workflow.now()
        self._refresh_kpis(check_warning=False)
        await self._flush()  # the bundle is built from the recorded steps
        seq = self._next_seq()
        result: ArchiveResult = await workflow.execute_activity(
            "archive_project",
            ArchiveRequest(step_key=self._key(seq), project_id=self.s.project_id, state=self.s),
            result_type=ArchiveResult,
            start_to_close_timeout=timedelta(minutes=2),
            retry_policy=RECORD_RETRY,
        )
        self.s.archive_bundle_id = result.bundle_id
        self._record("archived", None, data={"bundle_id": result.bundle_id, "keywords": result.keywords}, seq=seq)
        self._finish(Stage.completed, "completed", None, "")
        await self._flush()

    def _finish(self, stage: Stage, kind: str, actor: Actor | None, comment: str) -> None:
        self.s.pending = None
        self.s.warning.pending = None
        self._move(stage, actor)
        self._record(kind, actor, comment=comment)

    def _move(self, stage: Stage, actor: Actor | None) -> None:
        before = self.s.stage
        self.s.stage = stage
        self._record("stage_changed", actor, data={"from": before.value, "to": stage.value})
        if self.s.pending is not None:
            self._notify_assignee(self.s.pending, "assigned")

    # ------------------------------------------------------------------ pending actions

    def _agent(self) -> Actor:
        return Actor(user_id=self.s.agent_id, name=self.s.agent_name, role=Role.agent, department=self.s.department)

    def _pending(self, kind: str, sla: str, role: Role, description: str, *, user: Actor | None = None,
                 gate: Gate | None = None, due_at: datetime | None = None) -> PendingAction:
        now = workflow.now()
        return PendingAction(
            kind=kind,
            sla=sla,
            gate=gate,
            role=role,
            user_id=user.user_id if user else None,
            user_name=user.name if user else None,
            department=self.s.department,
            since=now,
            due_at=due_at or self.calendar.add_working_days(now, self.policy.sla(sla).working_days),
            description=description,
        )

    def _assign_to_agent(self, kind: str, sla: str, description: str, due_at: datetime | None = None) -> None:
        self.s.pending = self._pending(kind, sla, Role.agent, description, user=self._agent(), due_at=due_at)

    def _assign_approval(self, gate: Gate, role: Role) -> None:
        sla = {Gate.initiation: "initiation_approval", Gate.plan: "plan_approval"}.get(gate, "result_review")
        label = gate.value.replace("_", " ")
        self.s.pending = self._pending("approval", sla, role, f"Approve the {label}", gate=gate)

    def _open_gate(self, gate: Gate) -> None:
        self.s.gate_rounds[gate.value] = self.s.gate_rounds.get(gate.value, 0) + 1
        first = self.s.initiation_levels[0] if gate == Gate.initiation else Role.dept_head
        self._assign_approval(gate, first)

    def _assign_acceptance(self) -> None:
        if self.s.customer_user_id:
            customer = Actor(user_id=self.s.customer_user_id, name=self.s.customer_user_name or "customer",
                             role=Role.customer)
            self.s.pending = self._pending("acceptance", "customer_acceptance", Role.customer,
                                           "Accept the delivered result or raise objections", user=customer)
        else:
            self.s.pending = self._pending("acceptance", "customer_acceptance", Role.agent,
                                           "Record the customer's acceptance confirmation", user=self._agent())

    def _new_task(self, source: TaskSource, description: str, owner: Actor, due_at: datetime) -> RectificationTask:
        task = RectificationTask(
            id=f"{self.s.project_id}-t{len(self.s.tasks) + 1}",
            source=source,
            description=description,
            owner_user_id=owner.user_id,
            owner_name=owner.name,
            owner_role=owner.role,
            department=owner.department or self.s.department,
            created_at=workflow.now(),
            due_at=due_at,
            round=self.s.rectification_round,
        )
        self.s.tasks.append(task)
        return task

    def _announce_task(self, task: RectificationTask) -> None:
        seq = self._record("task_created", None, comment=task.description,
                                 data={"task_id": task.id, "source": task.source.value, "owner": task.owner_name,
                                       "due_at": task.due_at.isoformat()})
        self._notify(seq, "assigned", task.owner_role, task.owner_user_id,
                     f"Rectification task {task.id}", f"{task.description} (due {self._fmt(task.due_at)})")

    def _complete_milestones(self, names: list[str]) -> None:
        today = self._today()
        for m in self.s.milestones:
            if m.name in names and m.done_on is None:
                m.done_on = today

