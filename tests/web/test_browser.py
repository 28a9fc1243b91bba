"""The workspace in a real headless Chromium over real HTTP (uvicorn), with the real
worker, Temporal dev server and PostgreSQL. Screenshots: tests/artifacts/screens/."""

from __future__ import annotations

from urllib.parse import urlsplit

from store import code_names
from store.code_names import CodeNameIn
from tests.web.conftest import shot
from tests.web.helpers import call, project_at, soon


async def sign_in_with_link(page, live, pool, person) -> None:
    await page.goto(await live.link_for(pool, person))
    await shot(page, f"signin-link-{person.role}")
    await page.click("#signin-with-link")
    await page.wait_for_url(live.url + "/")


async def test_a_dept_head_approves_from_the_inbox_with_a_comment(stack, live, page_of):
    team = await stack.team()
    pid = await project_at(stack, team, "initiation_approval", risk="medium", budget="120000")
    page = await page_of()
    await sign_in_with_link(page, live, stack.pool, team["dept_head"])
    item = page.locator(f'li.item[data-project="{pid}"]')
    await item.wait_for()
    assert await item.get_attribute("data-kind") == "approval"
    assert (await item.locator(".budget").inner_text()).strip() == "¥12万"
    assert (await item.locator(".risk").inner_text()).strip() == "中"
    assert "徐汇区学区两居室" in await item.locator(".requirement").inner_text()
    assert "立项审批" in await item.inner_text()
    await shot(page, "inbox-dept-head")

    await item.locator("textarea[name=comment]").fill("预算合理，同意立项")
    await item.locator("button.approve").click()
    await page.wait_for_selector(".done")
    assert await page.inner_text(".done") == "审批意见已提交。"
    assert await page.locator(f'li.item[data-project="{pid}"]').count() == 0

    view = await call(stack, "GET", f"/v1/projects/{pid}", team["agent"])
    assert view["stage"] == "planning"
    assert view["approvals"][0]["comment"] == "预算合理，同意立项"
    await page.goto(f"/projects/{pid}")
    assert await page.inner_text("ol.steps li.current") == "方案制定"
    assert "预算合理，同意立项" in await page.inner_text("ol.timeline")
    await shot(page, "project-after-approval")


async def test_a_customer_objects_and_later_accepts_with_a_rating(stack, live, page_of):
    team = await stack.team()
    pid = await project_at(stack, team, "customer_acceptance")
    page = await page_of()
    await sign_in_with_link(page, live, stack.pool, team["customer"])
    await page.click(f'li.item[data-project="{pid}"][data-kind="acceptance"] a.button')
    await page.wait_for_selector("#form-acceptance")
    customer_line = await page.inner_text("dd.customer")
    assert "陈杰" in customer_line and "13812345678" in customer_line  # their own data, as the API shows it
    form = page.locator("#form-acceptance")
    await form.locator('input[name=accepted][value=false]').check()
    await form.locator("textarea[name=objections]").fill("交房日期太晚")
    await shot(page, "acceptance-objection")
    await form.locator("button[type=submit]").click()
    await page.wait_for_selector(".done")
    assert await page.inner_text("ol.steps li.current") == "整改"

    agent = team["agent"]
    inbox = await call(stack, "GET", "/v1/tasks", agent)
    [task] = [i for i in inbox["items"] if i["kind"] == "rectification" and i["project_id"] == pid]
    await call(stack, "POST", f"/v1/tasks/{task['id']}/complete", agent, {"resolution": "卖方同意提前交房"})
    await call(stack, "POST", f"/v1/projects/{pid}/results", agent, {"summary": "合同第二版"})

    await page.goto("/")
    await page.click(f'li.item[data-project="{pid}"][data-kind="acceptance"] a.button')
    form = page.locator("#form-acceptance")
    await form.locator('input[name=accepted][value=true]').check()
    await form.locator("button[type=submit]").click()  # no rating yet
    error = page.locator('#form-acceptance .field-error[data-field="rating"]')
    await error.wait_for()
    assert await error.inner_text() == "验收通过需要给出 1–5 分的满意度评分。"
    await shot(page, "acceptance-field-error")
    form = page.locator("#form-acceptance")
    await form.locator('input[name=rating][value="5"]').check()
    await form.locator('input[name=accepted][value=true]').check()
    await form.locator("button[type=submit]").click()
    await page.wait_for_selector(".done")
    assert await page.inner_text(".stage-label") == "已完成"
    view = await call(stack, "GET", f"/v1/projects/{pid}", agent)
    assert view["stage"] == "completed" and view["ratings"] == [5]
    await shot(page, "project-completed")


