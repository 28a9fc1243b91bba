"""`jindu reconcile [--fix]` as operations run it: the real command against the stack's
Temporal dev server and PostgreSQL finds a read model that says otherwise than Temporal,
exits 1 without --fix, repairs it with --fix, and then finds nothing."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import cli
from domain.commands import CustomerIn, ProjectCreateIn
from store.intake import claim_project
from store.users import user_by_name
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


async def test_reconcile_releases_an_intake_that_never_reached_temporal(stack, reconcile, cipher):
    """Temporal was down at intake (the API answered 503): the claimed row is no project."""
    team = await stack.team()
    agent = await user_by_name(stack.pool, team["agent"].name)
    body = ProjectCreateIn(customer=CustomerIn(name="黄蓉"), channel="phone", requirement="二手房买卖",
                           business_type="real_estate")  # fmt: skip
    pid, fresh = f"ghost-{uuid.uuid4().hex[:8]}", f"fresh-{uuid.uuid4().hex[:8]}"
    for project_id, age in ((pid, timedelta(minutes=30)), (fresh, timedelta(seconds=5))):
        created, _ = await claim_project(stack.pool, project_id=project_id, agent=agent, body=body,
                                         customer_user_id=None, cipher=cipher, at=datetime.now(UTC) - age)  # fmt: skip
        assert created
    code, out = await reconcile()
    assert code == 1 and f"{pid}: an intake claim whose workflow never started" in out, out
    assert await stack.pool.fetchval("SELECT count(*) FROM projects WHERE id = $1", pid) == 1
    code, out = await reconcile("--fix")
    assert f"{pid}: an intake claim" in out and "— fixed" in out, out
    assert await stack.pool.fetchval("SELECT count(*) FROM projects WHERE id = $1", pid) == 0
    assert await stack.pool.fetchval("SELECT count(*) FROM customers WHERE project_id = $1", pid) == 0
    # one still within its grace (its start may be on the way) is left alone
    assert await stack.pool.fetchval("SELECT count(*) FROM projects WHERE id = $1", fresh) == 1
    await stack.pool.execute("DELETE FROM customers WHERE project_id = $1", fresh)
    await stack.pool.execute("DELETE FROM projects WHERE id = $1", fresh)
