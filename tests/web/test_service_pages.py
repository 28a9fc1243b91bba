"""Complaints, the revisit and suggestions in the workspace: Chinese pages and forms that
go through the API as the signed-in user, its errors shown next to the fields."""

from __future__ import annotations

import asyncio
import re

from starlette.datastructures import FormData

from tests.web.conftest import csrf_of
from tests.web.helpers import call, project_at
from web import service_forms


def test_complaint_forms_become_the_apis_bodies():
    assert service_forms.complaint(FormData([("content", " 带看迟到 "), ("channel", "phone"), ("project_id", ""),
                                             ("contact_name", "李雷"), ("contact_phone", ""),
                                             ("contact_email", "")])) == {  # fmt: skip
        "content": "带看迟到", "channel": "phone", "contact": {"name": "李雷"}}
    assert service_forms.reply(FormData([("reply", "已处理"), ("resolved", "true"),
                                         ("rectification", "重新带看\n\n致电客户 ")])) == {  # fmt: skip
        "reply": "已处理", "resolved": True, "rectification": ["重新带看", "致电客户"]}
    assert service_forms.confirmation(FormData([("satisfied", "false"), ("rating", "2")])) == {
        "satisfied": False, "rating": "2", "suggestions": []}


async def test_a_complaint_is_filed_answered_and_confirmed_in_pages(stack, browserless):
    team = await stack.team()
    pid = await project_at(stack, team, "execution")
    customer, head = await browserless(team["customer"]), await browserless(team["dept_head"])

    r = await customer.submit(f"/complaints/new?project_id={pid}", "/complaints/new", {
        "project_id": pid, "channel": "online", "content": "业务员两次带看迟到", "contact_name": "陈杰",
        "contact_phone": "13812345678"})  # fmt: skip
    assert r.status_code == 303, r.text
    cid = r.headers["location"].split("/")[2].split("?")[0]
    page = await customer.http.get(r.headers["location"])
    assert "投诉已登记。" in page.text and "待答复" in page.text and "13812345678" in page.text
    assert 'id="form-reply"' not in page.text  # the customer does not reply

    inbox = await head.http.get("/")
    assert f'href="/complaints/{cid}"' in inbox.text and "答复客户投诉" in inbox.text
    r = await head.submit(f"/complaints/{cid}", f"/complaints/{cid}/actions/reply", {"reply": "", "resolved": "true"})
    assert r.status_code == 422 and 'data-field="reply"' in r.text
    r = await head.submit(f"/complaints/{cid}", f"/complaints/{cid}/actions/reply", {
        "reply": "已安排重新带看", "resolved": "true", "rectification": "重新带看\n每周致电客户"})  # fmt: skip
    assert r.status_code == 303, r.text
    view = await call(stack, "GET", f"/v1/complaints/{cid}", team["agent"])
    assert view["status"] == "answered" and len(view["task_ids"]) == 2

    page = await customer.http.get(f"/complaints/{cid}")
    assert 'id="form-confirmation"' in page.text and "待客户确认" in page.text
    r = await customer.submit(f"/complaints/{cid}", f"/complaints/{cid}/actions/confirmation", {
        "satisfied": "true", "rating": "4", "suggestions": "带看前一天短信提醒"})  # fmt: skip
    assert r.status_code == 303, r.text
    page = await customer.http.get(r.headers["location"])
    assert "已办结" in page.text and "带看前一天短信提醒" in page.text and "客户确认" in page.text

    suggestions = await head.http.get("/suggestions")
    assert "带看前一天短信提醒" in suggestions.text and "采纳" in suggestions.text
    [sid] = [s["id"] for s in view_suggestions(await call(stack, "GET", f"/v1/complaints/{cid}", team["agent"]))]
    r = await head.submit("/suggestions", f"/suggestions/{sid}/decision", {"adopted": "true"})
    assert r.status_code == 303 and "已采纳" in (await head.http.get("/suggestions")).text


