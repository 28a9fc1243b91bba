"""ProjectWorkflow's updates and query: each validated by its guard, then applied by its
transition (domain/lifecycle.py, domain/operations.py) under the workflow's lock.

An update id seen before (the API's Idempotency-Key) is answered without applying it again,
also after a continue-as-new (`ProjectState.recent_updates`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import costs, guards, lifecycle, operations, rectification, results, risks, service
    from domain.commands import (
        REJECTION_NEEDS_REASON,
        AcceptanceCommand,
        AssessCommand,
        CancelCommand,
        Command,
        CompleteTaskCommand,
        DecideCommand,
        PlanCommand,
        PublishCalendarCommand,
        ReportCommand,
        ResultsCommand,
        WarningAnalysisCommand,
        check_budget,
    )
    from domain.errors import Invalid
    from domain.models import Decision, Stage
    from domain.operator_commands import ExtendDeadlineCommand, ReassignCommand
    from domain.project import ProjectState
    from domain.risk_commands import AddRiskCommand, UpdateRiskCommand
    from domain.service import ComplaintTasksCommand, RateCommand
    from domain.step_union import StepFacts
    from domain.steps import Ack, BaseOutcome, Context
    from workflows.base import Engine

C = TypeVar("C", bound=Command)
R = TypeVar("R", bound=Ack)


class ProjectUpdates(Engine[ProjectState, Ack]):
    def _ack(self) -> Ack:
        return Ack(seq=self.subject.seq, stage=self.subject.stage)

    async def _answer(self, transition: Callable[[ProjectState, C, Context], BaseOutcome[ProjectState]], cmd: C,
                      result: Callable[[Ack, list[StepFacts]], R]) -> R:  # fmt: skip
        """Apply the update and answer what it made (domain/results.py), from its typed steps."""
        made: list[StepFacts] = []

        async def keep(out: BaseOutcome[ProjectState], _: C) -> None:
            made.extend(step.facts for step in out.steps)

        return result(await self._apply(transition, cmd, keep), made)

    @workflow.query
    def state(self) -> ProjectState:
        return self.subject

    @workflow.update
    async def sync(self, cmd: Command) -> Ack:
        """Answers once the intake and every step so far are recorded."""
        await workflow.wait_condition(lambda: self.ready and not self.lock.locked())
        return self._ack()

    @workflow.update
    async def assess(self, cmd: AssessCommand) -> results.Assessed:
        return await self._answer(lifecycle.assess, cmd, results.assessed)

    @assess.validator
    def _v_assess(self, cmd: AssessCommand) -> None:
        # The project's own policy decides a budget of 0 (validators do not run on replay).
        policy = self.start.policy

        def check() -> None:
            guards.check_assess(self.subject, cmd.actor)
            check_budget(cmd.body, bool(policy and policy.allow_zero_budget))

        self._check(check)

    @workflow.update
    async def submit_plan(self, cmd: PlanCommand) -> results.PlanSubmitted:
        return await self._answer(lifecycle.submit_plan, cmd, results.plan_submitted)

    @submit_plan.validator
    def _v_plan(self, cmd: PlanCommand) -> None:
        self._check(lambda: guards.check_plan(self.subject, cmd, self.ctx().today))

    @workflow.update
    async def decide(self, cmd: DecideCommand) -> results.Decided:
        return await self._answer(lifecycle.decide, cmd, results.decided)

    @decide.validator
    def _v_decide(self, cmd: DecideCommand) -> None:
        # Also for a raw `temporal workflow update`: a rejection needs a reason.
        def check() -> None:
            guards.check_decision(self.subject, cmd)
            rejection_has_reason(cmd)

        self._check(check)

    @workflow.update
    async def report(self, cmd: ReportCommand) -> results.ReportRecorded:
        return await self._answer(lifecycle.report, cmd, results.report_recorded)

    @report.validator
    def _v_report(self, cmd: ReportCommand) -> None:
        self._check(lambda: guards.check_report(self.subject, cmd))

    @workflow.update
    async def submit_results(self, cmd: ResultsCommand) -> results.ResultsSubmitted:
        return await self._answer(lifecycle.submit_results, cmd, results.results_submitted)

    @submit_results.validator
    def _v_results(self, cmd: ResultsCommand) -> None:
        self._check(lambda: guards.check_results(self.subject, cmd))

    @workflow.update
    async def answer_acceptance(self, cmd: AcceptanceCommand) -> results.AcceptanceAnswered:
        answer = await self._answer(lifecycle.answer_acceptance, cmd, results.acceptance_answered)
        # Answer with the archived project: the run loop archives it meanwhile.
        await workflow.wait_condition(lambda: self.subject.stage != Stage.archiving and not self.lock.locked())
        if answer.stage != Stage.archiving:
            return answer
        return answer.model_copy(update={"seq": self.subject.seq, "stage": self.subject.stage})

    @answer_acceptance.validator
    def _v_acceptance(self, cmd: AcceptanceCommand) -> None:
        self._check(lambda: guards.check_acceptance(self.subject, cmd))

    @workflow.update
    async def complete_task(self, cmd: CompleteTaskCommand) -> results.TaskCompleted:
        return await self._answer(rectification.complete_task, cmd, results.task_completed)

    @complete_task.validator
    def _v_complete_task(self, cmd: CompleteTaskCommand) -> None:
        self._check(lambda: guards.check_complete_task(self.subject, cmd))

    @workflow.update
    async def analyse_warning(self, cmd: WarningAnalysisCommand) -> results.WarningAnalysed:
        return await self._answer(rectification.analyse_warning, cmd, results.warning_analysed)

    @analyse_warning.validator
    def _v_analyse_warning(self, cmd: WarningAnalysisCommand) -> None:
        self._check(lambda: guards.check_warning_analysis(self.subject, cmd))

    @workflow.update
    async def cancel(self, cmd: CancelCommand) -> Ack:
        return await self._apply(lifecycle.cancel, cmd)

    @cancel.validator
    def _v_cancel(self, cmd: CancelCommand) -> None:
        self._check(lambda: guards.check_cancel(self.subject, cmd.actor))

    @workflow.update
    async def reassign(self, cmd: ReassignCommand) -> results.Reassigned:
        return await self._answer(operations.reassign, cmd, results.reassigned)

    @reassign.validator
    def _v_reassign(self, cmd: ReassignCommand) -> None:
        self._check(lambda: guards.check_reassign(self.subject, cmd))

    @workflow.update
    async def extend_deadline(self, cmd: ExtendDeadlineCommand) -> results.DeadlineExtended:
        return await self._answer(operations.extend_deadline, cmd, results.deadline_extended)

    @extend_deadline.validator
    def _v_extend_deadline(self, cmd: ExtendDeadlineCommand) -> None:
        self._check(lambda: guards.check_extend_deadline(self.subject, cmd))

    @workflow.update
    async def publish_calendar(self, cmd: PublishCalendarCommand) -> Ack:
        return await self._apply(operations.publish_calendar, cmd)

    @publish_calendar.validator
    def _v_publish_calendar(self, cmd: PublishCalendarCommand) -> None:
        self._check(lambda: guards.check_publish_calendar(self.subject, cmd))

    @workflow.update
    async def complaint_tasks(self, cmd: ComplaintTasksCommand) -> results.ComplaintTasksOpened:
        return await self._answer(service.complaint_tasks, cmd, results.complaint_tasks_opened)

    @complaint_tasks.validator
    def _v_complaint_tasks(self, cmd: ComplaintTasksCommand) -> None:
        self._check(lambda: service.check_complaint_tasks(self.subject, cmd))

    @workflow.update
    async def rate(self, cmd: RateCommand) -> Ack:
        return await self._apply(service.rate, cmd)

    @rate.validator
    def _v_rate(self, cmd: RateCommand) -> None:
        self._check(lambda: service.check_rating(self.subject, cmd))

    @workflow.update
    async def add_risk(self, cmd: AddRiskCommand) -> results.RiskAdded:
        return await self._answer(risks.add_risk, cmd, results.risk_added)

    @add_risk.validator
    def _v_add_risk(self, cmd: AddRiskCommand) -> None:
        self._check(lambda: risks.check_add(self.subject, cmd, self.ctx().today))

    @workflow.update
    async def update_risk(self, cmd: UpdateRiskCommand) -> results.RiskChanged:
        return await self._answer(risks.update_risk, cmd, results.risk_changed)

    @update_risk.validator
    def _v_update_risk(self, cmd: UpdateRiskCommand) -> None:
        self._check(lambda: risks.check_update(self.subject, cmd, self.ctx().today))

    @workflow.update
    async def record_cost(self, cmd: costs.CostCommand) -> results.CostRecorded:
        return await self._answer(costs.record_cost, cmd, results.cost_recorded)

    @record_cost.validator
    def _v_record_cost(self, cmd: costs.CostCommand) -> None:
        self._check(lambda: costs.check_cost(self.subject, cmd, self.ctx().today))


def rejection_has_reason(cmd: DecideCommand) -> None:
    if cmd.body.decision == Decision.reject and not cmd.body.comment.strip():
        raise Invalid(REJECTION_NEEDS_REASON, "reason_needed")
