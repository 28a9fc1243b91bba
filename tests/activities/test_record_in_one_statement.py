"""The `record` activity writes a batch's steps, read model and notices in one statement
(store/records.py WRITE, issue 16): the rows are those the statements it replaced wrote —
one INSERT per step, APPLY_VIEW, one INSERT per notice (kept below as the reference) — and
the fence's presumption that a newer batch is "new" is checked by that statement itself: when
a live step follows the batch's start after all, nothing of it is written before `decide`
has judged it on those steps (store/fencing.py)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from domain.models import Role
from domain.steps import Notice, RecordBatch
from store import fencing, records
from tests.fixtures_db import AGENT, HEAD, T0, intake_step, new_project_id, project_state, record_batch, step, write

OLD_EVENT = """INSERT INTO events (step_key, project_id, seq, kind, at, actor_id, actor_name, actor_role, comment, data,
                   run_id, task)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (step_key) DO NOTHING"""
OLD_NOTICE = """INSERT INTO outbox (id, project_id, seq, kind, key, params, to_role, to_user_id, department, path)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING"""


async def write_the_old_way(pool, batch: RecordBatch) -> None:
    """The statements WRITE replaced, for a project whose row exists (no fence, no facts)."""
    pid = batch.project_id
    async with pool.acquire() as conn, conn.transaction():
        for s in sorted(batch.steps, key=lambda s: s.seq):
            a = s.actor
            await conn.execute(OLD_EVENT, records.step_key(pid, s.seq), pid, s.seq, s.kind, batch.at,
                               a.user_id if a else None, a.name if a else None, a.role.value if a else None,
                               s.comment, s.data, batch.run_id or None, batch.task)  # fmt: skip
        await records.apply_view(conn, batch)
        await conn.executemany(OLD_NOTICE, [(n.notice_id(pid), pid, n.seq, n.kind, n.key, n.params, n.to_role.value,
                                             n.to_user_id, n.department, None) for n in batch.notices])  # fmt: skip


async def rows(pool, pid: str) -> dict[str, Any]:
    """Everything the batch wrote, with the project's id taken out."""
    events = await pool.fetch("SELECT * FROM events WHERE project_id = $1 ORDER BY seq", pid)
    outbox = await pool.fetch("SELECT * FROM outbox WHERE project_id = $1 ORDER BY id", pid)
    project = await pool.fetchrow("SELECT * FROM projects WHERE id = $1", pid)

    def clean(r: Any, *drop: str) -> dict[str, Any]:
        return {k: (v.replace(pid, "P") if isinstance(v, str) else v) for k, v in dict(r).items() if k not in drop}

    return {"events": [clean(r) for r in events],
            "outbox": [clean(r, "created_at", "next_attempt_at") for r in outbox],
            "project": clean(project, "id", "workflow_id")}  # fmt: skip


async def test_one_statement_writes_what_one_statement_per_row_wrote(pool):
    ids = new_project_id(), new_project_id()
    for pid in ids:
        await write(pool, record_batch(pid, 1, intake_step()))
    view = project_state().read_view()
    for pid, how in zip(ids, ("new", "old"), strict=True):
        notices = [Notice(seq=3, kind="assigned", key="notify.assigned.approval", to_role=Role.dept_head,
                          department="销售部", params={"gate": "plan", "金额": "5000.50", "n": 3}),
                   Notice(seq=3, kind="info", key="notify.info", to_role=Role.agent, to_user_id="u-agent")]
        batch = RecordBatch(project_id=pid, version=2, at=T0 + timedelta(hours=2), view=view, notices=notices,
                            run_id="run-1", task=17, base_seq=1,
                            steps=[step(3, "stage_changed", None, "", **{"from": "planning", "to": "plan_approval"}),
                                   step(2, "plan_submitted", AGENT, "方案 ✓ \"quoted\"", goals="签约", milestones=[],
                                        responsibilities="agent", resources="¥5,000.50")])  # fmt: skip
        if how == "new":
            assert await write(pool, batch) == []
        else:
            await write_the_old_way(pool, batch)
    new, old = [await rows(pool, pid) for pid in ids]
    assert len(new["events"]) == 3 and len(new["outbox"]) == 2 and new["project"]["view_version"] == 2
    assert new["events"] == old["events"]
    assert new["outbox"] == old["outbox"]
    # The plan's own column is a fact (store/facts.py), which the old way above leaves out.
    assert {**new["project"], "plan": None, "updated_at": None} == {**old["project"], "plan": None, "updated_at": None}


def report(seq: int, text: str):
    return step(seq, "weekly_report", AGENT, progress=text, problems="", next_week_plan="继续",
                completed_milestones=[], on_time=True)  # fmt: skip


