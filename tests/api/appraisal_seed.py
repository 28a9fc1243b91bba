"""The records the appraisal and service-KPI tests read: November 2025 in Asia/Shanghai,
with facts just outside it that must not count (tests/api/test_appraisal.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from domain.models import Stage
from tests.appraisal_rows import Seed, at

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def seed(api) -> dict:
    """Department D: agent A (wang) with a full month, agent B (li) with a little, agent C
    with nothing (on the roster since January, named like a spreadsheet formula)."""
    dept = f"dept-{uuid.uuid4().hex[:8]}"
    seed = Seed(api.pool, dept)
    a, b = await api.person("agent", dept), await api.person("agent", dept)
    c = await api.person("agent", dept)
    formula = f"=HYPERLINK(\"http://x\",\"{uuid.uuid4().hex[:4]}\")"
    await api.pool.execute("UPDATE users SET created_at = $2, name = $3 WHERE id = $1",
                           c.id, at(2, month=1), formula)  # fmt: skip
    await api.pool.execute("UPDATE users SET created_at = $2 WHERE id = ANY($1::text[])", [a.id, b.id],
                           at(2, month=1))  # fmt: skip

    # A, key nodes: due in November m1 (done), m2 (done 2 December: not by the close), m3 (done);
    # m4 due in October and m5 in December are not November's; a cancelled project's node is left out.
    p1 = await seed.project(a)
    await seed.milestone(p1, "m1", date(2025, 11, 5), date(2025, 11, 4))
    await seed.milestone(p1, "m2", date(2025, 11, 20), date(2025, 12, 2))
    await seed.milestone(p1, "m3", date(2025, 11, 28), date(2025, 11, 28))
    await seed.milestone(p1, "m4", date(2025, 10, 30))
    await seed.milestone(p1, "m5", date(2025, 12, 5))
    cancelled = await seed.project(a, stage=Stage.cancelled)
    await seed.milestone(cancelled, "x1", date(2025, 11, 10))
    # A, cycle deviation: P2 +10% and P3 −20% completed in November (P3 at 23:30 local on the
    # 30th); P4 +50% at 00:30 local on 1 December (still 30 November in UTC) is December's.
    p2 = await seed.project(a, stage=Stage.completed, completed_at=at(15), deviation=10.0)
    p3 = await seed.project(a, stage=Stage.completed, completed_at=at(30, 23, minute=30), deviation=-20.0)
    p4 = await seed.project(a, stage=Stage.completed, completed_at=at(1, 0, month=12, minute=30), deviation=50.0)
    # A, ratings: acceptance 4, revisit 5, complaint confirmation 2 (October's 3 is not November's).
    await seed.rating(p2, a, 4, at(15), "acceptance")
    await seed.rating(p2, a, 5, at(20), "revisit")
    await seed.rating(p1, a, 2, at(25), "complaint")
    await seed.rating(p4, a, 3, at(31, month=10), "acceptance")
    # A, first reviews: P2 rejected then approved (first failed), P3 approved; P1's first was in October.
    await seed.review(p2, "reject", at(3))
    await seed.review(p2, "approve", at(6), round_=2)
    await seed.review(p3, "approve", at(10))
    await seed.review(p1, "approve", at(20, month=10))
    await seed.review(p1, "approve", at(12), round_=2)
    # A, weekly reports: three on time; an extra one in the same week (not on time) is not due;
    # one missed, due 28 November; one missed in October.
    for day in (6, 13, 20):
        await seed.report(p1, a, at(day))
    await seed.report(p1, a, at(21), on_time=False)
    await seed.missed(p1, at(28, 18))
    await seed.missed(p1, at(31, 18, month=10))
    # Complaints about A: C1 answered on time, C2 late, C3 unanswered with its deadline still
    # ahead (not due yet); C4 names no agent (service KPIs only); C5 no department at all.
    now = datetime.now(UTC)
    await seed.complaint(pid=p1, agent=a, filed=at(3, 9), first_due=at(4, 9), first_replied=at(3, 15),
                         resolution_due=at(10), answered=at(8), resolved=True, satisfied=True, rating=5)
    await seed.complaint(pid=p1, agent=a, filed=at(12), first_due=at(13), first_replied=at(14),
                         resolution_due=at(19), answered=at(21), resolved=False, satisfied=False, rating=2)
    await seed.complaint(pid=p1, agent=a, filed=at(25), first_due=at(26), first_replied=None,
                         resolution_due=now + timedelta(days=1))
    await seed.complaint(pid=None, agent=None, filed=at(27), first_due=at(28), first_replied=at(27, 12),
                         resolution_due=at(4, month=12), answered=at(1, month=12), resolved=True, satisfied=True,
                         rating=4)  # fmt: skip
    await seed.complaint(pid=None, agent=None, filed=at(27), first_due=at(28), first_replied=None,
                         resolution_due=at(4, month=12), department=None)
    await seed.complaint(pid=p1, agent=a, filed=at(20, month=10), first_due=at(21, month=10),
                         first_replied=at(21, month=10), resolution_due=at(27, month=10), answered=at(30, month=10),
                         resolved=True)  # fmt: skip
    # A, risk events: 30,000 yuan in November; October's is not November's.
    await seed.risk_event(p1, a, at(18), "30000.00")
    await seed.risk_event(p1, a, at(5, month=10), "99999.00")
    # A confirmation of a complaint that named no agent counts in nobody's score.
    await api.pool.execute(
        """INSERT INTO ratings (step_key, project_id, agent_id, department, rating, at, source)
           VALUES ($1, NULL, NULL, $2, 1, $3, 'complaint')""", f"nobody-{uuid.uuid4().hex}", dept, at(19))
    # Suggestions: adopted, not adopted, undecided; October's is not November's.
    await seed.suggestion(at(5), True)
    await seed.suggestion(at(6), False)
    await seed.suggestion(at(7), None)
    await seed.suggestion(at(7, month=10), True)

    # B: both key nodes done, one acceptance rating of 5, one report on time and one missed.
    q1 = await seed.project(b)
    await seed.milestone(q1, "n1", date(2025, 11, 10), date(2025, 11, 10))
    await seed.milestone(q1, "n2", date(2025, 11, 12), date(2025, 11, 11))
    await seed.rating(q1, b, 5, at(16), "acceptance")
    await seed.report(q1, b, at(7))
    await seed.missed(q1, at(14, 18))

    # Another department's agent, with a rating in the same month.
    other = await api.person("agent", f"other-{uuid.uuid4().hex[:6]}")
    await Seed(api.pool, other.department).rating(None, other, 1, at(9), "revisit")
    head = await api.person("dept_head", dept)
    return {"dept": dept, "a": a, "b": b, "c": c, "formula": formula, "head": head, "other": other}
