"""RevisitWorkflow: the revisit 回访 of one completed project (RULES §lifecycle 11). Workflow
id `revisit-<project_id>`, started by the project's workflow as a child it abandons.

The rules are domain/revisits.py's: the task opens some working days after completion for
the project's agent (or customer service 客服, `policy.revisit.assignee`, since the patch
`revisit-customer-service`), is reminded and escalated when missed, and ends once the
assignee records the customer's rating (workflows/service_engine.py does the rest, like ComplaintWorkflow).

Updates (validated first; each answers a `ServiceAck`, `submit` what it recorded,
domain/service_results.py): sync, submit; since issue 14 (domain/revisit_after.py)
analyse_warning (a satisfaction warning after completion) and complete_task (its measures)
Query: state (the RevisitState)
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import revisit_after, revisits, service_results
    from domain.commands import CompleteTaskCommand, WarningAnalysisCommand
    from domain.service_models import RevisitCommand, RevisitStart, ServiceAck
    from domain.service_state import RevisitState
    from workflows.service_engine import RevisitEngine


@workflow.defn
class RevisitWorkflow(RevisitEngine):
    @workflow.init
    def __init__(self, start: RevisitStart) -> None:
        self.setup(start)

    @workflow.run
    async def run(self, start: RevisitStart) -> ServiceAck:
        return await self.run_revisit()

    @workflow.query
    def state(self) -> RevisitState:
        return self.subject

    @workflow.update
    async def submit(self, cmd: RevisitCommand) -> service_results.RevisitRecorded:
        return service_results.revisit_recorded(*await self._answer(revisits.record, cmd))

    @submit.validator
    def _v_submit(self, cmd: RevisitCommand) -> None:
        self._check(lambda: revisits.check_revisit(self.subject, cmd))

    @workflow.update
    async def analyse_warning(self, cmd: WarningAnalysisCommand) -> ServiceAck:
        return (await self._answer(revisit_after.analyse, cmd))[0]

    @analyse_warning.validator
    def _v_analyse_warning(self, cmd: WarningAnalysisCommand) -> None:
        self._check(lambda: revisit_after.check_analysis(self.subject, cmd))

    @workflow.update
    async def complete_task(self, cmd: CompleteTaskCommand) -> ServiceAck:
        return (await self._answer(revisit_after.complete, cmd))[0]

    @complete_task.validator
    def _v_complete_task(self, cmd: CompleteTaskCommand) -> None:
        self._check(lambda: revisit_after.check_complete(self.subject, cmd))
