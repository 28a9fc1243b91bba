"""The 新客户 form across departments (issue 14): a phone already registered in another
department, typed with +86 and spaces, is refused (409) on the page with the catalogue's
sentence, and the page shows nothing of that customer — not its id, name, owner or
department — and nothing is stored. Real app, worker, Temporal and PostgreSQL."""

from __future__ import annotations

import uuid

from tests.web.helpers import call
from tests.web.language_check import visible


async def test_a_duplicate_from_another_department_reveals_nothing_on_the_page(stack, browserless):
    mine, theirs = await stack.team(), await stack.team()
    owner = theirs["agent"]
    number = "139" + str(uuid.uuid4().int)[:8]
    created = await call(stack, "POST", "/v1/customers", owner, {
        "name": "欧阳娜娜", "phone": number, "company": "娜娜传媒", "source": "phone"}, 201)  # fmt: skip
    agent = mine["agent"]
    before = await stack.pool.fetchval("SELECT count(*) FROM customer_master WHERE department = $1", agent.department)

    v = await browserless(agent)
    spaced = f"+86 {number[:3]} {number[3:7]} {number[7:]}"
    again = await v.submit("/customers/new", "/customers/new", {"name": "王五", "phone": spaced, "source": "walk_in"})
    assert again.status_code == 409, again.text[:3000]
    assert "该电话或邮箱已登记为其他客户" in visible(again.text), visible(again.text)[:1500]
    for secret in (created["id"], owner.name, owner.department, "欧阳娜娜", "娜娜传媒", number):
        assert secret not in again.text, secret
    assert 'value="王五"' in again.text  # what this agent typed stays
    assert await stack.pool.fetchval("SELECT count(*) FROM customer_master WHERE department = $1",
                                     agent.department) == before  # fmt: skip
