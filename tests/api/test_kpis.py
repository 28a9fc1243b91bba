"""GET /v1/kpis on a seeded set of projects, against hand-computed values (RULES §Progress metrics)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.models import Actor, Role
from tests.fixtures_db import intake_step, new_project_id, record_batch, step, write

CREATED = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # 2026-11-02 10:00 in Asia/Shanghai


async def seed(pool, agent, dept: str, milestones: list[tuple[str, str, str | None]], *, deviation: float,
               reports: dict, first_review_passed: bool | None = None, rating: int | None = None,
               warning: str | None = None) -> str:  # fmt: skip
    """One project in execution recorded as its workflow would: intake, plan, a report
    completing milestones, then the acceptance rating or a warning, each its own batch."""
    pid = new_project_id()
    by = Actor(user_id=agent.id, name=agent.name, role=Role.agent, department=dept)
    plan = {"goals": "g", "responsibilities": "r", "milestones": [{"name": n, "due_date": d} for n, d, _ in milestones]}
    done = {n: on for n, _, on in milestones if on}
    view = {"stage": "execution", "kpis": {"cycle_deviation_rate": deviation}, "reports": reports,
            "first_review_passed": first_review_passed}  # fmt: skip
    batches = [
        record_batch(pid, 1, intake_step(by, business_type="real_estate"), at=CREATED, view={"stage": "assessment"}),
        record_batch(pid, 2, step(2, "plan_submitted", by, **plan), at=CREATED + timedelta(hours=1)),
        record_batch(pid, 3, step(3, "weekly_report", by, progress="p", next_week_plan="n", milestones_done=done),
                     at=CREATED + timedelta(hours=2), view=view),
    ]  # fmt: skip
    if rating is not None:
        batches.append(record_batch(pid, 4, step(4, "accepted", Actor(user_id="u-c", role=Role.customer),
                                                 rating=rating), at=CREATED + timedelta(hours=3)))
    if warning is not None:
        batches.append(record_batch(pid, 4, step(4, "warning_raised", reasons=[warning]),
                                    at=CREATED + timedelta(hours=3)))
    for batch in batches:
        await write(pool, batch)
    return pid


@pytest.fixture
async def seeded(stack):
    """Department D: agent A1 with P1 and P2, agent A2 with P3 (numbers in the test)."""
    dept = f"kpi-{uuid.uuid4().hex[:6]}"
    a1, a2 = await stack.person("agent", dept), await stack.person("agent", dept)
    await seed(stack.pool, a1, dept, [("m1", "2026-11-01", "2026-10-30"), ("m2", "2026-11-10", None),
                                      ("m3", "2099-01-01", None)],
               deviation=10.0, first_review_passed=True, reports={"due": 4, "on_time": 3, "received": 3},
               warning="completion_rate 50.0 < 80.0")  # fmt: skip
    await seed(stack.pool, a1, dept, [("n1", "2026-11-05", "2026-11-05"), ("n2", "2026-11-06", "2026-11-06")],
               deviation=-20.0, first_review_passed=False, reports={"due": 2, "on_time": 2, "received": 2},
               rating=4)  # fmt: skip
    await seed(stack.pool, a2, dept, [("k1", "2026-11-02", None)], deviation=50.0,
               reports={"due": 1, "on_time": 0}, rating=2)  # fmt: skip
    head = await stack.person("dept_head", dept)
    return dept, a1, a2, head


NO_DEALS = {"deals": 0, "deal_value": "0", "commission": "0", "revenue_rate": None}  # tests/e2e/test_appraisal_deals…


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
                   "report_timeliness_rate": 71.43, "warnings_raised": 1, **NO_DEALS}

    r = await stack.http.get("/v1/kpis", params={"group_by": "agent", "period": "2026-Q4"}, headers=head.headers)
    rows = {row["key"]: row for row in r.json()["items"]}
    assert rows[a1.name] == {"key": a1.name, "projects": 2, "completion_rate": 75.0, "cycle_deviation_rate": -5.0,
                             "satisfaction_score": 80.0, "first_review_pass_rate": 50.0,
                             "report_timeliness_rate": 83.33, "warnings_raised": 1, **NO_DEALS}
    assert rows[a2.name] == {"key": a2.name, "projects": 1, "completion_rate": 0.0, "cycle_deviation_rate": 50.0,
                             "satisfaction_score": 40.0, "first_review_pass_rate": None,
                             "report_timeliness_rate": 0.0, "warnings_raised": 0, **NO_DEALS}

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
