"""`jindu reconcile [--fix]` as operations run it: the real command against the stack's
Temporal dev server and PostgreSQL finds a read model that says otherwise than Temporal,
exits 1 without --fix, repairs it with --fix, and then finds nothing."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

import cli
from tests.e2e.test_risk_register import running_project
from tests.fixtures_stack import STACK_TASK_QUEUE


@pytest.fixture
def reconcile(pg_url, local_env):
    env = {**os.environ, "JINDU_DATABASE_URL": pg_url, "JINDU_TASK_QUEUE": STACK_TASK_QUEUE,
           "JINDU_TEMPORAL_ADDRESS": local_env.client.service_client.config.target_host,
           "JINDU_LOG_JSON": "true"}  # fmt: skip
    command = str(Path(sys.executable).with_name("jindu"))

    async def run(*args: str) -> tuple[int, str]:
        child = await asyncio.create_subprocess_exec(command, "reconcile", *args, env=env,
                                                     stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, _ = await asyncio.wait_for(child.communicate(), 120)
        return child.returncode or 0, out.decode()

    return run


def test_it_says_what_it_compares(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["reconcile", "--help"])
    assert exit_.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Temporal is the truth" in out and "--fix" in out


async def test_reconcile_reports_then_repairs_a_project_that_differs(stack, reconcile):
    team = await stack.team()
    pid = await running_project(stack, team)
    await stack.pool.execute("UPDATE projects SET stage = 'planning' WHERE id = $1", pid)
    code, out = await reconcile()
    assert code == 1, out
    assert f"{pid}: stage planning ≠ execution" in out
    assert await stack.pool.fetchval("SELECT stage FROM projects WHERE id = $1", pid) == "planning"
    code, out = await reconcile("--fix")
    assert code == 0 and f"{pid}: stage planning ≠ execution" in out and "— fixed" in out, out
    assert await stack.pool.fetchval("SELECT stage FROM projects WHERE id = $1", pid) == "execution"
    assert await stack.pool.fetchval("SELECT count(*) FROM events WHERE project_id = $1 AND kind = 'reconciled'",
                                     pid) == 1  # fmt: skip
    code, out = await reconcile()
    assert pid not in out, out


async def test_reconcile_finds_and_ends_a_process_terminated_in_temporal(stack, reconcile):
    from store import process_templates
    from tests.e2e.test_processes_over_http import start

    await process_templates.load_dir(stack.pool)
    team = await stack.team()
    pid = (await start(stack, team["agent"], "commission", {"deal": "P-7", "deal_value": "10", "commission": "1",
                                                            "split": "王 100%"}))["id"]  # fmt: skip
    await stack.client.get_workflow_handle(f"process-{pid}").terminate("operator test")
    ended = f"WorkflowId = 'process-{pid}' AND ExecutionStatus = 'Terminated'"
    for _ in range(100):  # Temporal's visibility lags a little behind the termination
        if [wf async for wf in stack.client.list_workflows(ended)]:
            break
        await asyncio.sleep(0.1)
    code, out = await reconcile()
    assert code == 1 and f"process {pid}: its workflow ended in Temporal" in out, out
    assert await stack.pool.fetchval("SELECT status FROM processes WHERE id = $1", pid) == "running"
    code, out = await reconcile("--fix")
    assert code == 0 and f"process {pid}: its workflow ended in Temporal; the records said running — fixed" in out
    assert await stack.pool.fetchval("SELECT status FROM processes WHERE id = $1", pid) == "terminated"
    code, out = await reconcile()
    assert f"process {pid}" not in out, out
