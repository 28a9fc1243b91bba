"""Frozen ProjectWorkflow v1: update handlers and validators, registered at run time
by ProjectWorkflow for v1 runs (workflows/v1/__init__.py)."""

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


class HandlersV1:
    def state(self) -> ProjectState:
        return self.s

    async def sync(self, cmd: Command) -> ProjectState:
        # Update handlers may run before `run` has recorded the intake: wait for it too.
        await workflow.wait_condition(lambda: self.intake_recorded and not self.inflight)
        return self.s

    async def assess(self, cmd: AssessCommand) -> ProjectState:
        body = cmd.body
        self._record("assessment", cmd.actor, comment=body.comment, data=body.model_dump(mode="json"))
        if not body.in_scope:
            self._finish(Stage.declined, "declined", cmd.actor, body.comment or "requirement out of scope")
            await self._flush()
            return self.s
        self.s.in_scope = True
        self.s.difficulty = body.difficulty
        self.s.risk_level = body.risk_level
        self.s.expected_cycle_days = body.expected_cycle_days
        self.s.original_expected_cycle_days = body.expected_cycle_days
        self.s.budget = body.budget
        self.s.initiation_levels = initiation_levels(
            body.risk_level, body.budget, self.policy.executive_budget_threshold
        )
        self._open_gate(Gate.initiation)
        self._move(Stage.initiation_approval, cmd.actor)
        await self._flush()
        return self.s

    def _check_assess(self, cmd: AssessCommand) -> None:
        _validated(guards.check_assess, self.s, cmd.actor)

    async def submit_plan(self, cmd: PlanCommand) -> ProjectState:
        self.s.plan = cmd.body
        self.s.milestones = [MilestoneState(name=m.name, due_date=m.due_date) for m in cmd.body.milestones]
        self._open_gate(Gate.plan)
        self._record("plan_submitted", cmd.actor, data=cmd.body.model_dump(mode="json"))
        self._move(Stage.plan_approval, cmd.actor)
        await self._flush()
        return self.s

    def _check_plan(self, cmd: PlanCommand) -> None:
        _validated(guards.check_plan, self.s, cmd, self._today())

    async def decide(self, cmd: DecideCommand) -> ProjectState:
        gate, decision, actor = cmd.body.gate, cmd.body.decision, cmd.actor
        round_ = self.s.gate_rounds.get(gate.value, 0)
        self.s.approvals.append(
            ApprovalRecord(
                gate=gate,
                level=actor.role,
                decision=decision,
                by_user_id=actor.user_id,
                by_name=actor.name,
                at=workflow.now(),
                comment=cmd.body.comment,
                round=round_,
            )
        )
        if gate == Gate.result_review and self.s.first_review_passed is None:
            self.s.first_review_passed = decision == Decision.approve
        levels = self.s.initiation_levels if gate == Gate.initiation else [Role.dept_head]
        next_level = levels.index(actor.role) + 1 if actor.role in levels else len(levels)
        approved_all = decision == Decision.approve and next_level >= len(levels)
        if decision == Decision.approve and not approved_all:
            self._assign_approval(gate, levels[next_level])
        self._record(
            "decision",
            actor,
            comment=cmd.body.comment,
            data={"gate": gate.value, "level": actor.role.value, "decision": decision.value, "round": round_},
        )
        if decision == Decision.approve and not approved_all:
            self._notify_assignee(self.s.pending, "assigned")
        elif decision == Decision.reject:
            self._on_rejection(gate, cmd)
        elif approved_all:
            self._on_gate_passed(gate, actor)
        await self._flush()
        return self.s

    def _check_decide(self, cmd: DecideCommand) -> None:
        _validated(guards.check_decision, self.s, cmd)

    async def report(self, cmd: ReportCommand) -> ProjectState:
        tracker = self.s.reports
        on_time = not tracker.received_this_week
        tracker.received += 1
        if on_time:
            tracker.on_time += 1
        tracker.received_this_week = True
        tracker.missed_in_row = 0
        self._complete_milestones(cmd.body.completed_milestones)
        self._record("weekly_report", cmd.actor, data={**cmd.body.model_dump(mode="json"), "on_time": on_time})
        self._refresh_kpis()
        await self._flush()
        return self.s

    def _check_report(self, cmd: ReportCommand) -> None:
        _validated(guards.check_report, self.s, cmd)

    async def submit_results(self, cmd: ResultsCommand) -> ProjectState:
        self.s.results_submissions += 1
        self._complete_milestones(cmd.body.completed_milestones)
        self._record(
            "results_submitted",
            cmd.actor,
            data={**cmd.body.model_dump(mode="json"), "submission": self.s.results_submissions},
        )
        back_to = self.s.rectification_return_stage if self.s.stage == Stage.rectification else None
        if back_to == Stage.customer_acceptance:
            self._assign_acceptance()
            self._move(Stage.customer_acceptance, cmd.actor)
        else:
            self._open_gate(Gate.result_review)
            self._move(Stage.result_review, cmd.actor)
        self._refresh_kpis()
        await self._flush()
        return self.s

    def _check_results(self, cmd: ResultsCommand) -> None:
        _validated(guards.check_results, self.s, cmd)

    async def answer_acceptance(self, cmd: AcceptanceCommand) -> ProjectState:
        body = cmd.body
        if body.accepted:
            self.s.ratings.append(body.rating)
            self.s.pending = None
            self._record("accepted", cmd.actor, data={"rating": body.rating})
            self._move(Stage.archiving, cmd.actor)
            await self._flush()
            # Answer with the archived project: the run loop archives it meanwhile.
            await workflow.wait_condition(lambda: self.s.stage != Stage.archiving and not self.inflight)
            return self.s
        objections = [o.strip() for o in body.objections if o.strip()]
        self._record("objection", cmd.actor, data={"objections": objections})
        self._open_rectification(TaskSource.customer_objection, objections, Stage.customer_acceptance, cmd.actor)
        await self._flush()
        return self.s

    def _check_acceptance(self, cmd: AcceptanceCommand) -> None:
        _validated(guards.check_acceptance, self.s, cmd)

    async def complete_task(self, cmd: CompleteTaskCommand) -> ProjectState:
        task = self.s.task(cmd.task_id)
        task.status = TaskStatus.done
        task.resolution = cmd.body.resolution
        task.completed_at = workflow.now()
        self._record(
            "task_completed", cmd.actor, comment=cmd.body.resolution, data={"task_id": task.id, "source": task.source}
        )
        self._refresh_kpis()
        await self._flush()
        return self.s

    def _check_complete_task(self, cmd: CompleteTaskCommand) -> None:
        _validated(guards.check_complete_task, self.s, cmd)

    async def analyse_warning(self, cmd: WarningAnalysisCommand) -> ProjectState:
        body, warning = cmd.body, self.s.warning
        warning.cause = body.cause
        warning.analysis = body.analysis
        warning.pending = None
        if body.revised_expected_cycle_days is not None:
            self.s.expected_cycle_days = body.revised_expected_cycle_days
        for measure in body.measures:
            owner = cmd.owners[measure.owner]
            task = self._new_task(
                TaskSource.progress_warning,
                measure.description,
                owner,
                self.calendar.add_working_days(workflow.now(), measure.deadline_working_days),
            )
            warning.task_ids.append(task.id)
        self._record("warning_analysed", cmd.actor, comment=body.analysis, data=body.model_dump(mode="json"))
        for task_id in warning.task_ids:
            self._announce_task(self.s.task(task_id))
        self._refresh_kpis()
        await self._flush()
        return self.s

    def _check_analyse_warning(self, cmd: WarningAnalysisCommand) -> None:
        _validated(guards.check_warning_analysis, self.s, cmd)

    async def cancel(self, cmd: CancelCommand) -> ProjectState:
        self.s.cancel_reason = cmd.body.reason
        self._finish(Stage.cancelled, "cancelled", cmd.actor, cmd.body.reason)
        await self._flush()
        return self.s

    def _check_cancel(self, cmd: CancelCommand) -> None:
        _validated(guards.check_cancel, self.s, cmd.actor)

