"""The customer card's record forms over the real app (issue 14): a correction (the API's
PATCH: kept with who and when, a new grade told to the workflow, refusals at their fields),
a consent and a share under it (409 outside its scope, nothing written), the dept head's
confirmation of a deal, and a departing agent's whole book handed over in one form. Each
irreversible one is refused (422) without its confirmation; records are read back from
PostgreSQL, with the real worker, Temporal and PostgreSQL underneath."""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo

from jindu.services.customer_pages import customer_card
from jindu.services.office import Office
from store.users import user_by_name
from tests.perf.counting import StatementCounter, counting_pool
from tests.web.helpers import call, customer_project_in_execution, soon
from tests.web.language_check import out_of_place, visible


def phone() -> str:
    return "136" + str(uuid.uuid4().int)[:8]


async def customer(stack, agent, **more: str) -> str:
    body = {"name": "林晓", "phone": phone(), "company": "晓林贸易", "business_scope": "日用品批发", "grade": "A"}
    return str((await call(stack, "POST", "/v1/customers", agent, {**body, **more}, 201))["id"])


async def card_statements(pg_url, cipher, name: str, cid: str) -> int:
    """The SQL statements the card's read sends (the card's deals, shares and change log)."""
    counter = StatementCounter()
    counted = await counting_pool(pg_url, counter, max_size=1)
    try:
        office = Office(pool=counted, client=None, cipher=cipher, tz=ZoneInfo("Asia/Shanghai"), timeout=5)  # type: ignore[arg-type]
        user = await user_by_name(counted, name)
        counter.reset()
        await customer_card(office, user, cid)
        return counter.count
    finally:
        await counted.close()


