"""Issue 14's complaints through customer service 客服, over HTTP: a department with customer
service has its complaints go to them; they coordinate another department, record the
finding, and the customer's confirmation closes it. The department asked to help has the
complaint in its dept head's inbox until it is answered."""

from __future__ import annotations

from tests.e2e.test_rejections_over_http import assert_error
from tests.e2e.test_service_over_http import CONTACT, inbox, post, project_in_execution


async def test_customer_service_take_coordinate_and_find_a_complaint_valid(stack):
    team = await stack.team()
    head, customer = team["dept_head"], team["customer"]
    service = await stack.person("customer_service", head.department)
    helper = await stack.person("dept_head", f"legal-{service.name[-6:]}")
    pid = await project_in_execution(stack, team)

    filed = await post(stack, "/v1/complaints", customer, {
        "content": "The agent missed two viewings", "channel": "online", "project_id": pid, "contact": CONTACT}, 201)
    cid, c = filed["id"], f"/v1/complaints/{filed['id']}"
    assert filed["assignee_role"] == "customer_service"
    assert [i["complaint_id"] for i in await inbox(stack, service) if i["kind"] == "complaint"] == [cid]
    assert cid not in [i["complaint_id"] for i in await inbox(stack, head) if i["kind"] == "complaint"]
    seen = await stack.http.get(c, headers=service.headers)
    assert seen.json()["contact"]["phone"] == CONTACT["phone"] and "reply" in seen.json()["allowed_actions"]

    interim = {"reply": "已收到，正在核实", "resolved": False}
    assert_error(await stack.http.post(f"{c}/replies", json=interim, headers=helper.headers), 403, "forbidden")
    assert cid not in [i["complaint_id"] for i in await inbox(stack, helper) if i["kind"] == "complaint"]
    await post(stack, f"{c}/replies", service, {**interim, "coordinate": [helper.department]})
    # Coordinating is a task of the department asked: in its dept head's inbox until answered.
    assert [i["complaint_id"] for i in await inbox(stack, helper) if i["kind"] == "complaint"] == [cid]
    await post(stack, f"{c}/replies", helper, {"reply": "法务已核对合同", "resolved": False})
    no_finding = {"reply": "已处理", "resolved": True}
    assert_error(await stack.http.post(f"{c}/replies", json=no_finding, headers=service.headers), 422, "invalid")
    answered = await post(stack, f"{c}/replies", service, {
        "reply": "核实属实", "resolved": True, "finding": "valid", "apology": "非常抱歉", "handling": "更换经办人"})
    assert answered["status"] == "answered"
    assert cid not in [i["complaint_id"] for i in await inbox(stack, helper) if i["kind"] == "complaint"]
    closed = await post(stack, f"{c}/confirmation", customer, {"satisfied": True, "rating": 4})
    assert closed["status"] == "closed"
    async with stack.pool.acquire() as db:
        told = await db.fetch("SELECT to_role, department FROM outbox WHERE key = 'notify.complaint.coordinate' "
                              "AND params->>'complaint_id' = $1", cid)  # fmt: skip
    assert [tuple(r) for r in told] == [("dept_head", helper.department)]