async def test_an_agent_reports_the_week_with_a_completed_milestone(stack, live, page_of):
    team = await stack.team()
    pid = await project_at(stack, team, "execution")
    page = await page_of()
    await page.goto("/signin")
    await page.fill("input[name=token]", team["agent"].token)
    await page.click("form[action='/signin'] button[type=submit]")
    await page.wait_for_url(live.url + "/")
    await page.goto(f"/projects/{pid}")
    form = page.locator("#form-report")
    await form.locator("textarea[name=progress]").fill("本周带看 6 套")
    await form.locator("textarea[name=problems]").fill("房价上涨")
    await form.locator("textarea[name=next_week_plan]").fill("筛选两套")
    await form.locator('input[name=completed_milestones][value="带看"]').check()
    await shot(page, "weekly-report-form")
    await form.locator("button[type=submit]").click()
    await page.wait_for_selector(".done")
    assert await page.inner_text(".done") == "周报已提交。"
    done_on = await page.inner_text('tr[data-milestone="带看"] td:nth-child(3)')
    assert done_on[:4].isdigit(), done_on
    assert await page.inner_text('tr[data-milestone="签约"] td:nth-child(3)') == "—"
    view = await call(stack, "GET", f"/v1/projects/{pid}", team["agent"])
    assert view["reports"]["received"] == 1
    assert [m["done_on"] is not None for m in view["milestones"]] == [True, False]
    await shot(page, "project-after-report")
    await page.goto(f"/projects/{pid}?lang=en")
    assert await page.inner_text("ol.steps li.current") == "Execution"
    await shot(page, "project-english")


async def test_operations_dashboard_kpi_charts_and_user_admin(stack, live, page_of):
    team = await stack.team()
    await project_at(stack, team, "execution")
    page = await page_of()
    await sign_in_with_link(page, live, stack.pool, team["operations"])
    await page.goto("/dashboard")
    row = page.locator(f'#departments tr[data-department="{team["agent"].department}"]')
    assert (await row.locator("td").nth(1).inner_text()) == "1"
    await shot(page, "dashboard")
    await page.goto("/kpis?group_by=agent")
    await page.wait_for_selector("#chart-kpi-completion_rate .echart[data-drawn=true] canvas")
    assert await page.locator(".echart[data-drawn=true]").count() == 5
    await shot(page, "kpis")
    leaver = await stack.person("auditor", team["agent"].department)
    await code_names.put(stack.pool, "department", team["agent"].department,  # a department of the list
                         CodeNameIn(name_zh="测试部", name_en="Testing"), "test")  # fmt: skip
    live.app.state.code_names.stale()
    await page.goto("/users")
    await page.select_option("form.filters select[name=department]", team["agent"].department)
    await page.select_option("form.filters select[name=role]", "auditor")
    await page.click("form.filters button[type=submit]")
    assert await page.locator("tbody tr").count() == 1  # the filter reached the API
    victim = page.locator(f'tr[data-user="{leaver.name}"]')
    await victim.locator("input[name=reason]").fill("离职")
    await victim.locator("button.reject").click()
    await page.wait_for_selector(".done")
    assert "department=" in page.url  # the filtered list is where the operator comes back to
    assert (await call(stack, "GET", f"/v1/users/{leaver.id}", team["operations"]))["user"]["active"] is False
    assert (await stack.http.get("/v1/tasks", headers=leaver.headers)).status_code == 401
    await shot(page, "users")


async def test_api_docs_render_with_no_internet(live, page_of):
    page = await page_of()
    outside: list[str] = []

    async def only_this_host(route):
        host = urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            await route.continue_()
        else:
            outside.append(route.request.url)
            await route.abort()

    await page.route("**/*", only_this_host)
    failed: list[tuple] = []
    page.on("requestfailed", lambda request: failed.append((request.url, request.failure)))
    response = await page.goto("/docs")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    await page.locator(".swagger-ui .info .title", has_text="Jindu").wait_for()
    await page.locator(".opblock-tag", has_text="projects").first.wait_for()
    await shot(page, "docs-swagger")
    await page.goto("/redoc")
    await page.locator("h1", has_text="Jindu").wait_for()
    await page.locator("h2", has_text="Decide a pending approval gate").first.wait_for()
    await shot(page, "docs-redoc")
    assert outside == []
    # ReDoc's sidebar names a logo on a CDN: the page's CSP stops it inside the browser, unsent.
    assert all(reason == "csp" for url, reason in failed), failed


