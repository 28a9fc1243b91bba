"""CustomerWorkflow's recording on real PostgreSQL (activities/customers.py, issue 14): the
batch an unattended A-grade customer's clock makes — reminded, escalated, pooled — takes the
customer from its owner into the department's pool 公海, keeps each step in the change log
(the `pooled` one naming the owner it was taken from) and tells the owner and the dept head;
a retried batch writes nothing twice. The steps and notices come from the pure rules
(domain/customers_follow_up.py), as the workflow sends them."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from activities.customers import CustomerActivities
from domain import customers_follow_up as rules
from domain.calendar import calendar_for
from domain.customers import CustomerCreateIn
from domain.policy import ProjectPolicy
from domain.steps import Context
from jindu.holidays import official_dates
from store.customer_master import insert_customer
from tests.activities.test_notify import add_user
from workflows.customer import CustomerBatch

SH = ZoneInfo("Asia/Shanghai")
POLICY = ProjectPolicy()
DATES = official_dates(2026)
CAL = calendar_for(POLICY.calendar, DATES)


async def test_an_unattended_customer_goes_to_the_pool_and_owner_and_head_are_told(pool, cipher):
    department = f"d-{uuid.uuid4().hex[:8]}"
    owner = await add_user(pool, f"li-{uuid.uuid4().hex[:6]}", "agent", department)
    body = CustomerCreateIn(name="周芳", phone=f"137{uuid.uuid4().int % 10**8:08d}", grade="A")
    async with pool.acquire() as conn:
        cid = await insert_customer(conn, cipher, body, department=department, owner_id=owner, by=owner)
    assert cid is not None

    since = datetime(2026, 11, 23, 10, tzinfo=SH)  # a Monday: due Wed 18:00, pooled 3 working days later
    state = rules.start(rules.CustomerStart(customer_id=cid, department=department, grade="A", since=since,
                                            calendar=DATES), Context(since, CAL, POLICY)).state  # fmt: skip
    late = since + timedelta(days=14)
    out = rules.tick(state, Context(late, CAL, POLICY))
    batch = CustomerBatch(customer_id=cid, version=1, at=late, steps=out.steps, view=out.state.read_view(),
                          notices=out.notices)  # fmt: skip
    acts = CustomerActivities(pool)
    await acts.record_customer(batch)
    await acts.record_customer(batch)  # a retry

    row = await pool.fetchrow("SELECT owner_id, pooled_at, follow_up_stage, next_follow_up_at FROM customer_master "
                              "WHERE id = $1", cid)  # fmt: skip
    assert (row["owner_id"], row["pooled_at"], row["follow_up_stage"], row["next_follow_up_at"]) == (
        None, late, "pooled", None)
    changes = await pool.fetch("SELECT kind, data->>'owner_id' AS taken_from FROM customer_changes "
                               "WHERE customer_id = $1 AND step_key IS NOT NULL ORDER BY id", cid)  # fmt: skip
    assert [(c["kind"], c["taken_from"]) for c in changes] == [
        ("reminded", owner), ("escalated", owner), ("pooled", owner)]
    told = await pool.fetch("SELECT key, to_role, to_user_id FROM outbox WHERE id LIKE $1 ORDER BY seq, to_role",
                            f"customer-{cid}:%")  # fmt: skip
    assert [tuple(t) for t in told] == [
        ("customer.follow_up.reminder", "agent", owner),
        ("customer.follow_up.escalation", "dept_head", None),
        ("customer.follow_up.pooled", "agent", owner),
        ("customer.follow_up.pooled", "dept_head", None),
    ]
