"""The contract's JSON errors: 403 by role, 422 with field details and nothing written,
404 for unknown projects on every project route, 500 as `internal`."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from api.app import create_app
from api.errors import _update_failed

from .conftest import assert_error

INTAKE = {"customer": {"name": "王小明", "phone": "13812345678"}, "channel": "visit",
          "requirement": "Buy a flat", "business_type": "real_estate"}

VALID_BODIES = {
    "assessment": {"in_scope": False},
    "plan": {"goals": "g", "responsibilities": "r",
             "milestones": [{"name": "m", "due_date": (date.today() + timedelta(days=5)).isoformat()}]},
    "decisions": {"gate": "initiation", "decision": "approve"},
    "reports": {"progress": "p", "next_week_plan": "n"},
    "results": {"summary": "s"},
    "acceptance": {"accepted": True, "rating": 5},
    "warning-analysis": {"cause": "people", "analysis": "a",
                         "measures": [{"description": "d", "owner": "x", "deadline_working_days": 2}]},
    "cancel": {"reason": "r"},
    "reassign": {"target": "pending", "to": "x", "reason": "r"},
    "deadline": {"target": "pending", "working_days": 1, "reason": "r"},
    "customer/dispose": None,
}
WHO = {"assessment": "agent", "plan": "agent", "decisions": "dept_head", "reports": "agent", "results": "agent",
       "acceptance": "customer", "warning-analysis": "dept_head", "cancel": "operations", "reassign": "operations",
       "deadline": "operations", "customer/dispose": "operations"}


async def counts(api) -> tuple[int, int, int]:
    return (await api.pool.fetchval("SELECT count(*) FROM projects"),
            await api.pool.fetchval("SELECT count(*) FROM customers"),
            await api.pool.fetchval("SELECT count(*) FROM events"))


async def test_only_agents_record_consultations(api, users):
    before = await counts(api)
    for role in ("customer", "dept_head", "executive", "operations", "auditor"):
        r = await api.http.post("/v1/projects", json=INTAKE, headers=users[role].headers)
        assert_error(r, 403, "forbidden")
    # The role is checked before the body: a customer learns nothing about the schema.
    assert_error(await api.http.post("/v1/projects", json={}, headers=users["customer"].headers), 403, "forbidden")
    assert await counts(api) == before


async def test_invalid_intake_is_422_with_field_details_and_writes_nothing(api, users):
    before = await counts(api)
    bad = {**INTAKE, "channel": "pigeon", "customer": {"phone": "1"}, "extra": 1}
    err = assert_error(await api.http.post("/v1/projects", json=bad, headers=users["agent"].headers), 422, "invalid")
    fields = {d["field"] for d in err["details"]}
    assert {"body.channel", "body.customer.name", "body.extra"} <= fields, err
    assert "body.channel" in err["message"] and "body.customer.name" in err["message"]

    r = await api.http.post("/v1/projects", content=b"{not json", headers={**users["agent"].headers,
                                                                          "Content-Type": "application/json"})
    assert_error(r, 422, "invalid")
    unknown_customer = {**INTAKE, "customer": {"name": "李雷", "user": "nobody-at-all"}}
    err = assert_error(await api.http.post("/v1/projects", json=unknown_customer, headers=users["agent"].headers),
                       422, "invalid")
    assert "nobody-at-all" in err["message"]
    staff_as_customer = {**INTAKE, "customer": {"name": "李雷", "user": users["auditor"].name}}
    r = await api.http.post("/v1/projects", json=staff_as_customer, headers=users["agent"].headers)
    assert_error(r, 422, "invalid")
    assert await counts(api) == before


async def test_invalid_decision_bodies_are_422(api, users):
    pid = await api.insert_project(department=users["agent"].department, agent=users["agent"])
    head = users["dept_head"].headers
    err = assert_error(await api.http.post(f"/v1/projects/{pid}/decisions", json={"gate": "initiation",
                       "decision": "maybe"}, headers=head), 422, "invalid")
    assert [d["field"] for d in err["details"]] == ["body.decision"]
    r = await api.http.post(f"/v1/projects/{pid}/assessment", json={"in_scope": True, "risk_level": "extreme"},
                            headers=users["agent"].headers)
    assert_error(r, 422, "invalid")
    r = await api.http.post(f"/v1/projects/{pid}/acceptance", json={"accepted": True},
                            headers=users["customer"].headers)
    # Not this customer's project: existence is not leaked, whatever the body.
    assert_error(r, 404, "not_found")
    r = await api.http.get("/v1/projects", params={"limit": 0}, headers=head)
    assert_error(r, 422, "invalid")
    r = await api.http.get("/v1/projects", params={"stage": "dreaming"}, headers=head)
    assert_error(r, 422, "invalid")


async def test_unknown_project_is_404_on_every_project_route(api, users):
    r = await api.http.get("/v1/projects/no-such-project", headers=users["agent"].headers)
    assert_error(r, 404, "not_found")
    for action, body in VALID_BODIES.items():
        r = await api.http.post(f"/v1/projects/no-such-project/{action}", json=body, headers=users[WHO[action]].headers)
        assert_error(r, 404, "not_found")
    r = await api.http.post("/v1/tasks/no-such-task/complete", json={"resolution": "done"},
                            headers=users["agent"].headers)
    assert_error(r, 404, "not_found")
    assert_error(await api.http.get("/v1/nowhere", headers=users["agent"].headers), 404, "not_found")


async def test_wrong_role_on_each_decision_route_is_403(api, users):
    dept = users["agent"].department
    pid = await api.insert_project(department=dept, agent=users["agent"], customer=users["customer"])
    wrong = {"assessment": "dept_head", "plan": "operations", "decisions": "agent", "reports": "executive",
             "results": "auditor", "acceptance": "dept_head", "warning-analysis": "agent", "cancel": "executive",
             "reassign": "dept_head", "deadline": "agent", "customer/dispose": "auditor"}
    for action, role in wrong.items():
        r = await api.http.post(f"/v1/projects/{pid}/{action}", json=VALID_BODIES[action], headers=users[role].headers)
        assert_error(r, 403, "forbidden")
    r = await api.http.post(f"/v1/projects/{pid}/decisions", json=VALID_BODIES["decisions"],
                            headers=users["customer"].headers)
    assert_error(r, 403, "forbidden")


async def test_other_departments_are_403_and_foreign_customers_404(api, users):
    pid = await api.insert_project(department=users["agent"].department, agent=users["agent"],
                                   customer=users["customer"])
    outsider = await api.person("agent", "another-dept")
    other_head = await api.person("dept_head", "another-dept")
    stranger = await api.person("customer")
    assert_error(await api.http.get(f"/v1/projects/{pid}", headers=outsider.headers), 403, "forbidden")
    r = await api.http.post(f"/v1/projects/{pid}/decisions", json=VALID_BODIES["decisions"], headers=other_head.headers)
    assert_error(r, 403, "forbidden")
    assert_error(await api.http.get(f"/v1/projects/{pid}", headers=stranger.headers), 404, "not_found")
    r = await api.http.post(f"/v1/projects/{pid}/acceptance", json=VALID_BODIES["acceptance"],
                            headers=stranger.headers)
    assert_error(r, 404, "not_found")


async def test_workflow_rejections_map_to_their_codes(api):
    for code, status in [("wrong_stage", 409), ("already_decided", 409), ("forbidden", 403), ("invalid", 422),
                         ("not_found", 404), ("conflict", 409)]:
        exc = WorkflowUpdateFailedError(ApplicationError(f"because {code}", type=code, non_retryable=True))
        r = await _update_failed(None, exc)
        assert r.status_code == status
        assert r.body == f'{{"error":{{"code":"{code}","message":"because {code}"}}}}'.encode()
    r = await _update_failed(None, WorkflowUpdateFailedError(ApplicationError("boom", type="KeyError")))
    assert r.status_code == 500 and b'"internal"' in r.body and b"boom" not in r.body


async def test_unexpected_errors_are_500_internal_json(api):
    app = create_app(api.app.state.settings, client=api.app.state.client, pool=api.pool, cipher=api.cipher,
                     policy=api.app.state.policy)

    @app.get("/boom")
    async def boom():
        raise RuntimeError("secret detail")

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        r = await http.get("/boom", headers={"X-Request-ID": "req-42"})
    assert_error(r, 500, "internal")
    assert "secret detail" not in r.text
    assert r.headers["x-request-id"] == "req-42"
