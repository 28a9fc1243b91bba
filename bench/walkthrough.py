"""The README walkthrough's history, v1 against today's workflow (run by hand):

    .venv/bin/python bench/walkthrough.py

Drives the walkthrough's fifteen actions (intake to archive, a two-level initiation, a
rejected review and its rectification) once through ProjectWorkflow v1 (a run started with
a v1 input, as projects started before v2 still run) and once through v2, on one dev server
with activities recording to memory, and prints each history's events and bytes.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from temporalio import activity  # noqa: E402
from temporalio.client import WorkflowHandle  # noqa: E402
from temporalio.testing import WorkflowEnvironment  # noqa: E402
from temporalio.worker import Worker  # noqa: E402

from domain.models import Channel, Level, Role  # noqa: E402
from jindu.temporal import data_converter, temporal_cli_path  # noqa: E402
from tests.workflows.harness import Harness, Recorder  # noqa: E402
from workflows import search_attributes  # noqa: E402
from workflows.project import ProjectWorkflow  # noqa: E402
from workflows.revisit import RevisitWorkflow  # noqa: E402
from workflows.v1.state import ArchiveRequest, ArchiveResult, Notification, StepBatch  # noqa: E402
from workflows.v1.state import ProjectStart as StartV1  # noqa: E402


class V1Memory:
    @activity.defn(name="record_steps")
    async def record_steps(self, batch: StepBatch) -> None:
        return None

    @activity.defn(name="notify")
    async def notify(self, note: Notification) -> None:
        return None

    @activity.defn(name="archive_project")
    async def archive_project(self, req: ArchiveRequest) -> ArchiveResult:
        return ArchiveResult(bundle_id=f"archive-{req.project_id}", keywords=[req.project_id])


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


class V1Harness(Harness):
    """The same helpers, for a v1 run: v1 answers its updates with its state, not an Ack."""

    async def update(self, handle: WorkflowHandle[Any, Any], update: Any, cmd: Any) -> Any:
        from workflows.v1.state import ProjectState as StateV1

        return await handle.execute_update(update.__name__ if callable(update) else update, cmd, result_type=StateV1)


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
        v1 = V1Memory()
        # v2 hands a completed project's revisit to a RevisitWorkflow of its own (a child).
        async with Worker(env.client, task_queue=queue, workflows=[ProjectWorkflow, RevisitWorkflow],
                          activities=[*Recorder().activities(), v1.record_steps, v1.notify, v1.archive_project]):
            h2 = Harness(env, queue, Recorder())
            new = await h2.start()
            await walkthrough(h2, new)

            h1 = V1Harness(env, queue, Recorder())
            start = StartV1(project_id=uuid.uuid4().hex[:12], department="sales", business_type="real_estate",
                            channel=Channel.visit, requirement="Two-bedroom flat near Xuhui schools",
                            agent=h1.agent.model_dump() | {"name": "Wang Fang"},
                            customer_user_id=h1.customer.user_id, customer_user_name="Chen Jie",
                            created_at=await env.get_current_time())  # fmt: skip
            old = await env.client.start_workflow("ProjectWorkflow", start, id=f"project-{start.project_id}",
                                                  task_queue=queue)  # fmt: skip
            h1.customer = h1.customer.model_copy(update={"role": Role.customer})
            await walkthrough(h1, old)
            rows = {"v1 (before)": await history(old), "v2 (now)": await history(new)}
            await h2.close()  # the revisit the v2 project handed over, still waiting
    print(f"{'README walkthrough':<20}{'events':>10}{'bytes':>12}{'JSON bytes':>14}")
    for name, (events, size, json_size) in rows.items():
        print(f"{name:<20}{events:>10}{size:>12}{json_size:>14}")
    (e1, b1, j1), (e2, b2, j2) = rows.values()
    print(f"{'v1 / v2':<20}{e1 / e2:>10.2f}{b1 / b2:>12.2f}{j1 / j2:>14.2f}")


if __name__ == "__main__":
    asyncio.run(main())