async def test_correct_consent_and_share_on_the_card(stack, browserless):
    team = await stack.team()
    agent = team["agent"]
    buyer = await stack.person("customer")
    first = phone()
    cid = await customer(stack, agent, phone=first, user=buyer.name)
    v = await browserless(agent)
    card = await v.http.get(f"/customers/{cid}")
    assert 'data-form="edit"' in card.text and 'data-form="consent"' in card.text
    assert 'data-form="share"' not in card.text  # no consent yet
    assert 'value="晓林贸易"' in card.text  # the edit form shows the record

    fields = {"name": "林晓晓", "phone": "", "email": "", "company": "晓林贸易", "business_scope": "日用品批发",
              "grade": "B", "notes": ""}  # fmt: skip
    unreachable = await v.submit(f"/customers/{cid}", f"/customers/{cid}/actions/edit", fields)
    assert unreachable.status_code == 422 and "客户须留有电话或邮箱" in unreachable.text
    nameless = await v.submit(f"/customers/{cid}", f"/customers/{cid}/actions/edit", {**fields, "name": ""})
    assert nameless.status_code == 422 and 'id="edit-name-error"' in nameless.text
    row = await stack.pool.fetchrow("SELECT grade, phone_index FROM customer_master WHERE id = $1", cid)
    assert row["grade"] == "A" and row["phone_index"] is not None  # nothing changed

    number = phone()
    r = await v.submit(f"/customers/{cid}", f"/customers/{cid}/actions/edit", {**fields, "phone": number})
    assert r.status_code == 303 and r.headers["location"].endswith("?done=edit"), r.text[:3000]
    changed = await stack.pool.fetchrow("SELECT fields, actor_id FROM customer_changes WHERE customer_id = $1 "
                                        "AND kind = 'updated'", cid)  # fmt: skip
    assert (sorted(changed["fields"]), changed["actor_id"]) == (["grade", "name", "phone"], agent.id)
    state = await stack.client.get_workflow_handle(f"customer-{cid}").query("state")
    assert state["grade"] == "B"  # the cadence follows the new grade
    shown = await v.http.get(f"/customers/{cid}?done=edit")
    assert "客户资料已更新" in shown.text and "林晓晓" in shown.text and number in shown.text

    consent = {"recipient": "安居律师事务所", "scope": "联系方式、购房需求", "nda_reference": "NDA-2026-01",
               "signed_at": f"{soon(-1)}T10:00"}  # fmt: skip
    unconfirmed = await v.submit(f"/customers/{cid}", f"/customers/{cid}/actions/consent", consent)
    assert unconfirmed.status_code == 422 and 'id="consent-confirm-error"' in unconfirmed.text
    r = await v.submit(f"/customers/{cid}", f"/customers/{cid}/actions/consent", {**consent, "confirm": "yes"})
    assert r.status_code == 303, r.text[:3000]
    kept = await stack.pool.fetchrow("SELECT scope, nda_reference FROM customer_consents WHERE customer_id = $1", cid)
    assert (list(kept["scope"]), kept["nda_reference"]) == (["联系方式", "购房需求"], "NDA-2026-01")
    card = await v.http.get(f"/customers/{cid}")
    assert 'data-form="share"' in card.text and "安居律师事务所" in card.text

    share = {"recipient": "安居律师事务所", "scope": "银行流水", "confirm": "yes"}
    outside = await v.submit(f"/customers/{cid}", f"/customers/{cid}/actions/share", share)
    assert outside.status_code == 409 and "银行流水" in outside.text, outside.text[:3000]
    r = await v.submit(f"/customers/{cid}", f"/customers/{cid}/actions/share", {**share, "scope": "联系方式"})
    assert r.status_code == 303, r.text[:3000]
    shares = await stack.pool.fetch("SELECT scope, consent_id FROM customer_shares WHERE customer_id = $1", cid)
    assert [s["scope"] for s in shares] == ["联系方式"] and shares[0]["consent_id"]
    card = (await v.http.get(f"/customers/{cid}")).text
    assert 'data-share="' in card and "联系方式 · " + agent.name in card and "NDA-2026-01" in card
    assert 'data-change="updated"' in card and "修改资料：等级、姓名、电话" in card  # who changed which fields
    assert first not in card  # the change log names fields, never their values
    listed = await call(stack, "GET", f"/v1/customers/{cid}/shares", agent)
    assert [(s["recipient"], s["scope"], s["shared_by"], s["nda_reference"]) for s in listed] == [
        ("安居律师事务所", "联系方式", agent.name, "NDA-2026-01")]
    await call(stack, "GET", f"/v1/customers/{cid}/shares", buyer, status=403)  # the customer: not their shares

    # Another agent of the department does not see a customer owned by someone else.
    stranger = await stack.person("agent", agent.department)
    other = await browserless(stranger)
    assert (await other.submit("/customers", f"/customers/{cid}/actions/edit", fields)).status_code == 404
    hidden = await other.http.get(f"/customers/{cid}")
    assert hidden.status_code == 404 and "安居律师事务所" not in hidden.text and "data-change" not in hidden.text
    await call(stack, "GET", f"/v1/customers/{cid}/shares", stranger, status=404)
    english = await v.http.get(f"/customers/{cid}?lang=en")
    assert "Correct the record" in english.text and "Record a consent" in english.text
    assert "record corrected: grade, name, phone" in english.text and "under the consent with NDA" in english.text


