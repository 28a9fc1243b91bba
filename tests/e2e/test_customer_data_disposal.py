"""RULES §Customer information: personal data is disposed of safely when the relationship ends."""

from __future__ import annotations

from tests.e2e.test_rejections_over_http import assert_error


async def test_operations_dispose_of_a_finished_projects_customer_data(stack):
    team = await stack.team()
    http, ops = stack.http, team["operations"]
    r = await http.post("/v1/projects", headers=team["agent"].headers, json={
        "customer": {"name": "赵敏", "phone": "13700001111", "email": "zm@example.com", "user": team["customer"].name},
        "channel": "email", "requirement": "Find a finance job", "business_type": "talent"})
    pid = r.json()["id"]
    p = f"/v1/projects/{pid}"

    assert_error(await http.post(f"{p}/customer/dispose", headers=ops.headers), 409, "wrong_stage")
    assert_error(await http.post(f"{p}/customer/dispose", headers=team["agent"].headers), 403, "forbidden")
    r = await http.post("/v1/complaints", headers=team["customer"].headers, json={
        "content": "Nobody called", "channel": "online", "project_id": pid, "contact": {"phone": "13700001111"}})
    assert r.status_code == 201 and r.json()["contact"]["phone"] == "13700001111", r.text
    complaint = r.json()["id"]
    assert (
        await http.post(f"{p}/cancel", headers=ops.headers, json={"reason": "customer withdrew"})
    ).status_code == 200

    keyed = {**ops.headers, "Idempotency-Key": f"dispose-{pid}"}
    r = await http.post(f"{p}/customer/dispose", headers=keyed)
    assert r.status_code == 200, r.text
    retried = await http.post(f"{p}/customer/dispose", headers=keyed)  # its answer was lost: same outcome
    assert retried.status_code == 200 and retried.json() == r.json()
    assert retried.headers["idempotent-replayed"] == "true"
    customer = r.json()["customer"]
    assert (customer["name"], customer["phone"], customer["email"]) == (None, None, None)
    assert r.json()["history"][-1]["kind"] == "customer_data_disposed"
    async with stack.pool.acquire() as db:
        row = await db.fetchrow("SELECT name_enc, phone_enc, email_enc, disposed_at FROM customers WHERE project_id=$1",
                                pid)
    assert row["phone_enc"] is None and row["email_enc"] is None and row["disposed_at"] is not None
    assert stack.app.state.cipher.decrypt(row["name_enc"]) is None
    complained = (await http.get(f"/v1/complaints/{complaint}", headers=ops.headers)).json()
    assert complained["contact"] is None and complained["content"] == "Nobody called"  # the contact goes too
    assert_error(await http.post(f"{p}/customer/dispose", headers=ops.headers), 409, "already_decided")
    disposals = "SELECT count(*) FROM events WHERE project_id=$1 AND kind='customer_data_disposed'"
    assert await stack.pool.fetchval(disposals, pid) == 1
