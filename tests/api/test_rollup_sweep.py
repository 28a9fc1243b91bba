"""The worker's sweep sums stale closed months before a reader asks (issue 16; store/period_rollups.py):
after its passes, a period read computes nothing, and a later write's month is summed by the
next pass, at most `limit` months a pass."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from domain.models import Actor, Role
from store.appraisal import Window, staff_facts
from store.kpis import kpi_summaries
from store.period_rollups import RollupSweep, stale
from tests.fixtures_db import intake_step, new_project_id, record_batch, step, write

TZ = ZoneInfo("Asia/Shanghai")
CUSTOMER = Actor(user_id="u-c", role=Role.customer)


def at(month: int, day: int) -> datetime:
    return datetime.combine(date(2025, month, day), time(10), TZ)


async def computed(pool) -> dict:
    return {(r["report"], r["month"]): r["computed_at"] for r in await pool.fetch("SELECT * FROM rollup_months")}


async def test_after_the_sweep_a_period_read_computes_nothing(pool):
    dept = f"sweep-{uuid.uuid4().hex[:6]}"
    agent = Actor(user_id=f"{dept}-a", name=f"{dept}-a", role=Role.agent, department=dept)
    head = Actor(user_id="u-head", name="Head", role=Role.dept_head, department=dept)
    today = datetime.now(TZ).date()
    pid = new_project_id()
    plan = {"goals": "g", "responsibilities": "r", "milestones": [{"name": "m", "due_date": "2025-03-20"}]}
    for batch in [
        record_batch(pid, 1, intake_step(agent), at=at(3, 2), view={"stage": "execution"}),
        record_batch(pid, 2, step(2, "plan_submitted", agent, **plan), at=at(3, 3)),
        record_batch(pid, 3, step(3, "decision", head, gate="result_review", level="dept_head", decision="approve"),
                     at=at(3, 25), view={"first_review_passed": True}),
        record_batch(pid, 4, step(4, "accepted", CUSTOMER, rating=5), at=at(3, 28)),
    ]:  # fmt: skip
        await write(pool, batch)

    sweeper = RollupSweep(pool, TZ, limit=5)
    passes = 0
    while (done := await sweeper.sweep(today=today)) and passes < 100:
        assert done <= 5, "bounded work per pass"
        passes += 1
    async with pool.acquire() as conn:
        assert await stale(conn, TZ, today, 1000) == []
    before = await computed(pool)
    assert before, "the sweep summed the closed months"

    async def read() -> tuple:
        [kpis] = await kpi_summaries(pool, group_by="department", today=today, first=date(2025, 1, 1),
                                     after=date(2026, 1, 1), department=dept, tz=TZ)  # fmt: skip
        [member] = await staff_facts(pool, Window.of("2025", TZ), department=dept, today=today, now=datetime.now(UTC))
        return kpis.projects, kpis.satisfaction_score, member.reviews, member.milestones_due

    assert await read() == (1, 100.0, 1, 1)
    assert await computed(pool) == before, "the reads summed rollups the sweep had computed"

    # a later write to March marks it: the next pass sums it again, and the read computes nothing
    revisit = step(5, "rated", CUSTOMER, rating=3, source="revisit", source_id="r-1")
    await write(pool, record_batch(pid, 5, revisit, at=at(3, 30)))
    assert await sweeper.sweep(today=today) >= 1
    after = await computed(pool)
    assert after[("kpis", date(2025, 3, 1))] > before[("kpis", date(2025, 3, 1))]
    assert await read() == (1, 80.0, 1, 1)
    assert await computed(pool) == after
