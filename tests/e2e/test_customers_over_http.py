"""The customer master over HTTP on the real stack (API, worker, Temporal dev server,
PostgreSQL): duplicates, visibility, corrections, consent and sharing, transfer with an
Idempotency-Key, follow-ups through the customer's workflow with no personal data in it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from domain.calendar import calendar_for
from domain.customers import CustomerCreateIn
from domain.policy import ProjectPolicy
from domain.sla import due_at
from jindu.holidays import official_dates
from store.crypto import DataCipher
from store.customer_master import insert_customer
from tests.history import payload_bytes


def phone() -> str:
    digits = f"{uuid.uuid4().int % 10**8:08d}"
    return f"139{digits}"


async def post(stack, path: str, who, body: dict, status: int, **headers: str) -> dict:
    r = await stack.http.post(path, json=body, headers={**who.headers, **headers})
    assert r.status_code == status, r.text
    return r.json()


async def test_one_customer_per_phone_and_nothing_revealed_across_departments(stack):
    team, other = await stack.team(), await stack.team()
    agent, head = team["agent"], team["dept_head"]
    number = phone()
    spaced = f"+86 {number[:3]} {number[3:7]}-{number[7:]}"
    created = await post(stack, "/v1/customers", agent, {"name": "王小明", "phone": spaced, "email": "WXM@example.com",
                                                         "company": "小明贸易", "business_scope": "进出口",
                                                         "source": "walk_in", "grade": "A"}, 201)  # fmt: skip
    assert created["owner"] == agent.name and created["phone"] == number and created["grade"] == "A"
    assert created["next_follow_up_at"] and created["follow_up_stage"] == "due"

    colleague = await stack.person("agent", agent.department)
    same_dept = await post(stack, "/v1/customers", colleague, {"name": "王小明", "phone": number}, 409)
    assert agent.name in same_dept["error"]["message"]
    told = await stack.pool.fetchval("SELECT params->>'by' FROM outbox WHERE key = 'customer.repeat_contact' "
                                     "AND to_user_id = $1", agent.id)  # fmt: skip
    assert told == colleague.name

    across = await stack.http.post("/v1/customers", json={"name": "Wang", "phone": f"0086{number}"},
                                   headers=other["agent"].headers)  # fmt: skip
    assert across.status_code == 409
    for secret in (created["id"], agent.name, agent.department, "王小明", number):
        assert secret not in across.text, secret

    found = (await stack.http.get("/v1/customers", params={"q": f"{number[:3]}-{number[3:]}"},
                                  headers=head.headers)).json()  # fmt: skip
    assert [c["id"] for c in found["items"]] == [created["id"]]
    hidden = (await stack.http.get("/v1/customers", params={"q": number}, headers=other["dept_head"].headers)).json()
    assert hidden["items"] == []
    assert (await stack.http.get(f"/v1/customers/{created['id']}", headers=other["agent"].headers)).status_code == 404
    assert (await stack.http.get(f"/v1/customers/{created['id']}", headers=colleague.headers)).status_code == 404

    patched = await stack.http.patch(f"/v1/customers/{created['id']}", json={"notes": "prefers WeChat"},
                                     headers=agent.headers)  # fmt: skip
    assert patched.status_code == 200 and patched.json()["notes"] == "prefers WeChat"
    card = (await stack.http.get(f"/v1/customers/{created['id']}", headers=head.headers)).json()
    change = card["changes"][0]
    assert (change["kind"], change["actor_name"], change["fields"]) == ("updated", agent.name, ["notes"])
    assert "prefers" not in str(card["changes"])  # values stay encrypted in the change log

    raw = await stack.pool.fetchrow("SELECT name_enc, phone_enc FROM customer_master WHERE id = $1", created["id"])
    assert "王小明".encode() not in raw["name_enc"] and number.encode() not in raw["phone_enc"]


async def test_a_walk_in_taken_by_the_dept_head_goes_in_rotation(stack):
    team = await stack.team()
    head = team["dept_head"]
    second = await stack.person("agent", head.department)
    created = [await post(stack, "/v1/customers", head, {"name": "客户", "phone": phone(), "source": "walk_in"}, 201)
               for _ in range(4)]
    owners = [c["owner"] for c in created]
    agents = sorted([team["agent"], second], key=lambda p: p.id)
    assert owners == [a.name for a in agents] * 2
    # a consultation registered for its owner: the owner's first response is owed in 30 working minutes
    assert [c["follow_up_stage"] for c in created] == ["first_response"] * 4
    policy = ProjectPolicy()
    for c in created:
        made = datetime.fromisoformat(c["created_at"])
        cal = calendar_for(policy.calendar, official_dates(made.year))
        expected = due_at(made, policy.sla("consultation_first_response"), cal, policy.calendar.working_hours)
        assert datetime.fromisoformat(c["next_follow_up_at"]) == expected
    items = (await stack.http.get("/v1/tasks", headers=agents[0].headers)).json()["items"]
    assert sorted(i["id"] for i in items if i["kind"] == "follow_up") == sorted(
        c["id"] for c in created if c["owner"] == agents[0].name)  # whenever it is due
    mine = await post(stack, "/v1/customers", team["agent"], {"name": "自己接待", "phone": phone()}, 201)
    assert mine["follow_up_stage"] == "due"  # 首问: who registers answers at once
    told = await stack.pool.fetch("SELECT to_user_id FROM outbox WHERE key = 'customer.assigned' AND department = $1",
                                  head.department)  # fmt: skip
    assert sorted(r["to_user_id"] for r in told) == sorted([agents[0].id, agents[1].id] * 2)


async def test_sharing_needs_a_consent_covering_recipient_and_scope(stack):
    team = await stack.team()
    agent = team["agent"]
    c = await post(stack, "/v1/customers", agent, {"name": "韩梅梅", "phone": phone()}, 201)
    path = f"/v1/customers/{c['id']}"
    share = {"recipient": "上海银行", "scope": "contact"}
    refused = await post(stack, f"{path}/shares", agent, share, 409)
    assert refused["error"]["code"] == "conflict"
    consent = await post(stack, f"{path}/consents", agent, {
        "recipient": "上海银行", "scope": ["contact"], "nda_reference": "NDA-2026-17",
        "signed_at": "2026-11-02T10:00:00+08:00"}, 201)  # fmt: skip
    await post(stack, f"{path}/shares", agent, {"recipient": "上海银行", "scope": "income"}, 409)
    await post(stack, f"{path}/shares", agent, {"recipient": "Other Bank", "scope": "contact"}, 409)
    shared = await post(stack, f"{path}/shares", agent, share, 201)
    assert shared["consent_id"] == consent["id"]
    rows = await stack.pool.fetch("SELECT recipient, scope, consent_id FROM customer_shares WHERE customer_id = $1",
                                  c["id"])  # fmt: skip
    assert [tuple(r) for r in rows] == [("上海银行", "contact", consent["id"])]


async def test_a_departing_agents_fifty_customers_move_once(stack, cipher: DataCipher):
    team = await stack.team()
    leaving, head = team["agent"], team["dept_head"]
    taker = await stack.person("agent", leaving.department)
    async with stack.pool.acquire() as conn:
        for i in range(50):
            body = CustomerCreateIn(name=f"客户{i}", phone=phone())
            assert await insert_customer(conn, cipher, body, department=leaving.department, owner_id=leaving.id,
                                         by=leaving.id)  # fmt: skip
    ask = {"from": leaving.name, "to": taker.name, "reason": "离职交接"}
    key = f"transfer-{uuid.uuid4().hex}"
    first = await stack.http.post("/v1/customers/transfer", json=ask, headers={**head.headers, "Idempotency-Key": key})
    again = await stack.http.post("/v1/customers/transfer", json=ask, headers={**head.headers, "Idempotency-Key": key})
    assert first.status_code == again.status_code == 200
    assert first.json()["moved"] == 50 and again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    owners = await stack.pool.fetch("SELECT owner_id, count(*) AS n FROM customer_master WHERE department = $1 "
                                    "GROUP BY owner_id", leaving.department)  # fmt: skip
    assert {(r["owner_id"], r["n"]) for r in owners} == {(taker.id, 50)}
    logged = await stack.pool.fetchval(
        "SELECT count(*) FROM customer_changes WHERE kind = 'owner_changed' AND customer_id = ANY($1::text[])",
        first.json()["customer_ids"])  # fmt: skip
    assert logged == 50
    told = await stack.pool.fetchval("SELECT count(*) FROM outbox WHERE key = 'customer.transferred' "
                                     "AND to_user_id = $1", taker.id)  # fmt: skip
    assert told == 1
    away = await stack.pool.fetchrow("SELECT count(*) AS n, max(params->>'to') AS to_name, max(params->>'count') AS "
                                     "moved FROM outbox WHERE key = 'customer.transferred_away' AND to_user_id = $1",
                                     leaving.id)  # fmt: skip  (the former owner is told too)
    assert (away["n"], away["to_name"], away["moved"]) == (1, taker.name, "50")
    other = await stack.team()
    await post(stack, "/v1/customers/transfer", other["dept_head"], ask, 403)
    await post(stack, "/v1/customers/transfer", leaving, ask, 403)


async def test_follow_ups_go_through_the_customers_workflow_without_personal_data(stack):
    team = await stack.team()
    agent = team["agent"]
    number = phone()
    c = await post(stack, "/v1/customers", agent, {"name": "李华", "phone": number, "email": "lihua@example.com",
                                                   "grade": "A", "notes": "看学区房"}, 201)  # fmt: skip
    path = f"/v1/customers/{c['id']}/follow-ups"
    body = {"way": "visit", "content": "带看徐汇两套学区房", "grade": "B"}
    key = f"fu-{uuid.uuid4().hex}"
    done = await post(stack, path, agent, body, 201, **{"Idempotency-Key": key})
    assert done["on_time"] is True and done["status"] == "active" and done["next_due_at"]
    await post(stack, path, agent, body, 201, **{"Idempotency-Key": key})  # a retry applies once
    stranger = await stack.person("agent", agent.department)
    await post(stack, path, stranger, body, 404)

    card = (await stack.http.get(f"/v1/customers/{c['id']}", headers=agent.headers)).json()
    assert [f["content"] for f in card["follow_ups"]] == ["带看徐汇两套学区房"]
    assert card["customer"]["grade"] == "B" and card["customer"]["next_follow_up_at"] is not None
    regraded = await stack.http.patch(f"/v1/customers/{c['id']}", json={"grade": "D"}, headers=agent.headers)
    assert regraded.status_code == 200
    state = await stack.client.get_workflow_handle(f"customer-{c['id']}").query("state")
    assert state["grade"] == "D"
    card = (await stack.http.get(f"/v1/customers/{c['id']}", headers=agent.headers)).json()
    assert card["customer"]["next_follow_up_at"] > done["next_due_at"]  # D waits longer than B

    # The pooled customer counts against its last owner, the follow-up for the one who made it.
    await stack.pool.execute("INSERT INTO customer_changes (customer_id, kind, data) VALUES ($1, 'pooled', $2)",
                             c["id"], {"owner_id": stranger.id})  # fmt: skip
    report = (await stack.http.get("/v1/appraisal", headers=team["dept_head"].headers)).json()
    figures = {f["agent"]: (f["follow_ups"], f["on_time"], f["on_time_rate"], f["lost_to_pool"])
               for f in report["follow_ups"]}  # fmt: skip
    assert figures == {agent.name: (1, 1, 100.0, 0), stranger.name: (0, 0, None, 1)}

    handle = stack.client.get_workflow_handle(f"customer-{c['id']}")
    payloads = payload_bytes(await handle.fetch_history())
    assert c["id"].encode() in payloads
    for secret in ("李华", number, "lihua@example.com", "看学区房", "带看徐汇两套学区房"):
        assert secret.encode() not in payloads, secret


async def test_intake_takes_a_customer_id_or_matches_the_inline_customer(stack):
    team = await stack.team()
    agent = team["agent"]
    number = phone()
    c = await post(stack, "/v1/customers", agent, {"name": "周杰", "phone": number, "grade": "B"}, 201)
    intake = {"channel": "phone", "requirement": "Sell a flat", "business_type": "real_estate"}
    by_id = await post(stack, "/v1/projects", agent, {**intake, "customer_id": c["id"]}, 201)
    inline_customer = {"name": "周杰", "phone": f"+86 {number}"}
    inline = await post(stack, "/v1/projects", agent, {**intake, "customer": inline_customer}, 201)
    fresh = await post(stack, "/v1/projects", agent, {**intake, "customer": {"name": "New", "phone": phone()}}, 201)
    links = dict(await stack.pool.fetch("SELECT project_id, customer_id FROM customer_projects WHERE project_id = "
                                        "ANY($1::text[])", [by_id["id"], inline["id"], fresh["id"]]))  # fmt: skip
    assert links[by_id["id"]] == links[inline["id"]] == c["id"]
    assert links[fresh["id"]] not in (None, c["id"])
    await post(stack, "/v1/projects", agent, intake, 422)
    stranger = (await stack.team())["agent"]
    await post(stack, "/v1/projects", stranger, {**intake, "customer_id": c["id"]}, 422)


async def test_a_due_follow_up_is_in_the_owners_inbox_and_an_escalated_one_in_the_heads(stack):
    team = await stack.team()
    agent, head = team["agent"], team["dept_head"]
    c = await post(stack, "/v1/customers", agent, {"name": "张三", "phone": phone(), "grade": "A"}, 201)
    await stack.pool.execute("UPDATE customer_master SET next_follow_up_at = now() - interval '1 hour', "
                             "follow_up_stage = 'escalated' WHERE id = $1", c["id"])  # fmt: skip
    items = (await stack.http.get("/v1/tasks", headers=agent.headers)).json()["items"]
    (item,) = [i for i in items if i["kind"] == "follow_up"]
    assert item["id"] == c["id"] and item["overdue"] is True and item["project_id"] is None
    heads = (await stack.http.get("/v1/tasks", headers=head.headers)).json()["items"]
    assert [i["id"] for i in heads if i["kind"] == "follow_up"] == [c["id"]]
    others = (await stack.http.get("/v1/tasks", headers=(await stack.team())["agent"].headers)).json()["items"]
    assert not [i for i in others if i["kind"] == "follow_up"]


async def test_the_customer_reads_their_record_and_corrects_only_their_contact_details(stack):
    team = await stack.team()
    agent, me = team["agent"], team["customer"]
    c = await post(stack, "/v1/customers", agent, {"name": "林", "phone": phone(), "user": me.name}, 201)
    own = await stack.http.get(f"/v1/customers/{c['id']}", headers=me.headers)
    assert own.status_code == 200 and own.json()["changes"] == [] and own.json()["follow_ups"] == []
    new_phone = phone()
    fixed = await stack.http.patch(f"/v1/customers/{c['id']}", json={"phone": new_phone}, headers=me.headers)
    assert fixed.status_code == 200 and fixed.json()["phone"] == new_phone
    log = (await stack.http.get(f"/v1/customers/{c['id']}", headers=agent.headers)).json()["changes"]
    (kept,) = [ch for ch in log if ch["kind"] == "updated"]  # who and when, the values stay encrypted
    assert (kept["actor_name"], kept["actor_role"], kept["fields"]) == (me.name, "customer", ["phone"])
    assert abs(datetime.fromisoformat(kept["at"]) - datetime.now(UTC)) < timedelta(minutes=2)
    assert new_phone not in str(log)
    refused = await stack.http.patch(f"/v1/customers/{c['id']}", json={"grade": "A"}, headers=me.headers)
    assert refused.status_code == 403
    stranger = await stack.person("customer")
    assert (await stack.http.get(f"/v1/customers/{c['id']}", headers=stranger.headers)).status_code == 404
    await post(stack, "/v1/customers", agent, {"name": "x", "phone": phone(), "user": agent.name}, 422)


async def test_change_log_and_notices_hold_json_objects(stack):
    """Facts are jsonb objects (queried by key), not JSON text wrapped in a string."""
    team = await stack.team()
    c = await post(stack, "/v1/customers", team["agent"], {"name": "孙", "phone": phone(), "grade": "D"}, 201)
    kinds = await stack.pool.fetch("SELECT kind, jsonb_typeof(data) AS t, data->>'grade' AS grade "
                                   "FROM customer_changes WHERE customer_id = $1 ORDER BY id", c["id"])  # fmt: skip
    assert [tuple(r) for r in kinds] == [("created", "object", "D"), ("following", "object", "D")]


async def test_a_registration_cut_short_before_its_workflow_is_finished_by_its_retry(stack, cipher):
    import hashlib

    from jindu.services.customers import register
    from store.users import user_by_name

    agent = (await stack.team())["agent"]
    body = {"name": "吴", "phone": phone(), "grade": "A"}
    key = f"reg-{uuid.uuid4().hex}"
    update_id = "idem-" + hashlib.sha256(f"{agent.id}|POST|/v1/customers|{key}".encode()).hexdigest()[:40]
    # The first try stored the customer, then Temporal was unreachable: no workflow, no answer kept.
    first = await register(stack.pool, cipher, await user_by_name(stack.pool, agent.name),
                           CustomerCreateIn.model_validate(body), "c" + update_id[-15:])  # fmt: skip
    assert first.customer.follow_up_stage is None
    retried = await post(stack, "/v1/customers", agent, body, 201, **{"Idempotency-Key": key})
    assert retried["id"] == first.customer.id and retried["follow_up_stage"] == "due"
    await post(stack, "/v1/customers", agent, body, 409)  # without the key it is a duplicate
