"""The front office's forms over the real app (issue 14): 新客户 by an agent and by customer
service, the duplicate (409) told as a sentence and nothing stored; on the card a follow-up,
a transfer (403 for an agent, 422 without its confirmation, then applied by the dept head)
and a deal; the leads view lists the agent's customers due today. Records are read back
from PostgreSQL; the real worker, Temporal and PostgreSQL run underneath."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from tests.web.helpers import call, customer_project_in_execution, soon
from tests.web.language_check import out_of_place, visible


def phone() -> str:
    return "139" + str(uuid.uuid4().int)[:8]


async def owner_of(stack, cid: str) -> str | None:
    return await stack.pool.fetchval("SELECT owner_id FROM customer_master WHERE id = $1", cid)


async def register(v, data: dict) -> str:
    r = await v.submit("/customers/new", "/customers/new", data)
    assert r.status_code == 303, r.text[:3000]
    found = re.fullmatch(r"/customers/([A-Za-z0-9_-]+)\?done=registered", r.headers["location"])
    assert found, r.headers["location"]
    return found.group(1)


async def test_register_follow_up_transfer_and_refusals(stack, browserless):
    team = await stack.team()
    agent, head = team["agent"], team["dept_head"]
    colleague = await stack.person("agent", agent.department)
    v = await browserless(agent)
    form = await v.http.get("/customers/new")
    assert form.status_code == 200 and "登记新客户" in form.text and 'name="business_scope"' in form.text
    number = phone()
    cid = await register(v, {"name": "林晓", "phone": number, "email": f"{uuid.uuid4().hex[:8]}@example.com",
                             "company": "晓林贸易", "business_scope": "日用品批发", "source": "walk_in",
                             "grade": "A", "notes": "想买学区房"})  # fmt: skip
    row = await stack.pool.fetchrow("SELECT owner_id, grade, source, department, phone_enc FROM customer_master "
                                    "WHERE id = $1", cid)  # fmt: skip
    assert (row["owner_id"], row["grade"], row["source"], row["department"]) == (agent.id, "A", "walk_in",
                                                                                 agent.department)
    assert number.encode() not in bytes(row["phone_enc"])  # stored encrypted
    card = await v.http.get(f"/customers/{cid}?done=registered")
    assert "客户已登记" in card.text and "晓林贸易" in card.text and 'data-form="follow_up"' in card.text
    assert 'data-form="transfer"' not in card.text  # an agent does not transfer

    # The same phone again, spaced and with +86, by a colleague: 409 as a sentence naming the owner.
    other = await browserless(colleague)
    spaced = f"+86 {number[:3]} {number[3:7]} {number[7:]}"
    count = await stack.pool.fetchval("SELECT count(*) FROM customer_master WHERE department = $1", agent.department)
    again = await other.submit("/customers/new", "/customers/new", {"name": "林晓", "phone": spaced, "source": "phone"})
    assert again.status_code == 409 and "已经登记过" in again.text and agent.name in again.text, again.text[:3000]
    assert 'value="林晓"' in again.text  # what was typed stays
    assert await stack.pool.fetchval("SELECT count(*) FROM customer_master WHERE department = $1",
                                     agent.department) == count  # fmt: skip

    # A field refused by the use case is tied to its message.
    bad = await v.submit("/customers/new", "/customers/new", {"name": "", "phone": phone(), "grade": "Z"})
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.text
    assert 'aria-describedby="customer-grade-error"' in bad.text and 'id="customer-grade-error"' in bad.text

    # A follow-up on the card: recorded with its way and author, the content encrypted.
    r = await v.submit(f"/customers/{cid}", f"/customers/{cid}/actions/follow_up",
                       {"way": "call", "content": "约周六带看", "next_on": soon(1)})  # fmt: skip
    assert r.status_code == 303 and r.headers["location"].endswith("?done=follow_up"), r.text[:3000]
    fu = await stack.pool.fetchrow("SELECT way, by_id FROM customer_follow_ups WHERE customer_id = $1", cid)
    assert (fu["way"], fu["by_id"]) == ("call", agent.id)
    assert "约周六带看" in (await v.http.get(f"/customers/{cid}")).text

    # Transfer: an agent is refused (403) and nothing moves; the dept head must confirm; then it moves.
    refused = await v.submit(f"/customers/{cid}", f"/customers/{cid}/actions/transfer",
                             {"to": colleague.name, "reason": "离职交接", "confirm": "yes"})  # fmt: skip
    assert refused.status_code == 403 and await owner_of(stack, cid) == agent.id
    h = await browserless(head)
    head_card = await h.http.get(f"/customers/{cid}")
    assert 'data-form="transfer"' in head_card.text and f'value="{colleague.name}"' in head_card.text
    unconfirmed = await h.submit(f"/customers/{cid}", f"/customers/{cid}/actions/transfer",
                                 {"to": colleague.name, "reason": "离职交接"})  # fmt: skip
    assert unconfirmed.status_code == 422 and 'id="transfer-confirm-error"' in unconfirmed.text
    assert await owner_of(stack, cid) == agent.id
    moved = await h.submit(f"/customers/{cid}", f"/customers/{cid}/actions/transfer",
                           {"to": colleague.name, "reason": "离职交接", "confirm": "yes"})  # fmt: skip
    assert moved.status_code == 303, moved.text[:3000]
    assert await owner_of(stack, cid) == colleague.id
    assert await stack.pool.fetchval("SELECT count(*) FROM customer_changes WHERE customer_id = $1 "
                                     "AND kind = 'owner_changed'", cid) == 1  # fmt: skip
    # The former owner may no longer follow it up (404: no longer theirs to see).
    assert (await v.http.get(f"/customers/{cid}")).status_code == 404
    claim = await other.submit(f"/customers/{cid}", f"/customers/{cid}/actions/claim", {"confirm": "yes"})
    assert claim.status_code == 409 and "不在本部门的公海中" in claim.text  # owned, not pooled
    assert await owner_of(stack, cid) == colleague.id


async def test_customer_service_registers_and_the_agent_records_a_deal(own_stack, own_browserless):
    """On a database of its own: a company-wide customer service would take every other
    test's complaints (jindu/services/complaints.py `has_customer_service`)."""
    stack, browserless = own_stack, own_browserless
    team = await stack.team()
    agent = team["agent"]
    await call(stack, "PUT", f"/v1/departments/{agent.department}", team["operations"],
               {"name_zh": "测试事业部", "name_en": "Test division"})  # fmt: skip
    service = await browserless(await stack.person("customer_service"))
    number = phone()
    missing = await service.submit("/customers/new", "/customers/new", {"name": "赵敏", "phone": number})
    assert missing.status_code == 422 and "请指定接待此客户的业务人员" in missing.text
    cid = await register(service, {"name": "赵敏", "phone": number, "source": "phone", "grade": "B",
                                   "owner": agent.name})  # fmt: skip
    assert await owner_of(stack, cid) == agent.id
    refused = await (await browserless(team["auditor"])).submit("/customers/new", "/customers/new",
                                                                {"name": "x", "phone": phone()})  # fmt: skip
    assert refused.status_code == 403

    # A project for this customer, walked to execution, then the deal from the customer card.
    project = await customer_project_in_execution(stack, team, cid)
    v = await browserless(agent)
    card = await v.http.get(f"/customers/{cid}")
    assert 'data-form="deal"' in card.text and project in card.text
    deal = {"project_id": project, "deal_date": soon(0), "value": "1,200,000", "commission": "24000",
            "split.0.agent": agent.name, "split.0.share": "100", "confirm": "yes"}
    r = await v.submit(f"/customers/{cid}", f"/customers/{cid}/actions/deal", deal)
    assert r.status_code == 303, r.text[:3000]
    row = await stack.pool.fetchrow("SELECT value, commission FROM deals WHERE project_id = $1", project)
    assert (str(row["value"]), str(row["commission"])) == ("1200000.00", "24000.00")
    twice = await v.submit(f"/customers/{cid}", f"/customers/{cid}/actions/deal", deal)
    assert twice.status_code in (403, 409, 422) and await stack.pool.fetchval(
        "SELECT count(*) FROM deals WHERE project_id = $1", project) == 1  # fmt: skip

    # Leads: the agent's customers due by today's end or overdue (the workflow's due time, set here).
    due = "UPDATE customer_master SET next_follow_up_at = now() + $2::interval WHERE id = $1"
    await stack.pool.execute(due, cid, timedelta(hours=-1))
    leads = await v.http.get("/customers?leads=true")
    assert leads.status_code == 200 and "今日待跟进客户" in leads.text and f'data-customer="{cid}"' in leads.text
    assert "已逾期" in leads.text
    await stack.pool.execute(due, cid, timedelta(days=3))
    assert f'data-customer="{cid}"' not in (await v.http.get("/customers?leads=true")).text
    english = await v.http.get("/customers?leads=true&lang=en")
    assert "Customers to follow up today" in english.text

    # Every customer page reads in its language: no English on a Chinese page, no Chinese on an English one.
    user_data = ("赵敏", number, cid, project, *(p.name for p in team.values()))
    wrong = {}
    for path in ("/customers", "/customers?leads=true", "/customers/new", f"/customers/{cid}"):
        for lang in ("zh", "en"):
            shown = await v.http.get(path, params={"lang": lang})
            assert shown.status_code == 200, (path, lang)
            if found := out_of_place(visible(shown.text), lang, user_data, codes=(agent.department,)):
                wrong[f"{lang} {path}"] = found
    assert not wrong, wrong
