"""A cost's row is written with its step (store/costs.py via store/facts.py, issue 14) and fenced
like every step: a workflow task that never completed leaves no cost behind, a retried batch
adds none, a cost recorded before costs were steps stays."""

from __future__ import annotations

from store.costs import project_costs
from tests.activities.test_fencing import fenced
from tests.fixtures_db import AGENT, HEAD, intake_step, new_project_id, record_batch, step, write


def cost(seq: int, pid: str, amount: str, by=AGENT):  # type: ignore[no-untyped-def]
    return step(seq, "cost_recorded", by, "评估费", cost_id=f"{pid}-c{seq}", amount=amount, spent_on="2026-11-20",
                total=amount, budget="8000", over_budget=False)  # fmt: skip


async def test_a_cost_is_the_row_of_the_step_that_completed(pool):
    pid = new_project_id()
    await write(pool, fenced(record_batch(pid, 1, intake_step(), view={"stage": "planning"}), "r", 10, 0))
    await pool.execute("INSERT INTO project_costs (id, project_id, amount, description, spent_on, recorded_by_id) "
                       "VALUES ($1, $2, 100, 'before 0713', '2026-11-01', 'u-agent')", f"{pid}-old", pid)  # fmt: skip
    await write(pool, fenced(record_batch(pid, 2, cost(2, pid, "5000"), view={"stage": "planning"}), "r", 20, 1))
    done = fenced(record_batch(pid, 2, cost(2, pid, "700", by=HEAD), view={"stage": "planning"}), "r", 23, 1)
    await write(pool, done)
    assert await write(pool, done) == [f"{pid}:2"]  # a retry
    view = await project_costs(pool, pid)
    assert sorted((c.id, str(c.amount), c.recorded_by_id) for c in view.items) == [
        (f"{pid}-c2", "700.00", HEAD.user_id), (f"{pid}-old", "100.00", AGENT.user_id)]
    assert str(view.total) == "800.00"
    assert await pool.fetchval("SELECT step_key FROM project_costs WHERE id = $1", f"{pid}-c2") == f"{pid}:2"
