"""The README walkthrough's history (run by hand):

    .venv/bin/python bench/walkthrough.py

Drives the walkthrough's fifteen actions (intake to archive, a two-level initiation, a
rejected review and its rectification) through ProjectWorkflow on one dev server with
activities recording to memory, and prints the history's events and bytes. (The
pre-release v1 it was once compared with is gone: bench/RESULTS.md §5 keeps the figures.)
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from temporalio.client import WorkflowHandle  # noqa: E402
from temporalio.testing import WorkflowEnvironment  # noqa: E402
from temporalio.worker import Worker  # noqa: E402

from domain.models import Level  # noqa: E402
from jindu.temporal import data_converter, temporal_cli_path  # noqa: E402
from tests.workflows.harness import Harness, Recorder  # noqa: E402
from workflows import search_attributes  # noqa: E402
from workflows.project import ProjectWorkflow  # noqa: E402
from workflows.revisit import RevisitWorkflow  # noqa: E402


async def walkthrough(h: Harness, handle: WorkflowHandle[Any, Any]) -> None:
    """README steps 2–5 (step 1, the intake, started the workflow)."""
    soon = date.today()
    await h.assess(handle, risk=Level.high, budget="300000", cycle=45)
    await h.decide(handle, "initiation", comment="ok")
    await h.decide(handle, "initiation", by=h.executive)
    await h.plan(handle, [("viewings", soon + timedelta(days=10)), ("contract", soon + timedelta(days=30))])
    await h.decide(handle, "plan")
    await h.report(handle, milestones=["viewings"], progress="6 viewings")
    await h.results(handle, summary="Contract drafted")
    state = await h.decide(handle, "result_review", "reject", comment="Mortgage clause missing")
    task = state.rectification.tasks[0].id if hasattr(state, "rectification") else state.open_tasks()[0].id
    await h.complete(handle, task, resolution="Clause added")
    await h.results(handle, summary="Contract v2", milestones=["contract"])
    await h.decide(handle, "result_review")
    await h.accept(handle, rating=5)
    await handle.result()


async def history(handle: WorkflowHandle[Any, Any]) -> tuple[int, int, int]:
    events = (await handle.fetch_history()).events
    json_bytes = len((await handle.fetch_history()).to_json())
    return len(events), sum(e.ByteSize() for e in events), json_bytes


async def main() -> None:
    async with await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(temporal_cli_path()), search_attributes=search_attributes.ALL,
        data_converter=data_converter, dev_server_log_level="error",
    ) as env:  # fmt: skip
        queue = f"walk-{uuid.uuid4().hex[:6]}"
        # a completed project hands its revisit to a RevisitWorkflow of its own (a child)
        async with Worker(env.client, task_queue=queue, workflows=[ProjectWorkflow, RevisitWorkflow],
                          activities=Recorder().activities()):
            h = Harness(env, queue, Recorder())
            project = await h.start()
            await walkthrough(h, project)
            events, size, json_size = await history(project)
            await h.close()  # the revisit the project handed over, still waiting
    print(f"{'README walkthrough':<20}{'events':>10}{'bytes':>12}{'JSON bytes':>14}")
    print(f"{'now':<20}{events:>10}{size:>12}{json_size:>14}")


if __name__ == "__main__":
    asyncio.run(main())
