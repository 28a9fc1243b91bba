"""A project id is global (issue 6): the first agent to claim it owns it, atomically, and its
customer is stored with it; the same id from another agent or department is 409."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from domain.commands import ProjectCreateIn
from store.customers import read_customer
from store.intake import claim_project
from store.users import user_by_token


def intake(pid: str, customer: str) -> dict:
    return {"id": pid, "customer": {"name": customer, "phone": "13800001111"}, "channel": "phone",
            "requirement": f"{customer} wants a flat", "business_type": "real_estate"}  # fmt: skip


async def test_concurrent_creates_of_one_id_from_two_departments(stack):
    for _ in range(10):  # rounds: either department may win one, and the race hits either unique index
        pid = f"global-{uuid.uuid4().hex[:8]}"
        east = await stack.person("agent", f"east-{uuid.uuid4().hex[:4]}")
        west = await stack.person("agent", f"west-{uuid.uuid4().hex[:4]}")
        answers = await asyncio.gather(
            stack.http.post("/v1/projects", json=intake(pid, "东方客户"), headers=east.headers),
            stack.http.post("/v1/projects", json=intake(pid, "西方客户"), headers=west.headers),
        )
        assert sorted(r.status_code for r in answers) == [201, 409], [r.text for r in answers]
        winner, customer = (east, "东方客户") if answers[0].status_code == 201 else (west, "西方客户")
        loser = answers[1] if winner is east else answers[0]
        assert loser.json()["error"]["code"] == "conflict" and pid in loser.json()["error"]["message"]
        view = next(r for r in answers if r.status_code == 201).json()
        assert (view["id"], view["department"], view["agent_name"]) == (pid, winner.department, winner.name)
        assert view["customer"]["name"] == customer

        row = await stack.pool.fetchrow("SELECT department, agent_id, requirement FROM projects WHERE id = $1", pid)
        assert (row["department"], row["agent_id"], row["requirement"]) == (winner.department, winner.id,
                                                                            f"{customer} wants a flat")
        assert await stack.pool.fetchval("SELECT count(*) FROM customers WHERE project_id = $1", pid) == 1
        stored = await read_customer(stack.pool, pid, stack.app.state.cipher)
        assert stored["name"] == customer
        assert await stack.pool.fetchval("SELECT count(*) FROM events WHERE project_id = $1 AND kind = 'intake'",
                                          pid) == 1  # fmt: skip
        handle = stack.client.get_workflow_handle(f"project-{pid}")
        state = await handle.query("state")  # the workflow started with the winner's row
        assert state["department"] == winner.department and state["agent"]["user_id"] == winner.id


async def test_the_same_id_from_a_colleague_is_409_and_from_its_owner_200(stack):
    team = await stack.team()
    pid = f"global-{uuid.uuid4().hex[:8]}"
    first = await stack.http.post("/v1/projects", json=intake(pid, "王小明"), headers=team["agent"].headers)
    assert first.status_code == 201, first.text
    colleague = await stack.person("agent", team["agent"].department)
    r = await stack.http.post("/v1/projects", json=intake(pid, "李雷"), headers=colleague.headers)
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict", r.text
    again = await stack.http.post("/v1/projects", json=intake(pid, "王小明"), headers=team["agent"].headers)
    assert again.status_code == 200 and again.json()["id"] == pid
    assert (await read_customer(stack.pool, pid, stack.app.state.cipher))["name"] == "王小明"
    assert await stack.pool.fetchval("SELECT count(*) FROM customers WHERE project_id = $1", pid) == 1


async def test_many_claims_racing_for_one_id_make_one_project(stack):
    """The store under more contention than two requests make: every loser gets the
    winner's row, none fails (the race meets either unique index, `id` or `workflow_id`)."""
    agents = [await user_by_token(stack.pool, (await stack.person("agent", f"d{i}-{uuid.uuid4().hex[:4]}")).token)
              for i in range(8)]
    for _ in range(10):
        pid = f"race-{uuid.uuid4().hex[:8]}"
        claims = await asyncio.gather(*(
            claim_project(stack.pool, project_id=pid, agent=a, body=ProjectCreateIn(**intake(pid, a.name)),
                          customer_user_id=None, cipher=stack.app.state.cipher, at=datetime.now(UTC))
            for a in agents))  # fmt: skip
        assert sorted(created for created, _ in claims) == [False] * 7 + [True]
        [winner] = [a for a, (created, _) in zip(agents, claims, strict=True) if created]
        assert {row["agent_id"] for _, row in claims} == {winner.id}
        assert (await read_customer(stack.pool, pid, stack.app.state.cipher))["name"] == winner.name
