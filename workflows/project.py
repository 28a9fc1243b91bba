"""ProjectWorkflow: one client project from consultation to archive (RULES §lifecycle).

The rules are domain/lifecycle.py's; the workflow validates updates against them
(workflows/updates.py), records each outcome — one `record` local activity per update or
clock tick — then adopts its state, sleeps until the next thing falls due and publishes the
project to the Web UI (workflows/engine.py).

Updates (validated first; a rejected update writes nothing; each answers what it made, an `Ack`
or one of domain/results.py):
  sync, assess, submit_plan, decide, report, submit_results, answer_acceptance,
  complete_task, analyse_warning, cancel, reassign, extend_deadline, publish_calendar,
  complaint_tasks, rate, add_risk, update_risk, record_cost (a cost 成本 against the budget)
Query: state (the ProjectState)

The worker runs it without Temporal's sandbox (workflows/runner.py): this module is
imported once per worker, not again for every project.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.project import ProjectStart
    from domain.steps import Ack
    from workflows.engine import ProjectEngine


@workflow.defn
class ProjectWorkflow(ProjectEngine):
    @workflow.init
    def __init__(self, start: ProjectStart) -> None:
        self.setup(start)

    @workflow.run
    async def run(self, start: ProjectStart) -> Ack:
        return await self.run_project()
