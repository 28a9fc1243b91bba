"""A burst over 20 projects with one fault injected part-way, and what must hold after it."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tests.faults.burst import FINAL_STAGE, Outcomes, Team, project_actions, run_burst, stages, when_done
from tests.faults.ledger import ledger_problems
from tests.faults.stack import FaultStack

PROJECTS = 20


@dataclass
class Run:
    team: Team
    project_ids: list[str]
    outcomes: Outcomes
    fault_started: float
    fault_ended: float


async def burst_with_fault(stack: FaultStack, fault: Callable[[], Awaitable[None]], *, at: float = 0.3) -> Run:
    """Drive the burst; once `at` of its actions are done, run `fault` while clients keep acting."""
    team = await stack.team()
    tag = uuid.uuid4().hex[:6]
    project_ids = [f"fault-{tag}-{i:02d}" for i in range(PROJECTS)]
    outcomes = Outcomes()
    total = PROJECTS * len(project_actions("x", team))
    burst = asyncio.create_task(run_burst(stack.api.url, team, project_ids, outcomes))
    try:
        await when_done(outcomes, at, total)
    except AssertionError:
        burst.cancel()
        raise AssertionError(f"the burst stalled before the fault:\n{outcomes.failed}\n{stack.logs()}") from None
    started = time.monotonic()
    await fault()
    ended = time.monotonic()
    await burst
    return Run(team, project_ids, outcomes, started, ended)


async def assert_nothing_lost_or_doubled(stack: FaultStack, run: Run) -> None:
    """Every action applied once: every project reached execution, and its rows equal its history."""
    assert run.outcomes.failed == [], f"{run.outcomes.failed}\n{stack.logs()}"
    reached = await stages(stack.api.url, run.team, run.project_ids)
    behind = {p: s for p, s in reached.items() if s != FINAL_STAGE}
    assert behind == {}, f"projects short of {FINAL_STAGE}: {behind}"
    servers = stack.servers
    problems = await ledger_problems(servers.client, servers.pool, {p: f"project-{p}" for p in run.project_ids})
    assert problems == [], "\n".join(problems)
