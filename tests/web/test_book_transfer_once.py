"""整体转交 sent twice (issue 14): the form carries its own key (web/api.py `FormKeys`), so a
double click — two posts of one rendered form, at once — transfers the book once and both
answer the first transfer; the same form sent again with other values is refused, and a
freshly opened form applies anew. Records read back from PostgreSQL."""

from __future__ import annotations

import asyncio
import re
import uuid

from tests.web.conftest import csrf_of
from tests.web.helpers import call

SUBMISSION = re.compile(r'name="submission" value="([0-9a-f]+)"')


async def test_a_double_click_hands_the_book_over_once(stack, browserless):
    team = await stack.team()
    leaving, head = team["agent"], team["dept_head"]
    taker = await stack.person("agent", leaving.department)
    ids = [(await call(stack, "POST", "/v1/customers", leaving,
                       {"name": f"客户{i}", "phone": f"135{uuid.uuid4().int % 10**8:08d}"}, 201))["id"]
           for i in range(3)]  # fmt: skip
    h = await browserless(head)
    form = (await h.http.get("/customers/transfer")).text
    sent = {"from": leaving.name, "to": taker.name, "reason": "离职交接", "confirm": "yes", "csrf": csrf_of(form),
            "submission": SUBMISSION.search(form).group(1)}  # fmt: skip
    first, second = await asyncio.gather(h.http.post("/customers/transfer", data=sent),
                                         h.http.post("/customers/transfer", data=sent))  # fmt: skip
    assert [first.status_code, second.status_code] == [303, 303], (first.text[:2000], second.text[:2000])
    assert first.headers["location"] == second.headers["location"] == "/customers/transfer?moved=3"
    logged = await stack.pool.fetchval("SELECT count(*) FROM customer_changes WHERE kind = 'owner_changed' "
                                       "AND customer_id = ANY($1::text[])", ids)  # fmt: skip
    told = await stack.pool.fetchval("SELECT count(*) FROM outbox WHERE key = 'customer.transferred' "
                                     "AND to_user_id = $1", taker.id)  # fmt: skip
    assert (logged, told) == (3, 1)
    owners = {r["owner_id"] for r in await stack.pool.fetch("SELECT owner_id FROM customer_master "
                                                            "WHERE id = ANY($1::text[])", ids)}  # fmt: skip
    assert owners == {taker.id}

    changed = await h.http.post("/customers/transfer", data={**sent, "reason": "调岗"})
    assert changed.status_code == 422 and "这张表单已经提交过" in changed.text
    back = {**sent, "from": taker.name, "to": leaving.name, "reason": "返岗"}
    fresh = (await h.http.get("/customers/transfer")).text
    r = await h.http.post("/customers/transfer", data={**back, "csrf": csrf_of(fresh),
                                                       "submission": SUBMISSION.search(fresh).group(1)})  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/customers/transfer?moved=3"
