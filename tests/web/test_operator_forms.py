"""The operator forms and the risk register on the project page, driven like a browser without
one (cookies, forms, CSRF): every form calls the `/v1` route in-process as the signed-in
user; the history timeline says who did what on whose behalf. Real worker, Temporal dev
server and PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime

from tests.web.helpers import call, project_at, soon

OPERATOR = 'id="operator-actions"'


async def history(stack, pid: str, kind: str) -> list[dict]:
    rows = await stack.pool.fetch("SELECT actor_name, comment, data FROM events WHERE project_id = $1 AND kind = $2 "
                                  "ORDER BY seq", pid, kind)  # fmt: skip
    import json

    return [{**dict(r), "data": r["data"] if isinstance(r["data"], dict) else json.loads(r["data"])} for r in rows]


def timeline(html: str) -> str:
    found = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S)
    assert found, "no timeline"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))


async def test_only_operations_see_the_operator_forms(stack, browserless):
    team = await stack.team()
    pid = await project_at(stack, team, "initiation_approval")
    for role, person in team.items():
        page = await (await browserless(person)).http.get(f"/projects/{pid}")
        assert (OPERATOR in page.text) == (role == "operations"), role
    ops = await (await browserless(team["operations"])).http.get(f"/projects/{pid}")
    for form in ('id="form-decide_for"', 'data-target="pending"', 'id="form-cancel"'):
        assert form in ops.text
    assert f'<option value="{team["dept_head"].name}">' in ops.text  # the approver to pick
    assert 'id="form-dispose"' not in ops.text  # only once the relationship has ended


async def test_extend_a_deadline_with_a_field_error_then_for_real(stack, browserless):
    team = await stack.team()
    pid = await project_at(stack, team, "initiation_approval")
    before = (await call(stack, "GET", f"/v1/projects/{pid}", team["agent"]))["pending"]["due_at"]
    ops = await browserless(team["operations"])
    r = await ops.submit(f"/projects/{pid}", f"/projects/{pid}/actions/extend",
                         {"target": "pending", "working_days": "0", "reason": "审批人出差"})
    assert r.status_code == 422
    assert '<span class="field-error" data-field="working_days">必须大于 0</span>' in r.text
    assert 'value="审批人出差"' in r.text  # what was typed comes back, in the form it belongs to
    assert await history(stack, pid, "deadline_extended") == []

    r = await ops.submit(f"/projects/{pid}", f"/projects/{pid}/actions/extend",
                         {"target": "pending", "working_days": "2", "reason": "审批人出差"})
    assert r.status_code == 303, r.text
    view = await call(stack, "GET", f"/v1/projects/{pid}", team["agent"])
    assert datetime.fromisoformat(view["pending"]["due_at"]) > datetime.fromisoformat(before)
    [step] = await history(stack, pid, "deadline_extended")
    assert (step["actor_name"], step["comment"], step["data"]["working_days"]) == (
        team["operations"].name,
        "审批人出差",
        2,
    )
    page = await ops.http.get(r.headers["location"])
    assert "截止时间已延长。" in page.text
    assert f"{team['operations'].name} 将当前待办的截止时间由" in timeline(page.text)


async def test_decide_on_behalf_of_the_absent_approver_from_the_page(stack, browserless):
    team = await stack.team()
    ops_name, head_name = team["operations"].name, team["dept_head"].name
    pid = await project_at(stack, team, "initiation_approval")
    ops = await browserless(team["operations"])
    r = await ops.submit(f"/projects/{pid}", f"/projects/{pid}/actions/decide_for",
                         {"gate": "initiation", "decision": "approve", "comment": "李强休假，代为审批",
                          "on_behalf_of": team["agent"].name})  # fmt: skip
    assert r.status_code == 422  # an agent is no approver: the API's reason, nothing recorded
    assert f"代为审批的审批人：找不到 {team['agent'].name}。" in r.text  # the API's reason, retold
    r = await ops.submit(f"/projects/{pid}", f"/projects/{pid}/actions/decide_for",
                         {"gate": "initiation", "decision": "approve", "comment": "李强休假，代为审批",
                          "on_behalf_of": head_name})  # fmt: skip
    assert r.status_code == 303, r.text
    view = await call(stack, "GET", f"/v1/projects/{pid}", team["agent"])
    assert view["stage"] == "planning"
    [approval] = view["approvals"]
    assert (approval["by_name"], approval["on_behalf_of_name"], approval["level"]) == (ops_name, head_name, "dept_head")
    page = (await (await browserless(team["agent"])).http.get(f"/projects/{pid}")).text
    assert f"由 {ops_name} 代 {head_name}（部门负责人）审批" in timeline(page)
    assert f"{head_name}（由 {ops_name} 代为审批）" in page  # the approvals list names the approver


async def test_reassign_a_rectification_task_to_another_agent(stack, browserless):
    team = await stack.team()
    pid = await project_at(stack, team, "execution")
    agent, head = team["agent"], team["dept_head"]
    await call(stack, "POST", f"/v1/projects/{pid}/results", agent, {"summary": "合同初稿"})
    await call(stack, "POST", f"/v1/projects/{pid}/decisions", head,
               {"gate": "result_review", "decision": "reject", "comment": "缺少贷款条款"})
    [task] = [t for t in (await call(stack, "GET", f"/v1/projects/{pid}", agent))["tasks"] if t["status"] == "open"]
    helper = await stack.person("agent", agent.department)
    stranger = await stack.person("agent", "another-dept")
    ops = await browserless(team["operations"])
    page = (await ops.http.get(f"/projects/{pid}")).text
    assert f'data-target="task:{task["id"]}"' in page
    assert f'<option value="{helper.name}">' in page and stranger.name not in page  # same department only

    r = await ops.submit(f"/projects/{pid}", f"/projects/{pid}/actions/reassign",
                         {"target": f"task:{task['id']}", "to": stranger.name, "reason": "人手调整"})
    assert r.status_code == 422 and "不在此项目的部门" in r.text
    r = await ops.submit(f"/projects/{pid}", f"/projects/{pid}/actions/reassign",
                         {"target": f"task:{task['id']}", "to": helper.name, "reason": "王芳请假"})
    assert r.status_code == 303, r.text
    inbox = await call(stack, "GET", "/v1/tasks", helper)
    assert [i["id"] for i in inbox["items"] if i["kind"] == "rectification"] == [task["id"]]
    assert task["id"] not in [i["id"] for i in (await call(stack, "GET", "/v1/tasks", agent))["items"]]
    text = timeline((await ops.http.get(f"/projects/{pid}")).text)
    assert f"{team['operations'].name} 将整改任务 {task['id']}由 {agent.name} 转交给 {helper.name}" in text


async def test_cancel_then_dispose_of_the_customers_data(stack, browserless):
    team = await stack.team()
    pid = await project_at(stack, team, "planning")
    ops = await browserless(team["operations"])
    r = await ops.submit(f"/projects/{pid}", f"/projects/{pid}/actions/cancel", {"reason": "客户放弃购房"})
    assert r.status_code == 303, r.text
    page = (await ops.http.get(f"/projects/{pid}")).text
    assert 'id="form-dispose"' in page and 'id="form-cancel"' not in page and 'data-target=' not in page
    r = await ops.submit(f"/projects/{pid}", f"/projects/{pid}/actions/dispose", {})
    assert r.status_code == 303, r.text
    page = (await ops.http.get(r.headers["location"])).text
    assert "客户个人信息已安全销毁。" in page and 'id="form-dispose"' not in page
    assert "客户个人信息已销毁" in timeline(page)
    view = await call(stack, "GET", f"/v1/projects/{pid}", team["operations"])
    assert view["customer"]["name"] is None and view["customer"]["phone"] is None


async def test_the_risk_register_is_kept_from_the_page_and_reviews_link_to_it(stack, browserless):
    team = await stack.team()
    pid = await project_at(stack, team, "execution")
    agent, head = team["agent"], team["dept_head"]
    keeper = await browserless(agent)
    risk = {"category": "credit", "description": "银行可能拒贷", "likelihood": "high", "impact": "medium",
            "probability": "0.3", "loss_amount": "50000", "response": "reduce", "measures": "先做预审",
            "owner": agent.name, "review_on": soon(5)}  # fmt: skip
    r = await keeper.submit(f"/projects/{pid}", f"/projects/{pid}/risks", risk | {"probability": "1.5"})
    assert r.status_code == 422
    assert '<span class="field-error" data-field="probability">不能大于 1</span>' in r.text
    assert await call(stack, "GET", f"/v1/projects/{pid}/risks", agent) == []

    r = await keeper.submit(f"/projects/{pid}", f"/projects/{pid}/risks", risk)
    assert r.status_code == 303, r.text
    [added] = await call(stack, "GET", f"/v1/projects/{pid}/risks", agent)
    assert (added["level"], added["expected_loss"]) == ("high", "15000.00")
    page = (await keeper.http.get(r.headers["location"])).text
    assert "风险已登记。" in page and f'id="risk-{added["id"]}"' in page and "¥1.5万" in page

    inbox = (await keeper.http.get("/")).text
    assert f'href="/projects/{pid}#risk-{added["id"]}"' in inbox  # the review links to the register

    for person in (team["operations"], team["auditor"]):  # readers, not keepers
        seen = (await (await browserless(person)).http.get(f"/projects/{pid}")).text
        assert f'id="risk-{added["id"]}"' in seen and 'id="form-risk_add"' not in seen
    assert 'id="risks"' not in (await (await browserless(team["customer"])).http.get(f"/projects/{pid}")).text

    chief = await browserless(head)
    r = await chief.submit(f"/projects/{pid}", f"/projects/{pid}/risks/{added['id']}",
                           {"status": "occurred", "loss_amount": "80000", "likelihood": "", "measures": ""})
    assert r.status_code == 303, r.text
    [settled] = await call(stack, "GET", f"/v1/projects/{pid}/risks", head)
    assert (settled["status"], settled["loss_amount"]) == ("occurred", "80000.00")
    page = (await chief.http.get(r.headers["location"])).text
    assert "实际损失 ¥8万" in page and "损失 ¥8万" in timeline(page)
    assert f'action="/projects/{pid}/risks/{added["id"]}"' not in page  # a settled risk has no change form
