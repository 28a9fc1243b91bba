"""ProjectWorkflow's updates and query: each validated by its guard, then applied by its
transition (domain/lifecycle.py, domain/operations.py) under the workflow's lock.

An update id seen before (the API's Idempotency-Key) is answered without applying it again,
also after a continue-as-new (`ProjectState.recent_updates`).
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import guards, lifecycle, operations, risks, service
    from domain.commands import (
        AcceptanceCommand,
        AssessCommand,
        CancelCommand,
        Command,
        ComplaintTasksCommand,
        CompleteTaskCommand,
        DecideCommand,
        ExtendDeadlineCommand,
        PlanCommand,
        PublishCalendarCommand,
        RateCommand,
        ReassignCommand,
        ReportCommand,
        ResultsCommand,
        WarningAnalysisCommand,
    )
    from domain.models import Stage
    from domain.project import ProjectState
    from domain.risk_commands import AddRiskCommand, UpdateRiskCommand
    from domain.steps import Ack
    from workflows.base import Engine


class ProjectUpdates(Engine[ProjectState, Ack]):
    def _ack(self) -> Ack:
        return Ack(seq=self.subject.seq, stage=self.subject.stage)

    @workflow.query
    def state(self) -> ProjectState:
        return self.subject

    @workflow.update
    async def sync(self, cmd: Command) -> Ack:
        """Answers once the intake and every step so far are recorded."""
        await workflow.wait_condition(lambda: self.ready and not self.lock.locked())
        return self._ack()

    @workflow.update
    async def assess(self, cmd: AssessCommand) -> Ack:
        return await self._apply(lifecycle.assess, cmd)

    @assess.validator
    def _v_assess(self, cmd: AssessCommand) -> None:
        self._check(lambda: guards.check_assess(self.subject, cmd.actor))

    @workflow.update
    async def submit_plan(self, cmd: PlanCommand) -> Ack:
        return await self._apply(lifecycle.submit_plan, cmd)

    @submit_plan.validator
    def _v_plan(self, cmd: PlanCommand) -> None:
        self._check(lambda: guards.check_plan(self.subject, cmd, self.ctx().today))

    @workflow.update
    async def decide(self, cmd: DecideCommand) -> Ack:
        return await self._apply(lifecycle.decide, cmd)

    @decide.validator
    def _v_decide(self, cmd: DecideCommand) -> None:
        self._check(lambda: guards.check_decision(self.subject, cmd))

    @workflow.update
    async def report(self, cmd: ReportCommand) -> Ack:
        return await self._apply(lifecycle.report, cmd)

    @report.validator
    def _v_report(self, cmd: ReportCommand) -> None:
        self._check(lambda: guards.check_report(self.subject, cmd))

    @workflow.update
    async def submit_results(self, cmd: ResultsCommand) -> Ack:
        return await self._apply(lifecycle.submit_results, cmd)

    @submit_results.validator
    def _v_results(self, cmd: ResultsCommand) -> None:
        self._check(lambda: guards.check_results(self.subject, cmd))

    @workflow.update
    async def answer_acceptance(self, cmd: AcceptanceCommand) -> Ack:
        ack = await self._apply(lifecycle.answer_acceptance, cmd)
        # Answer with the archived project: the run loop archives it meanwhile.
        await workflow.wait_condition(lambda: self.subject.stage != Stage.archiving and not self.lock.locked())
        return ack if ack.stage != Stage.archiving else self._ack()

    @answer_acceptance.validator
    def _v_acceptance(self, cmd: AcceptanceCommand) -> None:
        self._check(lambda: guards.check_acceptance(self.subject, cmd))

    @workflow.update
    async def complete_task(self, cmd: CompleteTaskCommand) -> Ack:
        return await self._apply(lifecycle.complete_task, cmd)

    @complete_task.validator
    def _v_complete_task(self, cmd: CompleteTaskCommand) -> None:
        self._check(lambda: guards.check_complete_task(self.subject, cmd))

    @workflow.update
    async def analyse_warning(self, cmd: WarningAnalysisCommand) -> Ack:
        return await self._apply(lifecycle.analyse_warning, cmd)

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
    async def reassign(self, cmd: ReassignCommand) -> Ack:
        return await self._apply(operations.reassign, cmd)

    @reassign.validator
    def _v_reassign(self, cmd: ReassignCommand) -> None:
        self._check(lambda: guards.check_reassign(self.subject, cmd))

    @workflow.update
    async def extend_deadline(self, cmd: ExtendDeadlineCommand) -> Ack:
        return await self._apply(operations.extend_deadline, cmd)

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
    async def complaint_tasks(self, cmd: ComplaintTasksCommand) -> Ack:
        return await self._apply(service.complaint_tasks, cmd)

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
    async def add_risk(self, cmd: AddRiskCommand) -> Ack:
        return await self._apply(risks.add_risk, cmd)

    @add_risk.validator
    def _v_add_risk(self, cmd: AddRiskCommand) -> None:
        self._check(lambda: risks.check_add(self.subject, cmd, self.ctx().today))

    @workflow.update
    async def update_risk(self, cmd: UpdateRiskCommand) -> Ack:
        return await self._apply(risks.update_risk, cmd)

    @update_risk.validator
    def _v_update_risk(self, cmd: UpdateRiskCommand) -> None:
        self._check(lambda: risks.check_update(self.subject, cmd, self.ctx().today))
