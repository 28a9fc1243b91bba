"""`jindu rollups rebuild` derives the rollups' facts from `events` (issue 16; store/rollup_events.py):
on projects driven through the real workflows over HTTP, the rollups the reports kept fresh
by themselves and the ones rebuilt from the audit trail are the same rows and give the same
figures. The reports are asked as of a day two months on, so this month is a closed one."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from jindu.cli_rollups import rebuild_reports
from store.appraisal import Window, staff_facts
from store.appraisal_deals import money_sums
from store.kpis import kpi_summaries
from store.rollups import month_start, next_month
from tests.web.helpers import call, project_at

TZ = ZoneInfo("Asia/Shanghai")
TABLES = ("kpi_rollups", "milestone_rollups", "review_rollups", "deal_rollups", "follow_up_rollups", "money_rollups")


async def rollup_rows(pool) -> list[tuple]:
    rows = [(table, *r.values()) for table in TABLES for r in await pool.fetch(f"SELECT * FROM {table}")]
    return sorted(rows, key=repr)


async def reports(pool, dept: str, later: date) -> tuple:
    """KPIs by agent of this month and the next, and the appraisal by staff member of each,
    asked on `later` (every closed month with facts is read, so every one is rolled up)."""
    this = month_start(datetime.now(TZ).date())
    kpis = await kpi_summaries(pool, group_by="agent", today=later, first=this, after=later, department=dept, tz=TZ)
    staff = [{f.user_id: f for f in await staff_facts(pool, Window.of(f"{month:%Y-%m}", TZ), department=dept,
                                                      today=later, now=datetime.now(UTC))}
             for month in (this, next_month(this))]  # fmt: skip
    money = await money_sums(pool, this, next_month(this), dept, today=later, tz=TZ)
    return {s.key: s for s in kpis}, staff[0], staff[1], money


async def test_rollups_rebuilt_from_events_agree_with_the_incremental_ones(own_stack):
    stack = own_stack
    team = await stack.team()
    agent, head, customer = team["agent"], team["dept_head"], team["customer"]
    later = next_month(next_month(datetime.now(TZ).date()))

    # P1: a cost over budget, a deal confirmed, a weekly report, results rejected at the first
    # review, then approved (accepted later, rated 4); a customer followed up
    p1 = await project_at(stack, team, "execution", budget="5000")
    path, today = f"/v1/projects/{p1}", datetime.now(TZ).date().isoformat()
    cost = {"amount": "6000", "description": "评估费", "spent_on": today}
    await call(stack, "POST", f"{path}/costs", agent, cost, 201)
    await call(stack, "POST", f"{path}/deal", agent, {"deal_date": today, "value": "1000000", "commission": "20000",
                                                      "split": [{"agent": agent.name, "share": 100}]}, 201)  # fmt: skip
    await call(stack, "POST", f"{path}/deal/confirm", head, {})
    lead = await call(stack, "POST", "/v1/customers", agent, {"name": "韩梅", "phone": "13700002222",
                                                              "source": "phone", "grade": "B"}, 201)  # fmt: skip
    await call(stack, "POST", f"/v1/customers/{lead['id']}/follow-ups", agent, {"way": "call", "content": "看房"}, 201)
    await call(stack, "POST", f"{path}/reports", agent, {"progress": "带看完成", "next_week_plan": "签约",
                                                         "completed_milestones": ["带看"]})  # fmt: skip
    await call(stack, "POST", f"{path}/results", agent, {"summary": "合同", "completed_milestones": ["签约"]})
    view = await call(stack, "POST", f"{path}/decisions", head, {"gate": "result_review", "decision": "reject",
                                                                 "comment": "缺附件"})  # fmt: skip
    for task in view["tasks"]:
        await call(stack, "POST", f"/v1/tasks/{task['id']}/complete", agent, {"resolution": "补上了"})
    await call(stack, "POST", f"{path}/results", agent, {"summary": "合同与附件"})
    await call(stack, "POST", f"{path}/decisions", head, {"gate": "result_review", "decision": "approve"})
    # P2 refused at initiation (back to assessment: it counts); P3 declined, P4 cancelled: they do not
    p2 = await project_at(stack, team, "initiation_approval")
    await call(stack, "POST", f"/v1/projects/{p2}/decisions", head, {"gate": "initiation", "decision": "reject",
                                                                     "comment": "不做"})  # fmt: skip
    p3 = await call(stack, "POST", "/v1/projects", agent, {"customer": {"name": "李雷", "phone": "13900001111"},
                    "channel": "phone", "requirement": "租房", "business_type": "real_estate"}, 201)  # fmt: skip
    await call(stack, "POST", f"/v1/projects/{p3['id']}/assessment", agent, {"in_scope": False, "comment": "不做"})
    p4 = await project_at(stack, team, "planning")
    await call(stack, "POST", f"/v1/projects/{p4}/cancel", team["operations"], {"reason": "客户放弃"})


    kpis, staff, _, money = await reports(stack.pool, agent.department, later)
    assert (kpis[agent.name].projects, kpis[agent.name].satisfaction_score) == (2, None)
    assert (kpis[agent.name].first_review_pass_rate, kpis[agent.name].completion_rate) == (0.0, 100.0)
    assert (staff[agent.id].reviews, staff[agent.id].reviews_passed_first) == (1, 0)
    assert (staff[agent.id].deals, staff[agent.id].deal_value, staff[agent.id].follow_ups) == (1, 1000000, 1)
    assert [(m.agent_id, m.projects, m.costs, m.over_budget) for m in money] == [
        (agent.id, 1, 6000, 1), (None, 1, 6000, 1)]

    # later writes to the month (P5 in execution, its key nodes not done; P1's second cost and
    # acceptance, a follow-up) are seen through their marks
    await project_at(stack, team, "execution")
    await call(stack, "POST", f"{path}/costs", agent, cost | {"amount": "1000", "description": "交通"}, 201)
    await call(stack, "POST", f"{path}/acceptance", customer, {"accepted": True, "rating": 4})
    await call(stack, "POST", f"/v1/customers/{lead['id']}/follow-ups", agent, {"way": "visit", "content": "二看"}, 201)
    figures = kpis, staff, _, money = await reports(stack.pool, agent.department, later)
    assert (kpis[agent.name].projects, kpis[agent.name].completion_rate) == (3, 50.0)
    assert (staff[agent.id].follow_ups, money[0].costs, kpis[agent.name].satisfaction_score) == (2, 7000, 80.0)

    incremental = await rollup_rows(stack.pool)
    assert {r[0] for r in incremental} == set(TABLES), "the reports were served from rollups"
    done = await rebuild_reports(stack.pool, TZ, later)
    assert done["kpis"] == 2  # this month and the next, closed on `later`
    assert await rollup_rows(stack.pool) == incremental
    assert await reports(stack.pool, agent.department, later) == figures
    # fact rows lost (say, a restore without them): the rebuild reads the steps, not the tables
    await stack.pool.execute("DELETE FROM ratings; DELETE FROM approvals WHERE gate = 'result_review'")
    await rebuild_reports(stack.pool, TZ, later)
    assert await rollup_rows(stack.pool) == incremental
