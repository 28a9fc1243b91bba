"""PostgreSQL stopped and the Temporal server killed in the middle of a burst."""

from __future__ import annotations

import asyncio

import pytest

from tests.faults.scenario import assert_nothing_lost_or_doubled, burst_with_fault

OUTAGE_SECONDS = 3


@pytest.mark.timeout(240)
async def test_postgres_stopped_and_restarted_answers_503_then_loses_and_doubles_nothing(stack):
    await stack.start(workers=1)
    postgres = stack.servers.postgres

    async def stop_and_restart() -> None:
        await postgres.stop()
        await asyncio.sleep(OUTAGE_SECONDS)  # clients keep acting while it is down
        await postgres.start()

    run = await burst_with_fault(stack, stop_and_restart)
    await assert_nothing_lost_or_doubled(stack, run)
    # DESIGN, additions: while PostgreSQL is unreachable an action answers 503 `unavailable`
    # with Retry-After, never 500.
    during = [a for a in run.outcomes.answers if run.fault_started <= a.at <= run.fault_ended]
    unavailable = [a for a in during if a.status == 503 and a.code == "unavailable"]
    assert unavailable, f"no 503 while PostgreSQL was down: {run.outcomes.statuses(run.fault_started, run.fault_ended)}"
    assert all(a.retry_after for a in unavailable), "a 503 without Retry-After"
    assert run.outcomes.statuses()[500] == 0, f"answers: {run.outcomes.statuses()}"


@pytest.mark.timeout(240)
async def test_temporal_killed_and_restarted_loses_and_doubles_nothing(stack):
    await stack.start(workers=1)
    temporal = stack.servers.temporal

    async def kill_and_restart() -> None:
        await temporal.kill()
        await asyncio.sleep(1)
        await temporal.start()

    run = await burst_with_fault(stack, kill_and_restart)
    await assert_nothing_lost_or_doubled(stack, run)
