"""ProjectWorkflow — skeleton; the full implementation is being written."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.models import (
        AcceptanceCommand,
        AssessCommand,
        CancelCommand,
        Command,
        CompleteTaskCommand,
        DecideCommand,
        PlanCommand,
        ProjectStart,
        ProjectState,
        ReportCommand,
        ResultsCommand,
        WarningAnalysisCommand,
    )


@workflow.defn
class ProjectWorkflow:
    @workflow.run
    async def run(self, start: ProjectStart) -> ProjectState: ...

    @workflow.query
    def state(self) -> ProjectState: ...

    @workflow.update
    async def sync(self, cmd: Command) -> ProjectState: ...

    @workflow.update
    async def assess(self, cmd: AssessCommand) -> ProjectState: ...

    @workflow.update
    async def submit_plan(self, cmd: PlanCommand) -> ProjectState: ...

    @workflow.update
    async def decide(self, cmd: DecideCommand) -> ProjectState: ...

    @workflow.update
    async def report(self, cmd: ReportCommand) -> ProjectState: ...

    @workflow.update
    async def submit_results(self, cmd: ResultsCommand) -> ProjectState: ...

    @workflow.update
    async def answer_acceptance(self, cmd: AcceptanceCommand) -> ProjectState: ...

    @workflow.update
    async def complete_task(self, cmd: CompleteTaskCommand) -> ProjectState: ...

    @workflow.update
    async def analyse_warning(self, cmd: WarningAnalysisCommand) -> ProjectState: ...

    @workflow.update
    async def cancel(self, cmd: CancelCommand) -> ProjectState: ...
