"""Which batch wins (store/fencing.py, issue 13): literal cases of the rule, then the record
activity's SQL against PostgreSQL — a batch of a workflow task that never completed is
replaced by the one that did (its steps superseded, its facts gone), a dead task's late batch
is refused, a retried batch changes nothing."""

from __future__ import annotations

import pytest

from store import fencing
from store.fencing import Fence, LastRecorded, StaleBatch, decide
from tests.fixtures_db import AGENT, intake_step, new_project_id, record_batch, step, write

REC = LastRecorded(run_id="run-1", task=40, version=5, retired_runs=["run-0"])


@pytest.mark.parametrize("fence, stored, mine, verdict", [
    (Fence("run-1", 44, 6, 9), {}, {10: "a"}, "new"),                      # the next batch
    (Fence("run-1", 40, 5, 8), {9: "a"}, {9: "a"}, "retry"),               # the same task again
    (Fence("run-1", 40, 5, 8), {9: "a"}, {9: "b"}, "diverged"),            # another attempt, same length
    (Fence("run-1", 43, 5, 8), {9: "a"}, {9: "b", 10: "c"}, "diverged"),   # the task that replaced a lost one
    (Fence("run-1", 43, 5, 8), {}, {}, "diverged"),                        # a lost task left only a view
    (Fence("run-1", 38, 6, 9), {}, {10: "a"}, "stale"),                    # an earlier task, late
    (Fence("run-0", 90, 7, 12), {}, {13: "a"}, "stale"),                   # a run reset away
    (Fence("run-2", 12, 3, 4), {5: "a"}, {5: "a"}, "diverged"),            # a reset run
    (Fence("run-2", 60, 6, 9), {}, {10: "a"}, "new"),                      # continued as new
    (Fence("run-1", 43, 5, 8), {9: "a"}, {9: "a"}, "retry"),               # a retried task deciding the same
])  # fmt: skip
def test_which_batch_wins(fence, stored, mine, verdict):
    assert decide(fence, REC, stored, mine) == verdict


def report(seq: int, text: str):
    return step(seq, "weekly_report", AGENT, progress=text, problems="", next_week_plan="继续",
                completed_milestones=[], on_time=True)  # fmt: skip


def fenced(batch, run_id: str, task: int, base_seq: int):
    return batch.model_copy(update={"run_id": run_id, "task": task, "base_seq": base_seq})


async def live(pool, pid: str) -> list[tuple[int, str]]:
    rows = await pool.fetch("SELECT seq, data->>'progress' AS p FROM events WHERE project_id = $1 "
                            "AND superseded_at IS NULL AND kind = 'weekly_report' ORDER BY seq", pid)  # fmt: skip
    return [(r["seq"], r["p"]) for r in rows]


async def test_a_lost_tasks_steps_are_superseded_by_the_task_that_completed(pool):
    pid = new_project_id()
    await write(pool, fenced(record_batch(pid, 1, intake_step(), view={"stage": "execution"}), "r", 10, 0))
    lost = fenced(record_batch(pid, 2, report(2, "丢失的周报"), report(3, "丢失的第二份"), view={"stage": "execution"}),
                  "r", 20, 1)  # fmt: skip
    await write(pool, lost)
    assert await live(pool, pid) == [(2, "丢失的周报"), (3, "丢失的第二份")]
    done = fenced(record_batch(pid, 2, report(2, "完成的周报"), view={"stage": "result_review"}), "r", 23, 1)
    assert await write(pool, done) == []
    assert await live(pool, pid) == [(2, "完成的周报")]
    assert await pool.fetchval("SELECT count(*) FROM weekly_reports WHERE project_id = $1", pid) == 1
    assert await pool.fetchval("SELECT progress FROM weekly_reports WHERE project_id = $1", pid) == "完成的周报"
    row = await pool.fetchrow("SELECT stage, seq, view_version FROM projects WHERE id = $1", pid)
    assert (row["stage"], row["seq"], row["view_version"]) == ("result_review", 2, 2)
    superseded = await pool.fetch("SELECT seq, step_key FROM events WHERE project_id = $1 "
                                  "AND superseded_at IS NOT NULL ORDER BY seq", pid)  # fmt: skip
    assert [r["seq"] for r in superseded] == [2, 3]
    assert all("~" in r["step_key"] for r in superseded)
    noted = await pool.fetchrow("SELECT kind, detail FROM record_divergences WHERE project_id = $1", pid)
    assert noted["kind"] == "superseded"

    assert await write(pool, done) == [f"{pid}:2"], "the same batch again is a retry"
    assert await live(pool, pid) == [(2, "完成的周报")]
    with pytest.raises(StaleBatch):
        await write(pool, fenced(record_batch(pid, 3, report(3, "迟到的"), view={}), "r", 20, 2))
    assert await live(pool, pid) == [(2, "完成的周报")]


async def test_an_unfenced_rewrite_with_other_content_is_counted_not_silently_dropped(pool):
    pid = new_project_id()
    await write(pool, record_batch(pid, 1, intake_step(), report(2, "第一次")))
    assert await write(pool, record_batch(pid, 1, intake_step(), report(2, "第二次"))) == [f"{pid}:1", f"{pid}:2"]
    kinds = [r["kind"] for r in await pool.fetch("SELECT kind FROM record_divergences WHERE project_id = $1", pid)]
    assert kinds == ["conflict"]
    assert fencing.OPERATOR_KINDS  # operators' steps share a seq with the step they follow
