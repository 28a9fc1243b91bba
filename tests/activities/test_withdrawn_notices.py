"""What a user was told of a step that was then superseded (store/fencing.py, issue 13): a
notice not yet sent is dropped, one already delivered gets a correction to the same people,
and one half delivered stops where it is and is corrected too — once each."""

from __future__ import annotations

from domain.models import Role
from domain.steps import Notice
from tests.activities.test_fencing import fenced, report
from tests.fixtures_db import intake_step, new_project_id, record_batch, write


def told(seq: int, role: Role, user: str | None = None) -> Notice:
    return Notice(seq=seq, kind="info", key="reassigned", params={"what": "周报"}, to_role=role, to_user_id=user)


async def test_notices_of_superseded_steps_are_dropped_stopped_or_corrected(pool):
    pid = new_project_id()
    await write(pool, fenced(record_batch(pid, 1, intake_step(), view={"stage": "execution"}), "r", 10, 0))
    lost = record_batch(pid, 2, report(2, "丢失的周报"), report(3, "第二份"), report(4, "第三份"),
                        notices=[told(2, Role.dept_head), told(3, Role.agent, "u-agent"), told(4, Role.executive)],
                        view={"stage": "execution"})  # fmt: skip
    await write(pool, fenced(lost, "r", 20, 1))
    sent, half, unsent = f"{pid}:2:info:dept_head", f"{pid}:3:info:agent", f"{pid}:4:info:executive"
    await pool.execute("UPDATE outbox SET sent_at = now() WHERE id = $1", sent)
    await pool.execute("INSERT INTO deliveries (outbox_id, channel) VALUES ($1, 'wecom')", half)
    await pool.executemany(
        "INSERT INTO notification_deliveries (outbox_id, delivery, channel, project_id, lang, state) "
        "VALUES ($1, $2, $2, $3, 'zh', $4)", [(half, "wecom", pid, "sent"), (half, "email:u-agent", pid, "pending")])

    done = record_batch(pid, 2, report(2, "完成的周报"), view={"stage": "execution"})
    assert await write(pool, fenced(done, "r", 23, 1)) == []

    rows = {r["id"]: r for r in await pool.fetch("SELECT * FROM outbox WHERE project_id = $1", pid)}
    assert unsent not in rows, "a notice nobody received is simply dropped"
    assert rows[half]["failed_at"] is not None and rows[half]["sent_at"] is None
    assert await pool.fetchval("SELECT state FROM notification_deliveries WHERE outbox_id = $1 "
                               "AND delivery = 'email:u-agent'", half) == "given_up"  # fmt: skip
    corrections = {i: r for i, r in rows.items() if r["kind"] == "withdrawn"}
    assert set(corrections) == {f"{sent}:withdrawn", f"{half}:withdrawn"}
    c = corrections[f"{half}:withdrawn"]
    assert (c["key"], c["to_role"], c["to_user_id"], c["seq"]) == ("withdrawn", "agent", "u-agent", 1)
    assert c["sent_at"] is None and c["failed_at"] is None, "the correction is delivered like any notice"

    again = record_batch(pid, 3, report(3, "又一次"), view={"stage": "execution"})
    await write(pool, fenced(again, "r", 30, 1))  # another divergence from the same point
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE project_id = $1 AND kind = 'withdrawn'", pid) == 2