async def test_a_form_sent_twice_files_one_complaint(stack, browserless):
    """A double click or a browser retry resends the same rendered form: its action applies
    once (the form's id is the API's Idempotency-Key), and both answers lead to it."""
    team = await stack.team()
    pid = await project_at(stack, team, "execution")
    customer = await browserless(team["customer"])
    page = await customer.http.get(f"/complaints/new?project_id={pid}")
    form = page.text[page.text.index('action="/complaints/new"'):]
    submission = re.search(r'name="submission" value="([0-9a-f]{32})"', form).group(1)
    data = {"project_id": pid, "channel": "online", "content": "两次带看迟到", "csrf": csrf_of(page.text),
            "submission": submission}  # fmt: skip
    first = await customer.http.post("/complaints/new", data=data)
    again = await customer.http.post("/complaints/new", data=data)
    assert first.status_code == again.status_code == 303, again.text
    assert first.headers["location"] == again.headers["location"]
    filed = await stack.pool.fetchval("SELECT count(*) FROM complaints WHERE project_id = $1", pid)
    assert filed == 1
    other = await customer.http.get(f"/complaints/new?project_id={pid}")
    assert submission not in other.text  # each rendering of the form is a new submission
    fresh = re.search(r'name="submission" value="([0-9a-f]{32})"',
                      other.text[other.text.index('action="/complaints/new"'):]).group(1)
    r = await customer.http.post("/complaints/new", data={**data, "submission": fresh})
    assert r.status_code == 303 and r.headers["location"] != first.headers["location"]
    assert await stack.pool.fetchval("SELECT count(*) FROM complaints WHERE project_id = $1", pid) == 2


async def scheduled_revisit(stack, pid: str) -> None:
    """The completed project starts its RevisitWorkflow as a child, which records the revisit
    moments after the acceptance answered."""
    for _ in range(100):
        if await stack.pool.fetchval("SELECT count(*) FROM revisits WHERE project_id = $1", pid):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"no revisit recorded for {pid}")


def view_suggestions(view: dict) -> list[dict]:
    return view["suggestions"]


async def test_the_agent_records_the_revisit_in_its_page(stack, browserless):
    team = await stack.team()
    pid = await project_at(stack, team, "customer_acceptance")
    await call(stack, "POST", f"/v1/projects/{pid}/acceptance", team["customer"], {"accepted": True, "rating": 5})
    await scheduled_revisit(stack, pid)
    agent, head = await browserless(team["agent"]), await browserless(team["dept_head"])
    project = await agent.http.get(f"/projects/{pid}")
    assert f'href="/projects/{pid}/revisit"' in project.text
    page = await agent.http.get(f"/projects/{pid}/revisit")
    assert page.status_code == 200 and "待开始" in page.text and 'id="form-revisit"' in page.text
    assert 'id="form-revisit"' not in (await head.http.get(f"/projects/{pid}/revisit")).text

    r = await agent.submit(f"/projects/{pid}/revisit", f"/projects/{pid}/revisit", {"comments": "满意"})
    assert r.status_code == 422 and 'data-field="rating"' in r.text
    r = await agent.submit(f"/projects/{pid}/revisit", f"/projects/{pid}/revisit", {
        "rating": "3", "comments": "交房慢了一周", "suggestions": "签约当天交钥匙"})  # fmt: skip
    assert r.status_code == 303, r.text
    page = await agent.http.get(r.headers["location"])
    assert "回访已记录。" in page.text and "已回访" in page.text and "交房慢了一周" in page.text
    revisit = await call(stack, "GET", f"/v1/projects/{pid}/revisit", team["dept_head"])
    assert [e["kind"] for e in revisit["history"]][-3:] == ["revisit_done", "rated", "satisfaction_warning"]


async def test_service_pages_render_for_each_role(stack, browserless):
    team = await stack.team()
    pid = await project_at(stack, team, "execution")
    filed = await call(stack, "POST", "/v1/complaints", team["customer"], {
        "content": "投诉", "channel": "phone", "project_id": pid}, 201)  # fmt: skip
    for role, person in team.items():
        v = await browserless(person)
        for path in ("/", "/complaints", f"/complaints/{filed['id']}", "/complaints/new", "/suggestions",
                     f"/projects/{pid}/revisit"):
            page = await v.http.get(path)
            assert page.status_code in (200, 403, 404), (role, path, page.status_code, page.text[:2000])
            assert "Traceback" not in page.text and 'lang="zh-CN"' in page.text