async def test_a_newer_batch_with_live_steps_after_its_start_is_judged_on_them_before_anything_is_written(pool):
    pid = new_project_id()
    await write(pool, record_batch(pid, 1, intake_step(), view={"stage": "execution"}).model_copy(
        update={"run_id": "r", "task": 10}))  # fmt: skip
    # A tool's unfenced write left a live step 2 behind the read model's back (its version is not newer).
    await write(pool, record_batch(pid, 1, report(2, "工具写的")))
    notice = Notice(seq=2, kind="info", key="notify.info", to_role=Role.dept_head, department="sales")
    batch = record_batch(pid, 2, report(2, "任务写的"), view={"stage": "result_review"}, notices=[notice])
    batch = batch.model_copy(update={"run_id": "r", "task": 20, "base_seq": 1})
    async with pool.acquire() as conn, conn.transaction():
        rec = await fencing.lock_project(conn, pid)
        assert rec is not None and rec.version == 1
        assert await fencing.verdict(conn, batch, rec) == ("new", True), "presumed new: a newer version"
        assert fencing.decide(fencing.fence_of(batch), rec, await fencing.steps_after(conn, pid, 1),
                              fencing.step_contents(batch.steps)) == "diverged", "what the steps say"  # fmt: skip
        guarded = await records.write(conn, batch, batch.steps, guard=True)
        assert not guarded["ok"] and list(guarded["added"]) == [] and [r[0] for r in guarded["stored"]] == [2]
    # Committed: the guarded statement wrote nothing.
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE project_id = $1", pid) == 0
    assert await pool.fetchval("SELECT view_version FROM projects WHERE id = $1", pid) == 1
    assert await pool.fetchval("SELECT count(*) FROM events WHERE project_id = $1", pid) == 2
    assert await write(pool, batch) == []
    live = await pool.fetch("SELECT seq, data->>'progress' AS p FROM events WHERE project_id = $1 "
                            "AND superseded_at IS NULL AND kind = 'weekly_report'", pid)  # fmt: skip
    assert [(r["seq"], r["p"]) for r in live] == [(2, "任务写的")]
    assert await pool.fetchval("SELECT progress FROM weekly_reports WHERE project_id = $1", pid) == "任务写的"
    assert await pool.fetchval("SELECT count(*) FROM events WHERE project_id = $1 AND superseded_at IS NOT NULL",
                               pid) == 1  # fmt: skip
    divergences = await pool.fetch("SELECT kind FROM record_divergences WHERE project_id = $1", pid)
    assert [r["kind"] for r in divergences] == ["superseded"]
    project = await pool.fetchrow("SELECT stage, view_version, seq FROM projects WHERE id = $1", pid)
    assert tuple(project) == ("result_review", 2, 2)
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE project_id = $1", pid) == 1
    assert await write(pool, batch) == [f"{pid}:2"], "the same batch again is a retry"


async def test_a_batch_naming_one_step_twice_keeps_the_first_and_counts_the_other(pool):
    pid = new_project_id()
    one, other = (step(2, "decision", HEAD, c, gate="initiation", level="dept_head", decision="approve", round=1)
                  for c in ("同意", "另一个"))  # fmt: skip
    assert await write(pool, record_batch(pid, 1, intake_step(), one, other)) == [f"{pid}:2"]
    assert await pool.fetchval("SELECT comment FROM events WHERE step_key = $1", f"{pid}:2") == "同意"
    assert await pool.fetchval("SELECT comment FROM approvals WHERE project_id = $1", pid) == "同意"
    divergences = await pool.fetch("SELECT kind FROM record_divergences WHERE project_id = $1", pid)
    assert [r["kind"] for r in divergences] == ["conflict"]


async def test_a_batch_waiting_on_the_lock_sees_the_steps_written_while_it_waited(pool):
    """The write's check runs in a statement after the lock's, so its snapshot holds what the
    transaction it waited for committed (a check in the lock's own statement would not)."""
    pid = new_project_id()
    await write(pool, record_batch(pid, 1, intake_step(), view={"stage": "execution"}).model_copy(
        update={"run_id": "r", "task": 10}))  # fmt: skip
    lost = record_batch(pid, 2, report(2, "先写的"), view={"stage": "execution"})
    lost = lost.model_copy(update={"run_id": "r", "task": 20, "base_seq": 1})
    later = record_batch(pid, 3, report(2, "后写的"), view={"stage": "result_review"})
    later = later.model_copy(update={"run_id": "r", "task": 23, "base_seq": 1})
    async with pool.acquire() as first:
        tx = first.transaction()
        await tx.start()
        assert await records.write_batch(first, lost) == []
        waiting = asyncio.ensure_future(write(pool, later))
        await asyncio.sleep(0.3)
        assert not waiting.done(), "the later batch waits on the project's lock"
        await tx.commit()
    assert await waiting == []
    live = await pool.fetch("SELECT seq, data->>'progress' AS p FROM events WHERE project_id = $1 "
                            "AND superseded_at IS NULL AND kind = 'weekly_report'", pid)  # fmt: skip
    assert [(r["seq"], r["p"]) for r in live] == [(2, "后写的")]
    divergences = await pool.fetch("SELECT kind FROM record_divergences WHERE project_id = $1", pid)
    assert [r["kind"] for r in divergences] == ["superseded"]
    assert await pool.fetchval("SELECT progress FROM weekly_reports WHERE project_id = $1", pid) == "后写的"
