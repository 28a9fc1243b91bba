"""One truth for a claim from the pool 公海 (issue 14), on the real stack: the customer's
workflow decides and its recording activity writes the owner. A claim the workflow refuses
leaves PostgreSQL as it was; two agents claiming one pooled customer at once: exactly one
wins, and PostgreSQL and the workflow agree on who."""

from __future__ import annotations

import asyncio
import uuid

from domain.customers_follow_up import CustomerStart, CustomerState, CustomerStatus
from domain.policy import ProjectPolicy
from workflows.customer import CustomerWorkflow


def phone() -> str:
    return f"137{uuid.uuid4().int % 10**8:08d}"


async def register(stack, agent) -> str:
    r = await stack.http.post("/v1/customers", json={"name": "周芳", "phone": phone(), "grade": "A"},
                              headers=agent.headers)  # fmt: skip
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def pool_in_both(stack, cid: str) -> None:
    """What the workflow's `pooled` step leaves (the cadence ran out): the workflow continued
    with its state pooled, the row without an owner. Days of cadence are not waited here."""
    handle = stack.client.get_workflow_handle(f"customer-{cid}")
    state = CustomerState.model_validate(await handle.query(CustomerWorkflow.state))
    await handle.terminate("pooled for the test")
    state.status = CustomerStatus.pooled
    start = CustomerStart(customer_id=cid, department=state.department, grade=state.grade, since=state.updated_at,
                          policy=ProjectPolicy(), calendar=state.calendar, carried=state.model_dump_json())  # fmt: skip
    await stack.client.start_workflow(CustomerWorkflow.run, start, id=f"customer-{cid}",
                                      task_queue=stack.app.state.settings.task_queue)  # fmt: skip
    await stack.pool.execute("UPDATE customer_master SET owner_id = NULL, pooled_at = now() WHERE id = $1", cid)


async def workflow_status(stack, cid: str) -> str:
    state = await stack.client.get_workflow_handle(f"customer-{cid}").query(CustomerWorkflow.state)
    return str(CustomerState.model_validate(state).status.value)


async def claimed_changes(stack, cid: str) -> list[str | None]:
    rows = await stack.pool.fetch("SELECT actor_id FROM customer_changes WHERE customer_id = $1 AND kind = 'claimed'",
                                  cid)  # fmt: skip
    return [r["actor_id"] for r in rows]


async def test_a_claim_the_workflow_refuses_writes_nothing(stack):
    team = await stack.team()
    agent = team["agent"]
    taker = await stack.person("agent", agent.department)
    cid = await register(stack, agent)
    # The row says pooled, the workflow does not (still following it up): the workflow decides.
    await stack.pool.execute("UPDATE customer_master SET owner_id = NULL, pooled_at = now() WHERE id = $1", cid)
    r = await stack.http.post(f"/v1/customers/{cid}/claim", headers=taker.headers)
    assert r.status_code == 409 and r.json()["error"]["message"] == "the customer is not in the pool", r.text
    assert await stack.pool.fetchval("SELECT owner_id FROM customer_master WHERE id = $1", cid) is None
    assert await claimed_changes(stack, cid) == []
    assert await workflow_status(stack, cid) == "active"


async def test_two_agents_claiming_one_pooled_customer_at_once(stack):
    team = await stack.team()
    first, second = await stack.person("agent", team["agent"].department), team["agent"]
    cid = await register(stack, team["agent"])
    await pool_in_both(stack, cid)
    answers = await asyncio.gather(*(stack.http.post(f"/v1/customers/{cid}/claim", headers=who.headers)
                                     for who in (first, second)))  # fmt: skip
    codes = sorted(a.status_code for a in answers)
    # The loser is refused by the workflow (409), or already finds it another's (404: not theirs to see).
    assert codes[0] == 200 and codes[1] in (404, 409), [a.text for a in answers]
    winner = (first, second)[[a.status_code for a in answers].index(200)]
    assert answers[[a.status_code for a in answers].index(200)].json()["owner"] == winner.name
    row = await stack.pool.fetchrow("SELECT owner_id, pooled_at FROM customer_master WHERE id = $1", cid)
    assert (row["owner_id"], row["pooled_at"]) == (winner.id, None)
    assert await claimed_changes(stack, cid) == [winner.id]
    assert await workflow_status(stack, cid) == "active"
    told = await stack.pool.fetch("SELECT to_user_id FROM outbox WHERE key = 'customer.assigned' "
                                  "AND id LIKE $1", f"customer-{cid}:%")  # fmt: skip
    assert [t["to_user_id"] for t in told] == [winner.id]
