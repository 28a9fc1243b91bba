"""A long project continues as new when the server suggests it, and loses nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from domain.models import Stage
from jindu.temporal import data_converter as pydantic_data_converter
from jindu.temporal import temporal_cli_path
from tests.workflows.harness import harness
from workflows import search_attributes


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
        for week in range(12):
            await h.report(handle, progress=f"week {week}")
        latest = small_history_env.client.get_workflow_handle(handle.id)
        assert (await latest.describe()).run_id != first_run
        await h.results(handle, milestones=["m1"])
        await h.decide(handle, "result_review")
        state = await h.accept(handle, rating=5)
        assert state.stage == Stage.completed

        final = await h.state(latest)
        assert final.reporting.received == 12 and final.ratings == [5]
        assert final.approvals.first_review_passed is True
        seqs = sorted(s.seq for s in h.rec.steps if s.project_id == final.project_id)
        assert seqs == list(range(1, final.seq + 1))  # one record per step across runs
        versions = [b.version for b in h.rec.batches if b.project_id == final.project_id]
        assert versions == list(range(1, len(versions) + 1))  # the read model's order survives it too


async def test_a_long_complaint_continues_as_new_without_losing_a_step(small_history_env):
    from domain.service_models import (
        ComplaintConfirmationIn,
        ComplaintReplyIn,
        ConfirmCommand,
        ReplyCommand,
        ServiceAck,
    )
    from tests.workflows.test_service import file
    from workflows.complaint import ComplaintWorkflow

    async with harness(small_history_env) as h:
        handle, cid = await file(h)
        first_run = (await handle.describe()).run_id
        for round_ in range(1, 7):
            await handle.execute_update(ComplaintWorkflow.reply, ReplyCommand(actor=h.operations, body=(
                ComplaintReplyIn(reply=f"answer {round_}", resolved=True))))  # fmt: skip
            await handle.execute_update(ComplaintWorkflow.confirm, ConfirmCommand(actor=h.customer, body=(
                ComplaintConfirmationIn(satisfied=round_ == 6, rating=2 if round_ < 6 else 5))))  # fmt: skip
        latest = small_history_env.client.get_workflow_handle(handle.id, result_type=ServiceAck)
        assert (await latest.describe()).run_id != first_run
        final = await latest.result()
        assert final.status == "closed"
        subject = f"complaint:{cid}"
        seqs = sorted(s.seq for s in h.rec.steps if s.project_id == subject)
        assert seqs == list(range(1, final.seq + 1))
        assert [s.data["round"] for s in h.rec.of(subject, "confirmed")] == [1, 2, 3, 4, 5, 6]
        versions = [b.version for b in h.rec.batches if b.project_id == subject]
        assert versions == list(range(1, len(versions) + 1))
