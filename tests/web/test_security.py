"""Refused: forged, replayed and expired sign-in links, missing or wrong CSRF tokens, the
wrong role, a deactivated user's session; and nothing changes when refused."""

from __future__ import annotations

import secrets
from datetime import timedelta

from store.people import By, deactivate
from store.sessions import issue_signin_link
from tests.web.conftest import csrf_of
from tests.web.helpers import call, project_at


async def test_a_forged_link_signs_nobody_in(browserless):
    v = await browserless()
    r = await v.sign_in_with_code(secrets.token_urlsafe(32))
    assert r.status_code == 401
    assert "jindu_session" not in r.headers.get("set-cookie", "")
    assert "登录链接无效、已使用或已过期" in r.text
    assert (await v.http.get("/")).status_code == 303


async def test_a_link_works_once_and_not_after_it_expires(stack, browserless):
    person = await stack.person("agent", "sales")
    code = await issue_signin_link(stack.pool, person.id, timedelta(hours=1))
    first, second = await browserless(), await browserless()
    ok = await first.sign_in_with_code(code)
    assert ok.status_code == 303 and ok.headers["location"] == "/"
    cookie = ok.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    replay = await second.sign_in_with_code(code)
    assert replay.status_code == 401
    assert (await second.http.get("/")).status_code == 303

    expired = await issue_signin_link(stack.pool, person.id, timedelta(seconds=-1))
    assert (await (await browserless()).sign_in_with_code(expired)).status_code == 401


async def test_sign_in_form_without_its_csrf_cookie_is_refused(stack, browserless):
    person = await stack.person("agent", "sales")
    v = await browserless()
    r = await v.http.post("/signin", data={"token": person.token, "csrf": "guess", "next": "/"})
    assert r.status_code == 403
    assert "jindu_session" not in r.headers.get("set-cookie", "")


async def test_actions_without_or_with_a_wrong_csrf_token_change_nothing(stack, browserless):
    team = await stack.team()
    pid = await project_at(stack, team, "initiation_approval")
    head, other = await browserless(team["dept_head"]), await browserless(team["agent"])
    action = f"/projects/{pid}/actions/decision"
    body = {"gate": "initiation", "decision": "approve", "comment": "ok"}
    assert (await head.http.post(action, data=body)).status_code == 403
    assert (await head.http.post(action, data={**body, "csrf": "0" * 64})).status_code == 403
    # A token from another person's session is wrong too.
    other_token = csrf_of((await other.http.get("/")).text)
    refused = await head.http.post(action, data={**body, "csrf": other_token})
    assert refused.status_code == 403 and "表单已失效" in refused.text
    view = await call(stack, "GET", f"/v1/projects/{pid}", team["agent"])
    assert view["stage"] == "initiation_approval" and view["approvals"] == []


async def test_the_wrong_role_sees_the_api_reason_and_nothing_changes(stack, browserless):
    team = await stack.team()
    pid = await project_at(stack, team, "initiation_approval")
    customer = await browserless(team["customer"])
    r = await customer.submit(f"/projects/{pid}", f"/projects/{pid}/actions/decision",
                              {"gate": "initiation", "decision": "approve"})
    assert r.status_code == 403
    assert "您的角色无权执行此操作" in r.text
    assert "只有部门负责人、上级领导、运营管理中心可以执行此操作，您的角色是客户。" in r.text
    assert "may decide" not in r.text
    view = await call(stack, "GET", f"/v1/projects/{pid}", team["agent"])
    assert view["approvals"] == [] and view["stage"] == "initiation_approval"


async def test_wrong_stage_shows_the_api_reason(stack, browserless):
    team = await stack.team()
    pid = await project_at(stack, team, "planning")
    head = await browserless(team["dept_head"])
    r = await head.submit(f"/projects/{pid}", f"/projects/{pid}/actions/decision",
                          {"gate": "initiation", "decision": "approve"})
    assert r.status_code == 409
    assert "项目当前阶段不允许此操作" in r.text or "此事项已经处理过了" in r.text
    # The workflow's guard refused; its reason crossed Temporal by key and reads in Chinese.
    assert "立项审批已经作出决定（同意）。" in r.text and "already decided" not in r.text


async def test_field_errors_show_next_to_the_field_in_chinese(stack, browserless):
    team = await stack.team()
    created = await call(stack, "POST", "/v1/projects", team["agent"], {
        "customer": {"name": "李雷"}, "channel": "phone", "requirement": "租房", "business_type": "rental"}, 201)
    pid = created["id"]
    agent = await browserless(team["agent"])
    r = await agent.submit(f"/projects/{pid}", f"/projects/{pid}/actions/assessment",
                           {"in_scope": "true", "difficulty": "low", "risk_level": "low",
                            "expected_cycle_days": "0", "budget": "很多"})
    assert r.status_code == 422
    assert '<span class="field-error" data-field="budget">请填写数字</span>' in r.text
    assert '<span class="field-error" data-field="expected_cycle_days">必须大于 0</span>' in r.text
    assert 'value="很多"' in r.text  # what was typed comes back
    view = await call(stack, "GET", f"/v1/projects/{pid}", team["agent"])
    assert view["stage"] == "assessment"


async def test_a_deactivated_users_session_and_token_stop_working(stack, browserless):
    person = await stack.person("agent", "sales")
    v = await browserless(person)
    assert (await v.http.get("/")).status_code == 200
    await deactivate(stack.pool, person.id, By(name="test"))
    assert (await v.http.get("/")).status_code == 303
    r = await stack.http.get("/v1/tasks", headers=person.headers)
    assert r.status_code == 401


async def test_sign_out_ends_the_session(stack, browserless):
    person = await stack.person("agent", "sales")
    v = await browserless(person)
    cookie = v.http.cookies.get("jindu_session")
    out = await v.submit("/", "/signout", {})
    assert out.status_code == 303 and out.headers["location"] == "/signin"
    stale = await browserless()
    stale.http.cookies.set("jindu_session", cookie)
    assert (await stale.http.get("/")).status_code == 303
