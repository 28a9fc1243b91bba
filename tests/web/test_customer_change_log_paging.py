"""The customer card's change log pages back by keyset (issue 14): 30 changes at a time, newest
first, an 「更早」 link to the next older page and 「最新」 back to the top, until the first change;
the API's card takes `changes_before` the same way."""

from __future__ import annotations

import re
import uuid

from jindu.services.customer_pages import CHANGES_SHOWN
from tests.web.helpers import call

CHANGE = re.compile(r'data-change-id="(\d+)"')
EARLIER = re.compile(r'href="(/customers/[^"#]+\?changes_before=\d+)#changes" rel="next"')


async def test_the_change_log_pages_back_thirty_at_a_time(stack, browserless):
    team = await stack.team()
    agent = team["agent"]
    cid = (await call(stack, "POST", "/v1/customers", agent,
                      {"name": "翻页", "phone": f"133{uuid.uuid4().int % 10**8:08d}"}, 201))["id"]  # fmt: skip
    await stack.pool.executemany("INSERT INTO customer_changes (customer_id, kind, actor_id, actor_name, fields) "
                                 "VALUES ($1, 'updated', $2, $3, '{notes}')",
                                 [(cid, agent.id, agent.name)] * 64)  # fmt: skip
    every = [r["id"] for r in await stack.pool.fetch("SELECT id FROM customer_changes WHERE customer_id = $1 "
                                                     "ORDER BY id DESC", cid)]  # fmt: skip
    assert len(every) >= 65 and CHANGES_SHOWN == 30
    v = await browserless(agent)
    seen, path, pages = [], f"/customers/{cid}", 0
    while path:
        page = await v.http.get(path)
        assert page.status_code == 200, page.text[:2000]
        shown = [int(i) for i in CHANGE.findall(page.text)]
        assert 0 < len(shown) <= CHANGES_SHOWN
        seen += shown
        pages += 1
        assert ("最新" in page.text) == (pages > 1)
        found = EARLIER.search(page.text)
        path = found.group(1) if found else ""
    assert seen == every  # each change once, newest first, none skipped
    assert pages == -(-len(every) // CHANGES_SHOWN)
    api = await call(stack, "GET", f"/v1/customers/{cid}", agent)
    assert [c["id"] for c in api["changes"]] == every  # under the API's 200
    older = await call(stack, "GET", f"/v1/customers/{cid}?changes_before={every[9]}", agent)
    assert [c["id"] for c in older["changes"]] == every[10:]
    english = await v.http.get(f"/customers/{cid}?lang=en")
    assert ">Earlier</a>" in english.text
