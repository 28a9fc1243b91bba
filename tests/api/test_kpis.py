"""GET /v1/kpis on a seeded set of projects, against hand-computed values (RULES §Progress metrics)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from domain.models import Kpis, MilestoneState, ProjectState, Stage, WeeklyReportTracker
from store.records import write_steps
from tests.fixtures_db import project_state, step_record

CREATED = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # 2026-11-02 10:00 in Asia/Shanghai


def ms(name: str, due: str, done: str | None = None) -> MilestoneState:
    return MilestoneState(name=name, due_date=date.fromisoformat(due),
                          done_on=date.fromisoformat(done) if done else None)


async def seed(pool, state: ProjectState, *extra: tuple[str, dict]) -> None:
    async with pool.acquire() as db, db.transaction():
        await write_steps(db, [step_record(state, "intake", seq=1)])
        for seq, (kind, data) in enumerate(extra, start=2):
            await write_steps(db, [step_record(state.model_copy(update={"seq": seq}), kind, seq=seq, data=data)])


@pytest.fixture
async def seeded(stack):
    """Department D: agent A1 with P1 and P2, agent A2 with P3 (numbers in the test)."""
    dept = f"kpi-{uuid.uuid4().hex[:6]}"
    a1, a2 = await stack.person("agent", dept), await stack.person("agent", dept)

    def project(agent, **changes) -> ProjectState:
        return project_state(department=dept, agent_id=agent.id, agent_name=agent.name, created_at=CREATED,
                             stage=Stage.execution, pending=None, **changes)

    p1 = project(a1, milestones=[ms("m1", "2026-11-01", "2026-10-30"), ms("m2", "2026-11-10"),
                                 ms("m3", "2099-01-01")],
                 kpis=Kpis(cycle_deviation_rate=10.0), first_review_passed=True,
                 reports=WeeklyReportTracker(due=4, on_time=3, received=3))
    p2 = project(a1, milestones=[ms("n1", "2026-11-05", "2026-11-05"), ms("n2", "2026-11-06", "2026-11-06")],
                 kpis=Kpis(cycle_deviation_rate=-20.0), first_review_passed=False,
                 reports=WeeklyReportTracker(due=2, on_time=2, received=2), ratings=[4])
    p3 = project(a2, milestones=[ms("k1", "2026-11-02")], kpis=Kpis(cycle_deviation_rate=50.0),
                 reports=WeeklyReportTracker(due=1, on_time=0), ratings=[2])
    await seed(stack.pool, p1, ("warning_raised", {"reasons": ["completion_rate 50.0 < 80.0"]}))
    await seed(stack.pool, p2, ("accepted", {"rating": 4}))
    await seed(stack.pool, p3, ("accepted", {"rating": 2}))
    head = await stack.person("dept_head", dept)
    return dept, a1, a2, head


async def test_department_and_appraisal_views_match_hand_computed_values(stack, seeded):
    dept, a1, a2, head = seeded
    r = await stack.http.get("/v1/kpis", params={"group_by": "department"}, headers=head.headers)
    assert r.status_code == 200, r.text
    [row] = r.json()["items"]
    # completion: done-when-due 1+2+0 = 3 of due 2+2+1 = 5 → 60; m3 is not due yet.
    # deviation: mean(10, −20, 50) = 13.33; satisfaction: mean(4, 2) = 3 → 60;
    # first-time review pass: 1 of 2 reviewed → 50; report timeliness: 5 of 7 → 71.43.
    assert row == {"key": dept, "projects": 3, "completion_rate": 60.0, "cycle_deviation_rate": 13.33,
                   "satisfaction_score": 60.0, "first_review_pass_rate": 50.0,
                   "report_timeliness_rate": 71.43, "warnings_raised": 1}

    r = await stack.http.get("/v1/kpis", params={"group_by": "agent", "period": "2026-Q4"}, headers=head.headers)
    rows = {row["key"]: row for row in r.json()["items"]}
    assert rows[a1.name] == {"key": a1.name, "projects": 2, "completion_rate": 75.0, "cycle_deviation_rate": -5.0,
                             "satisfaction_score": 80.0, "first_review_pass_rate": 50.0,
                             "report_timeliness_rate": 83.33, "warnings_raised": 1}
    assert rows[a2.name] == {"key": a2.name, "projects": 1, "completion_rate": 0.0, "cycle_deviation_rate": 50.0,
                             "satisfaction_score": 40.0, "first_review_pass_rate": None,
                             "report_timeliness_rate": 0.0, "warnings_raised": 0}

    r = await stack.http.get("/v1/kpis", params={"group_by": "month"}, headers=head.headers)
    assert [(row["key"], row["projects"]) for row in r.json()["items"]] == [("2026-11", 3)]
    r = await stack.http.get("/v1/kpis", params={"group_by": "quarter", "period": "2026-10"}, headers=head.headers)
    assert r.json()["items"] == []


async def test_kpi_access_and_bad_periods(stack, seeded):
    dept, a1, _, _ = seeded
    outsider = await stack.person("dept_head", "elsewhere")
    r = await stack.http.get("/v1/kpis", params={"department": dept}, headers=outsider.headers)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    customer = await stack.person("customer")
    assert (await stack.http.get("/v1/kpis", headers=customer.headers)).status_code == 403
    r = await stack.http.get("/v1/kpis", params={"period": "2026-13"}, headers=a1.headers)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid"
    executive = await stack.person("executive")
    r = await stack.http.get("/v1/kpis", params={"department": dept}, headers=executive.headers)
    assert r.json()["items"][0]["projects"] == 3