async def test_the_dept_head_confirms_a_deal_and_hands_over_a_book(stack, browserless, pg_url, cipher):
    team = await stack.team()
    agent, head = team["agent"], team["dept_head"]
    taker = await stack.person("agent", agent.department)
    cid, second = await customer(stack, agent), await customer(stack, agent, grade="C")
    bare = await card_statements(pg_url, cipher, head.name, cid)
    assert 0 < bare <= 8, bare  # record, projects with deals, agents, follow-ups, consents, shares, changes
    project = await customer_project_in_execution(stack, team, cid)
    p = f"/v1/projects/{project}"
    await call(stack, "POST", f"{p}/deal", agent, {"deal_date": soon(0), "value": "1000000", "commission": "20000",
               "split": [{"agent": agent.name, "share": "100"}]}, 201)  # fmt: skip

    a, h = await browserless(agent), await browserless(head)
    assert 'data-form="confirm_deal"' not in (await a.http.get(f"/customers/{cid}")).text
    assert 'data-form="confirm_deal"' in (await h.http.get(f"/customers/{cid}")).text
    waiting = f'data-kind="deal" data-project="{project}"'  # DealWorkflow's wait: the head's inbox
    assert waiting in (await h.http.get("/")).text and waiting not in (await a.http.get("/")).text
    path = f"/customers/{cid}/actions/confirm_deal"
    refused = await a.submit(f"/customers/{cid}", path, {"project_id": project, "confirm": "yes"})
    assert refused.status_code == 403
    unconfirmed = await h.submit(f"/customers/{cid}", path, {"project_id": project})
    assert unconfirmed.status_code == 422
    confirmed = "SELECT confirmed_by FROM deals WHERE project_id = $1"
    assert await stack.pool.fetchval(confirmed, project) is None
    r = await h.submit(f"/customers/{cid}", path, {"project_id": project, "confirm": "yes"})
    assert r.status_code == 303, r.text[:3000]
    assert await stack.pool.fetchval(confirmed, project) == head.id
    assert waiting not in (await h.http.get("/")).text
    page = (await h.http.get(f"/projects/{project}")).text  # the deal's steps in the project's history
    assert 'data-kind="deal_recorded"' in page and "成交金额 ¥100万，佣金 ¥2万" in page
    assert 'data-kind="deal_confirmed"' in page and "确认成交" in page
    card = await h.http.get(f"/customers/{cid}")
    assert 'data-form="confirm_deal"' not in card.text and "成交已确认" in card.text
    deal = f'data-deal="{project}"'  # the deal and its sum on the card, for the head and the agent
    assert deal in card.text and "¥100万" in card.text and "¥2万" in card.text
    assert "共 1 笔成交（已确认 1 笔），成交金额合计 ¥100万，佣金合计 ¥2万。" in card.text
    assert deal in (await a.http.get(f"/customers/{cid}")).text
    assert (await (await browserless(taker)).http.get(f"/customers/{cid}")).status_code == 404  # not yet theirs
    assert await card_statements(pg_url, cipher, head.name, cid) == bare  # the deal read with the projects
    again = await h.submit(f"/customers/{cid}", path, {"project_id": project, "confirm": "yes"})
    assert again.status_code == 409

    # The departing agent's whole book: an agent may not; the dept head confirms, then both move.
    assert (await a.http.get("/customers/transfer")).status_code == 403
    form = await h.http.get("/customers/transfer")
    assert form.status_code == 200 and "整体转交客户" in form.text and f'value="{agent.name}"' in form.text
    book = {"from": agent.name, "to": taker.name, "reason": "离职交接"}
    unconfirmed = await h.submit("/customers/transfer", "/customers/transfer", book)
    assert unconfirmed.status_code == 422 and 'id="book-confirm-error"' in unconfirmed.text
    owners = "SELECT owner_id FROM customer_master WHERE id = ANY($1::text[]) ORDER BY id"
    assert {r["owner_id"] for r in await stack.pool.fetch(owners, [cid, second])} == {agent.id}
    r = await h.submit("/customers/transfer", "/customers/transfer", {**book, "confirm": "yes"})
    assert r.status_code == 303 and r.headers["location"] == "/customers/transfer?moved=2", r.text[:3000]
    assert {r["owner_id"] for r in await stack.pool.fetch(owners, [cid, second])} == {taker.id}
    assert "已转交 2 位客户" in (await h.http.get(r.headers["location"])).text
    same = await h.submit("/customers/transfer", "/customers/transfer", {**book, "to": agent.name, "confirm": "yes"})
    assert same.status_code == 422 and 'id="book-to-error"' in same.text  # the same person as from
    english = await h.http.get("/customers/transfer?lang=en")
    assert "Hand over a book" in english.text
    await call(stack, "PUT", f"/v1/departments/{agent.department}", team["operations"],
               {"name_zh": "测试事业部", "name_en": "Test division"})  # fmt: skip
    user_data = (agent.name, taker.name, head.name, cid, project, "离职交接", "林晓", "晓林贸易", "日用品批发")
    for lang in ("zh", "en"):  # each in its own language only
        for path in ("/customers/transfer?moved=2", f"/customers/{cid}"):
            shown = await h.http.get(path, params={"lang": lang})
            assert not out_of_place(visible(shown.text), lang, user_data, codes=(agent.department,)), (lang, path)
