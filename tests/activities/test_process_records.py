"""What `record_process` writes (store/process_records.py) against PostgreSQL: steps once by
step key, the read model and its inbox slots, one notice per addressee, the figures' rows;
batches fenced like a project's (a retry changes nothing, a lost task's steps are superseded
and the figures rebuilt, a dead task's late batch is refused)."""

from __future__ import annotations

import uuid

import pytest

from domain.process_flow import begin
from domain.process_models import ProcessBatch
from store import process_records
from store.fencing import StaleBatch
from tests.domain.lifecycle_data import HEAD, ctx
from tests.domain.process_data import do, flow, template


def batch(out, version: int, run: str, task: int) -> ProcessBatch:  # type: ignore[no-untyped-def]
    s = out.state
    return ProcessBatch(process_id=s.process_id, version=version, at=out.ctx.now, steps=out.steps,
                        view=s.read_view(), notices=out.notices, run_id=run, task=task,
                        base_seq=s.seq - len(out.steps))  # fmt: skip


async def write(pool, b: ProcessBatch) -> list[str]:  # type: ignore[no-untyped-def]
    async with pool.acquire() as conn, conn.transaction():
        return await process_records.write_batch(conn, b)


async def test_a_process_is_recorded_once_fenced_and_its_figures_rebuilt(pool):
    f = flow().model_copy(update={"process_id": f"pr-{uuid.uuid4().hex[:10]}"})
    pid = f.process_id
    first = begin(f, ctx())
    assert await write(pool, batch(first, 1, "run-1", 5)) == []
    assert await write(pool, batch(first, 1, "run-1", 5)) == [f"process:{pid}:1", f"process:{pid}:2"]  # a retry
    row = await pool.fetchrow("SELECT status, node_id, template_key, applicant_id FROM processes WHERE id = $1", pid)
    assert dict(row) == {"status": "running", "node_id": "head", "template_key": "expense", "applicant_id": "u-wang"}
    slots = await pool.fetch("SELECT role, department FROM process_inbox WHERE process_id = $1", pid)
    assert [tuple(r) for r in slots] == [("dept_head", "sales")]
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE starts_with(id, $1)", f"process:{pid}:") == 1

    lost = do(f, first.state.model_copy(update={"batches": 2}), HEAD, "reject", comment="丢失的驳回")
    await write(pool, batch(lost, 2, "run-1", 11))
    assert await pool.fetchval("SELECT status FROM processes WHERE id = $1", pid) == "rejected"
    # The task that wrote it never completed; the one that replaced it approved instead.
    kept = do(f, first.state.model_copy(update={"batches": 2}), HEAD, "approve")
    await write(pool, batch(kept, 2, "run-1", 14))
    live = await pool.fetch("SELECT kind FROM process_events WHERE process_id = $1 AND superseded_at IS NULL "
                            "ORDER BY seq", pid)  # fmt: skip
    assert [r["kind"] for r in live] == ["process_started", "node_entered", "node_decided", "node_passed",
                                         "node_entered"]  # fmt: skip
    assert await pool.fetchval("SELECT count(*) FROM process_events WHERE process_id = $1 AND superseded_at IS NOT "
                               "NULL", pid) == 2  # fmt: skip
    row = await pool.fetchrow("SELECT status, node_id FROM processes WHERE id = $1", pid)
    assert tuple(row) == ("running", "finance")
    decisions = await pool.fetch("SELECT decision FROM process_decisions WHERE process_id = $1", pid)
    assert [r["decision"] for r in decisions] == ["approve"]  # the lost rejection's figure is gone
    runs = await pool.fetch("SELECT node_id, left_at IS NOT NULL AS left FROM process_node_runs WHERE process_id = $1 "
                            "ORDER BY entered_at, node_id", pid)  # fmt: skip
    assert sorted(tuple(r) for r in runs) == [("finance", False), ("head", True)]
    slots = await pool.fetch("SELECT role, department FROM process_inbox WHERE process_id = $1", pid)
    assert [tuple(r) for r in slots] == [("dept_head", "finance")]
    with pytest.raises(StaleBatch):  # the lost task's batch arriving late
        await write(pool, batch(lost, 2, "run-1", 11))


async def test_several_approvers_of_one_role_each_get_their_notice(pool):
    t = template(nodes=[{"id": "sign", "type": "approval", "mode": "all",
                         "approvers": [{"department_head": "财务部"}, {"department_head": "法务部"}]}])  # fmt: skip
    f = flow(t).model_copy(update={"process_id": f"pr-{uuid.uuid4().hex[:10]}"})
    await write(pool, batch(begin(f, ctx()), 1, "run-1", 5))
    rows = await pool.fetch("SELECT department FROM outbox WHERE starts_with(id, $1) ORDER BY department",
                            f"process:{f.process_id}:")  # fmt: skip
    assert sorted(r["department"] for r in rows) == sorted(["法务部", "财务部"])
