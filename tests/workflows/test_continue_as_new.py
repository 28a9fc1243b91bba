"""A long project continues as new when the server suggests it, and loses nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest_asyncio
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from domain.models import ProjectState, ReportCommand, Stage, WeeklyReportIn
from jindu.temporal import temporal_cli_path
from tests.workflows.harness import harness
from workflows import search_attributes
from workflows.project import ProjectWorkflow


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def small_history_env():
    """A dev server that suggests continue-as-new after 60 history events."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(temporal_cli_path()),
        search_attributes=search_attributes.ALL,
        data_converter=pydantic_data_converter,
        dev_server_log_level="error",
        dev_server_extra_args=["--dynamic-config-value", "limit.historyCount.suggestContinueAsNew=60"],
    )
    yield env
    await env.shutdown()


async def test_project_continues_as_new_without_losing_a_step(small_history_env):
    async with harness(small_history_env) as h:
        handle = await h.start()
        first_run = (await handle.describe()).run_id
        await h.to_execution(handle, [("m1", date.today() + timedelta(days=30))])
        for week in range(8):
            await handle.execute_update(ProjectWorkflow.report, ReportCommand(
                actor=h.agent, body=WeeklyReportIn(progress=f"week {week}", next_week_plan="more")))
        await h.results(handle, milestones=["m1"])
        await h.decide(handle, "result_review")
        await h.accept(handle, rating=5)

        final = await small_history_env.client.get_workflow_handle(handle.id, result_type=ProjectState).result()
        assert final.stage == Stage.completed
        assert (await small_history_env.client.get_workflow_handle(handle.id).describe()).run_id != first_run
        assert final.reports.received == 8
        assert [a.gate.value for a in final.approvals] == ["initiation", "plan", "result_review"]
        seqs = sorted(s.seq for s in h.rec.steps if s.project_id == final.project_id)
        assert seqs == list(range(1, final.seq + 1))  # one record per step across runs