async def test_operations_reassign_an_approval_to_another_head_who_approves_from_the_inbox(stack, live, page_of):
    team = await stack.team()
    head, ops = team["dept_head"], team["operations"]
    deputy = await stack.person("dept_head", head.department)
    pid = await project_at(stack, team, "initiation_approval")

    page = await page_of()
    await sign_in_with_link(page, live, stack.pool, ops)
    await page.goto(f"/projects/{pid}")
    wait = page.locator('#operator-actions .wait[data-target="pending"]')
    assert "立项审批" in await wait.locator("p").first.inner_text()
    reassign = wait.locator("form.reassign")
    await reassign.locator("select[name=to]").select_option(deputy.name)
    await reassign.locator("input[name=reason]").fill("李强休假一周")
    await shot(page, "operator-reassign")
    await reassign.locator("button[type=submit]").click()
    await page.wait_for_selector(".done")
    assert await page.inner_text(".done") == "已转交，新的处理人已收到通知。"
    assert deputy.name in await page.inner_text("section.pending")
    entry = page.locator('ol.timeline li[data-kind="reassigned"]')
    assert f"{ops.name} 将当前待办由 部门负责人 · {head.department} 转交给 {deputy.name}" in await entry.inner_text()
    assert "李强休假一周" in await entry.inner_text()

    assert [i for i in (await call(stack, "GET", "/v1/tasks", head))["items"] if i["project_id"] == pid] == []
    page = await page_of()
    await sign_in_with_link(page, live, stack.pool, deputy)
    item = page.locator(f'li.item[data-project="{pid}"]')
    await item.wait_for()
    assert await item.get_attribute("data-kind") == "approval"
    await item.locator("textarea[name=comment]").fill("代李强审批：同意立项")
    await item.locator("button.approve").click()
    await page.wait_for_selector(".done")
    view = await call(stack, "GET", f"/v1/projects/{pid}", team["agent"])
    assert view["stage"] == "planning"
    assert [(a["by_name"], a["comment"]) for a in view["approvals"]] == [(deputy.name, "代李强审批：同意立项")]


async def test_the_agent_adds_a_high_risk_to_the_register(stack, live, page_of):
    team = await stack.team()
    agent = team["agent"]
    pid = await project_at(stack, team, "execution")
    page = await page_of()
    await sign_in_with_link(page, live, stack.pool, agent)
    await page.goto(f"/projects/{pid}")
    assert await page.inner_text("#risks p") == "尚未登记风险。"
    await page.click("#form-risk_add summary")
    form = page.locator("#form-risk_add form")
    await form.locator("select[name=category]").select_option("credit")
    await form.locator("select[name=likelihood]").select_option("high")
    await form.locator("select[name=impact]").select_option("high")
    await form.locator("textarea[name=description]").fill("买方贷款可能被银行拒绝")
    await form.locator("input[name=probability]").fill("0.4")
    await form.locator("input[name=loss_amount]").fill("250000")
    await form.locator("select[name=response]").select_option("transfer")
    await form.locator("textarea[name=measures]").fill("签约前完成贷款预审")
    await form.locator("input[name=review_on]").fill(soon(7))
    await shot(page, "risk-add-form")
    await form.locator("button[type=submit]").click()
    await page.wait_for_selector(".done")
    assert await page.inner_text(".done") == "风险已登记。"
    [risk] = await call(stack, "GET", f"/v1/projects/{pid}/risks", agent)
    assert (risk["level"], risk["expected_loss"], risk["owner_name"]) == ("high", "100000.00", agent.name)
    row = page.locator(f'#risk-{risk["id"]}')
    assert (await row.locator(".risk-level").inner_text()).strip() == "高"
    assert (await row.locator(".expected-loss").inner_text()).strip() == "¥10万"
    assert (await row.locator(".owner").inner_text()).strip() == agent.name
    assert (await row.locator(".review-on").inner_text()).strip() == soon(7)
    assert (await row.locator(".status").inner_text()).strip() == "跟踪中"
    await shot(page, "risk-register")
    notified = {r["to_role"] for r in await stack.pool.fetch(
        "SELECT to_role FROM outbox WHERE project_id = $1 AND key = 'notify.risk_attention'", pid)}  # fmt: skip
    assert "dept_head" in notified  # a high risk needs the dept head's attention
