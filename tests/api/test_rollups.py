"""Period rollups (issue 16, store/rollups.py): a closed month's figures are summed once,
every later write to that month is seen by the next report (whoever writes: the record
activity, a supersession, a tool). That they agree with `jindu rollups rebuild`'s, derived
from `events`: tests/api/test_rollups_rebuild.py."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.models import Actor, Role
from store import records
from store.appraisal import Window, staff_facts
from store.kpis import kpi_summaries
from tests.fixtures_db import intake_step, new_project_id, record_batch, step, write

TZ = ZoneInfo("Asia/Shanghai")
YEAR = (date(2025, 1, 1), date(2026, 1, 1))  # closed months whenever the test runs


def at(month: int, day: int) -> datetime:
    return datetime.combine(date(2025, month, day), time(10), TZ)


def fenced(batch, task: int, base_seq: int):
    return batch.model_copy(update={"run_id": "run-1", "task": task, "base_seq": base_seq})


async def reports(pool, dept: str) -> tuple[dict, dict, dict]:
    """KPIs of 2025 by agent, the appraisal of June 2025 and of 2025, by staff member."""
    today, now = datetime.now(TZ).date(), datetime.now(UTC)
    kpis = {s.key: s for s in await kpi_summaries(pool, group_by="agent", today=today, first=YEAR[0],
                                                  after=YEAR[1], department=dept, tz=TZ)}  # fmt: skip
    june, year = [{f.user_id: f for f in await staff_facts(pool, Window.of(p, TZ), department=dept, today=today,
                                                            now=now)} for p in ("2025-06", "2025")]  # fmt: skip
    return kpis, june, year


async def test_closed_months_are_rolled_up_and_kept_fresh_by_every_writer(pool):
    dept = f"roll-{uuid.uuid4().hex[:6]}"
    a1, a2 = (Actor(user_id=f"{dept}-{n}", name=f"{dept}-{n}", role=Role.agent, department=dept) for n in ("a1", "a2"))
    head = Actor(user_id="u-head", name="Head", role=Role.dept_head, department=dept)
    p1 = new_project_id()
    plan = {"goals": "g", "responsibilities": "r",
            "milestones": [{"name": "m1", "due_date": "2025-06-20"}, {"name": "m2", "due_date": "2025-07-10"}]}
    for batch in [
        record_batch(p1, 1, intake_step(a1), at=at(6, 2), view={"stage": "execution"}),
        record_batch(p1, 2, step(2, "plan_submitted", a1, **plan), at=at(6, 3)),
        record_batch(p1, 3, step(3, "weekly_report", a1, progress="p", next_week_plan="n",
                                 milestones_done={"m1": "2025-07-03"}), at=at(7, 3)),
        record_batch(p1, 4, step(4, "decision", head, gate="result_review", level="dept_head", decision="reject"),
                     at=at(7, 5)),
        record_batch(p1, 5, step(5, "decision", head, gate="result_review", level="dept_head", decision="approve"),
                     at=at(8, 1)),
    ]:  # fmt: skip
        await write(pool, batch)

    kpis, june, year = await reports(pool, dept)
    assert kpis[a1.name].projects == 1 and kpis[a1.name].completion_rate == 50.0  # m1 done of m1, m2 due
    # June: m1 due, done only in July; the year: m1 and m2 due, m1 done; the first review rejected
    assert (june[a1.user_id].milestones_due, june[a1.user_id].milestones_done) == (1, 0)
    assert (year[a1.user_id].milestones_due, year[a1.user_id].milestones_done) == (2, 1)
    assert (year[a1.user_id].reviews, year[a1.user_id].reviews_passed_first) == (1, 0)
    computed = {(r["report"], r["month"]) for r in await pool.fetch("SELECT report, month FROM rollup_months")}
    assert {("kpis", date(2025, 6, 1)), ("milestones", date(2025, 6, 1)), ("reviews", date(2025, 7, 1))} <= computed

    # Later writes to those months: a new project rated in June, P1 handed to a2 by a tool,
    # and a rating of a workflow task that never completed, superseded by the one that did.
    p2, p3 = new_project_id(), new_project_id()
    await write(pool, record_batch(p2, 1, intake_step(a2), at=at(6, 5), view={"stage": "execution"}))
    await write(pool, record_batch(p2, 2, step(2, "accepted", Actor(user_id="u-c", role=Role.customer), rating=4),
                                   at=at(6, 30)))  # fmt: skip
    await pool.execute("UPDATE projects SET agent_id = $2, agent_name = $3 WHERE id = $1", p1, a2.user_id, a2.name)
    await write(pool, fenced(record_batch(p3, 1, intake_step(a2), at=at(6, 10), view={"stage": "execution"}), 10, 0))
    await write(pool, fenced(record_batch(p3, 2, step(2, "accepted", Actor(user_id="u-c", role=Role.customer),
                                                      rating=1), at=at(6, 12)), 20, 1))  # fmt: skip
    await write(pool, fenced(record_batch(p3, 2, step(2, "weekly_report", a2, progress="p", next_week_plan="n"),
                                          at=at(6, 12)), 23, 1))  # fmt: skip

    kpis, june, year = await reports(pool, dept)
    assert a1.name not in kpis
    # a2: P1, P2, P3; completion 1 of 2; the one rating left is 4 → 80
    assert (kpis[a2.name].projects, kpis[a2.name].completion_rate, kpis[a2.name].satisfaction_score) == (3, 50.0, 80.0)
    # (a1 keeps the weekly report they sent: reports count by who sent them)
    assert (year[a1.user_id].milestones_due, year[a1.user_id].reviews) == (0, 0)
    assert (year[a2.user_id].milestones_due, year[a2.user_id].milestones_done) == (2, 1)
    assert (year[a2.user_id].reviews, june[a2.user_id].milestones_due) == (1, 1)
    assert await pool.fetchval("SELECT count(*) FROM rollup_marks WHERE month BETWEEN $1 AND $2", *YEAR) == 0


async def test_a_months_kpis_follow_the_day_their_key_nodes_fall_due(pool):
    """A closed month's KPI rollup counts key nodes due by the day it was computed on: the day
    one falls due it is computed again, and it never answers for an earlier day."""
    dept = f"roll-{uuid.uuid4().hex[:6]}"
    agent = Actor(user_id=f"{dept}-a", name=f"{dept}-a", role=Role.agent, department=dept)
    today = datetime.now(TZ).date()
    pid = new_project_id()
    plan = {"goals": "g", "responsibilities": "r", "milestones": [{"name": "m", "due_date": str(today + timedelta(1))}]}
    await write(pool, record_batch(pid, 1, intake_step(agent), at=at(5, 5), view={"stage": "execution"}))
    await write(pool, record_batch(pid, 2, step(2, "plan_submitted", agent, **plan), at=at(5, 6)))

    async def completion(day: date) -> float | None:
        [row] = await kpi_summaries(pool, group_by="department", today=day, first=YEAR[0], after=YEAR[1],
                                    department=dept, tz=TZ)  # fmt: skip
        return row.completion_rate

    assert await completion(today) is None  # nothing due yet
    assert await completion(today + timedelta(1)) == 0.0  # due, not done
    assert await completion(today) is None, "a rollup computed for a later day is not served for an earlier one"


async def test_a_write_still_open_while_its_month_is_recomputed_is_seen_by_the_next_report(pool):
    """The recompute cannot see a write not yet committed; that write's mark survives the
    recompute (it deletes committed marks only), so the next report sums the month again."""
    dept = f"roll-{uuid.uuid4().hex[:6]}"
    agent = Actor(user_id=f"{dept}-a", name=f"{dept}-a", role=Role.agent, department=dept)
    pid = new_project_id()
    await write(pool, record_batch(pid, 1, intake_step(agent), at=at(4, 7), view={"stage": "execution"}))
    today = datetime.now(TZ).date()

    async def satisfaction() -> float | None:
        [row] = await kpi_summaries(pool, group_by="department", today=today, first=YEAR[0], after=YEAR[1],
                                    department=dept, tz=TZ)  # fmt: skip
        return row.satisfaction_score

    assert await satisfaction() is None
    rating = record_batch(pid, 2, step(2, "accepted", Actor(user_id="u-c", role=Role.customer), rating=5), at=at(4, 9))
    async with pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        await records.write_batch(conn, rating)  # marks April in this open transaction
        await pool.execute("INSERT INTO rollup_marks (report, month) VALUES ('kpis', '2025-04-01')")  # another write's
        assert await satisfaction() is None  # April recomputed without the open write
        assert await pool.fetchval(APRIL_MARKS) == 0, "the committed mark was consumed"
        await tx.commit()
    assert await pool.fetchval(APRIL_MARKS) == 1, "the open write's mark survived"
    assert await satisfaction() == 100.0


APRIL_MARKS = "SELECT count(*) FROM rollup_marks WHERE report = 'kpis' AND month = '2025-04-01'"
