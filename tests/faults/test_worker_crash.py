"""A worker SIGKILLed in the middle of a burst: nothing is lost or doubled."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from tests.faults.scenario import assert_nothing_lost_or_doubled, burst_with_fault

# Events that name the worker that took a task.
TAKEN = {EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED}


@pytest.mark.timeout(240)
async def test_a_killed_and_restarted_worker_loses_and_doubles_nothing(stack):
    await stack.start(workers=1)
    worker = stack.workers[0]

    async def kill_and_restart() -> None:
        await worker.kill()
        await asyncio.sleep(1)
        await worker.start()

    run = await burst_with_fault(stack, kill_and_restart)
    await assert_nothing_lost_or_doubled(stack, run)


async def pids_taking_tasks_since(client: Client, workflow_ids: list[str], since: datetime) -> set[int]:
    """Process ids (from the SDK's default `pid@host` identity) of workers that took a task."""
    pids: set[int] = set()
    for workflow_id in workflow_ids:
        async for event in client.get_workflow_handle(workflow_id).fetch_history_events():
            if event.event_type in TAKEN and event.event_time.ToDatetime(UTC) >= since:
                attrs = (event.workflow_task_started_event_attributes
                         if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED
                         else event.activity_task_started_event_attributes)
                if attrs.identity:  # the server leaves it empty on some events
                    pids.add(int(attrs.identity.split("@")[0]))
    return pids


@pytest.mark.timeout(240)
async def test_the_other_worker_takes_over_from_a_killed_one(stack):
    await stack.start(workers=2)
    victim, survivor = stack.workers
    killed_at: list[datetime] = []

    async def kill_one() -> None:
        killed_at.append(datetime.now(UTC))
        await victim.kill()

    run = await burst_with_fault(stack, kill_one)
    await assert_nothing_lost_or_doubled(stack, run)
    assert not victim.alive and survivor.alive
    # Every task taken after the kill was taken by the survivor (a second's slack for the clock).
    since = killed_at[0] + timedelta(seconds=1)
    taken = await pids_taking_tasks_since(stack.servers.client, [f"project-{p}" for p in run.project_ids], since)
    assert taken == {survivor.pid}
