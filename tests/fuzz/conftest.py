"""A live Jindu for fuzzing: Temporal, PostgreSQL, a worker and the API, each its own process,
one person per role, and one project in execution for fuzzed actions to land on."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
import pytest_asyncio

from store.users import create_user
from tests.faults.burst import Outcomes, Team, act, project_actions
from tests.faults.stack import FaultStack, Servers

ROLES = ("agent", "dept_head", "executive", "customer", "operations", "auditor")


@dataclass
class FuzzTarget:
    api_url: str
    tokens: dict[str, str]  # role → bearer token
    projects: dict[str, str]  # role → a project in execution that role's fuzzing aims at
    stack: FaultStack


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def fuzz_target(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("fuzz")
    servers = Servers(workdir)
    await servers.start()
    stack = FaultStack(servers, workdir)
    # A fuzzed action that hangs its project answers soon, so one bug does not eat the budget.
    stack.env["JINDU_UPDATE_TIMEOUT_SECONDS"] = "3"
    try:
        await stack.start(workers=1)
        dept = f"dept-{uuid.uuid4().hex[:6]}"
        tokens = {}
        for role in ROLES:
            department = dept if role in ("agent", "dept_head") else None
            _, tokens[role] = await create_user(servers.pool, name=f"fuzz-{role}-{uuid.uuid4().hex[:6]}",
                                                role=role, department=department)
        team = Team(agent={"token": tokens["agent"]}, head={"token": tokens["dept_head"]})
        # One project per role: a request that freezes a project spoils only its own role's run.
        projects = {role: f"fuzz-{role}-{uuid.uuid4().hex[:6]}" for role in ROLES}
        outcomes = Outcomes()
        async with httpx.AsyncClient(base_url=stack.api.url, timeout=30) as http:
            for project_id in projects.values():
                for path, token, body in project_actions(project_id, team):
                    await act(http, outcomes, path, token, body, deadline=30)
        assert outcomes.failed == [], outcomes.failed
        yield FuzzTarget(stack.api.url, tokens, projects, stack)
    finally:
        await stack.stop()
        await servers.close()
