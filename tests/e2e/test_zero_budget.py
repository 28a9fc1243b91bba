"""A budget of 0 over HTTP: 422 with the JSON error and nothing recorded, unless the policy the
project started with sets allow_zero_budget (the API checks its own policy first; the workflow's
validator the project's). Real API, worker, PostgreSQL and Temporal dev server."""

from __future__ import annotations

import httpx

from api.app import create_app
from domain.policy import ProjectPolicy
from jindu.settings import Settings
from tests.fixtures_stack import STACK_TASK_QUEUE

INTAKE = {"customer": {"name": "周芷若"}, "channel": "phone", "requirement": "个人贷款", "business_type": "loan"}
ASSESS = {"in_scope": True, "difficulty": "low", "risk_level": "low", "expected_cycle_days": 20, "budget": "0"}


async def test_a_zero_budget_is_refused_by_the_policy_the_project_started_with(stack, local_env, pool, cipher):
    team = await stack.team()
    agent = team["agent"].headers
    pid = (await stack.http.post("/v1/projects", json=INTAKE, headers=agent)).json()["id"]
    before = await pool.fetchval("SELECT count(*) FROM events WHERE project_id = $1", pid)
    r = await stack.http.post(f"/v1/projects/{pid}/assessment", json=ASSESS, headers=agent)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid", r.text
    assert "allow_zero_budget" in r.json()["error"]["message"]
    assert await pool.fetchval("SELECT count(*) FROM events WHERE project_id = $1", pid) == before
    assert (await stack.http.get(f"/v1/projects/{pid}", headers=agent)).json()["stage"] == "assessment"

    lenient = ProjectPolicy(allow_zero_budget=True)
    app = create_app(Settings(task_queue=STACK_TASK_QUEUE), client=local_env.client, pool=pool, cipher=cipher,
                     policy=lenient)  # fmt: skip
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jindu.test") as http:
            r = await http.post(f"/v1/projects/{pid}/assessment", json=ASSESS, headers=agent)
    # The project decides by the policy it started with (the worker's, which forbids it),
    # whatever an API process with another policy file lets through.
    assert r.status_code == 422 and "allow_zero_budget" in r.json()["error"]["message"], r.text
    assert await pool.fetchval("SELECT count(*) FROM events WHERE project_id = $1", pid) == before
