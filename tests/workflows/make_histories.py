"""Record replay histories of the shipped ProjectWorkflow (run by hand, commit the output).

    .venv/bin/python -m tests.workflows.make_histories

Run it before changing workflow code: the committed histories then prove, in
test_replay.py, that the changed code still replays what running projects recorded.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from domain.models import (
    AcceptanceCommand,
    AcceptanceIn,
    CompleteTaskCommand,
    Level,
    ReportCommand,
    TaskCompleteIn,
    WeeklyReportIn,
)
from jindu.temporal import temporal_cli_path
from tests.workflows.harness import harness
from workflows import search_attributes
from workflows.project import ProjectWorkflow

HERE = Path(__file__).parent / "histories"


async def full_lifecycle(h) -> object:
    handle = await h.start()
    await h.assess(handle, risk=Level.high)
    await h.decide(handle, "initiation")
    await h.decide(handle, "initiation", by=h.executive)
    await h.plan(handle, [("viewing", date.today() + timedelta(days=7))])
    await h.decide(handle, "plan")
    await handle.execute_update(ProjectWorkflow.report, ReportCommand(
        actor=h.agent, body=WeeklyReportIn(progress="p", next_week_plan="n", completed_milestones=["viewing"])))
    await h.results(handle)
    state = await h.decide(handle, "result_review", "reject", comment="redo")
    task = state.open_tasks()[0]
    await handle.execute_update(ProjectWorkflow.complete_task, CompleteTaskCommand(
        actor=h.agent, task_id=task.id, body=TaskCompleteIn(resolution="done")))
    await h.results(handle)
    await h.decide(handle, "result_review")
    state = await handle.execute_update(ProjectWorkflow.answer_acceptance, AcceptanceCommand(
        actor=h.customer, body=AcceptanceIn(accepted=False, objections=["late"])))
    await handle.execute_update(ProjectWorkflow.complete_task, CompleteTaskCommand(
        actor=h.agent, task_id=state.open_tasks()[0].id, body=TaskCompleteIn(resolution="fixed")))
    await h.results(handle)
    await h.accept(handle, rating=4)
    await handle.result()
    return handle


async def declined(h) -> object:
    handle = await h.start()
    await h.assess(handle, in_scope=False)
    await handle.result()
    return handle


async def main() -> None:
    HERE.mkdir(exist_ok=True)
    async with await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(temporal_cli_path()),
        search_attributes=search_attributes.ALL,
        data_converter=pydantic_data_converter,
    ) as env:
        async with harness(env) as h:
            for name, scenario in (("full_lifecycle", full_lifecycle), ("declined", declined)):
                handle = await scenario(h)
                history = await handle.fetch_history()
                path = HERE / f"v1_{name}.json"  # rename to vN_ before recording a new version
                path.write_text(history.to_json())
                print(f"wrote {path} ({len(history.events)} events)")


if __name__ == "__main__":
    asyncio.run(main())
