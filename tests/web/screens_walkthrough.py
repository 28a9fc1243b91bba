"""The README's "With the browser" walkthrough, followed in Chromium, its screenshots kept in
docs/screens/ (phone 390 px, desktop 1280 px). Not part of the suite (it rewrites files of
the repository, and its people have the README's fixed names): `make screens` runs it by
path. What it passes through is tested by tests/web/test_browser*.py."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from activities.channels import Router
from activities.channels.dingtalk import DingTalkRobot
from activities.channels.feishu import FeishuBot
from activities.channels.log import LogChannel
from activities.outbox import Outbox
from store.contacts import set_contact
from tests.channels.robots import RobotServer
from tests.web.helpers import call, project_at, soon

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screens"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}


async def keep(page, name: str, size: dict[str, int], *, full: bool = False) -> None:
    """One screenshot into docs/screens/ once the page's charts are drawn."""
    await page.set_viewport_size(size)
    await page.wait_for_load_state("load")
    await page.wait_for_function("!document.querySelector('.echart[data-chart]:not([data-drawn])')")
    await page.screenshot(path=str(DOCS / f"{name}.png"), full_page=full)


async def signed_in(page_of, live, pool, person):
    page = await page_of()
    await page.goto(await live.link_for(pool, person))
    assert await page.inner_text("#signin-with-link") == "登录进度工作台"
    await page.click("#signin-with-link")
    await page.wait_for_url(live.url + "/")
    return page


async def test_the_browser_walkthrough_with_its_screenshots(stack, live, page_of, cipher):
    DOCS.mkdir(exist_ok=True)
    people = {role: await stack.person(role, dept, name) for role, dept, name in (
        ("agent", "sales", "王芳"), ("dept_head", "sales", "李强"), ("executive", None, "赵敏"),
        ("customer", None, "陈杰"), ("operations", None, "运营小刘"))}  # fmt: skip
    page = await page_of()
    await page.goto("/signin")
    assert "在此设备上保持登录（最长 30 天）" in await page.inner_text("main")
    await keep(page, "signin-phone", PHONE)

    # 1. The agent: 登记咨询, then 需求评估 with a wrong budget first.
    agent = await signed_in(page_of, live, stack.pool, people["agent"])
    await agent.click("nav >> text=登记咨询")
    await agent.fill("input[name=id]", "flat-001")
    await agent.select_option("select[name=channel]", "visit")
    await agent.select_option("select[name=business_type]", "real_estate")
    await agent.fill("textarea[name=requirement]", "徐汇区学区两居室，预算 250 万以内")
    await agent.fill("input[name=customer_name]", "陈杰")
    await agent.fill("input[name=customer_phone]", "13812345678")
    await agent.fill("input[name=customer_user]", "陈杰")
    await agent.click("form.action-form button[type=submit]")
    await agent.wait_for_url("**/projects/flat-001*")
    form = agent.locator("#form-assessment")
    await form.locator("select[name=difficulty]").select_option("medium")
    await form.locator("select[name=risk_level]").select_option("high")
    await form.locator("input[name=expected_cycle_days]").fill("45")
    await form.locator("input[name=budget]").fill("很多")
    await form.locator("button[type=submit]").click()
    await agent.locator('#form-assessment .field-error[data-field="budget"]').wait_for()
    assert await agent.inner_text('#form-assessment .field-error[data-field="budget"]') == "请填写数字"
    assert (await call(stack, "GET", "/v1/projects/flat-001", people["agent"]))["stage"] == "assessment"
    await agent.locator("#form-assessment input[name=budget]").fill("250万")
    await agent.locator("#form-assessment button[type=submit]").click()
    await agent.wait_for_selector("ol.steps li.current")
    assert await agent.inner_text("ol.steps li.current") == "立项审批"

    # 2. The dept head approves in the inbox with a comment; a high risk then waits on the executive.
    head = await signed_in(page_of, live, stack.pool, people["dept_head"])
    item = head.locator('li.item[data-project="flat-001"]')
    assert (await item.locator(".budget").inner_text()).strip() == "¥250万"
    await keep(head, "inbox", DESKTOP)
    await keep(head, "inbox-phone", PHONE)
    await item.locator("textarea[name=comment]").fill("预算合理，同意立项")
    await item.locator("button.approve").click()
    await head.wait_for_selector(".done")
    view = await call(stack, "GET", "/v1/projects/flat-001", people["agent"])
    assert view["stage"] == "initiation_approval" and view["pending"]["role"] == "executive"
    await call(stack, "POST", "/v1/projects/flat-001/decisions", people["executive"],
               {"gate": "initiation", "decision": "approve"})  # fmt: skip

    # 3. The plan (方案制定), a risk and a week's report; the project page as the agent sees it.
    await agent.goto("/projects/flat-001")
    assert await agent.locator("#form-plan").count() == 1
    p = "/v1/projects/flat-001"
    await call(stack, "POST", f"{p}/plan", people["agent"], {"goals": "签订购房合同", "responsibilities": "王芳带看",
        "milestones": [{"name": "带看", "due_date": soon(10)}, {"name": "签约", "due_date": soon(30)}]})  # fmt: skip
    await call(stack, "POST", f"{p}/decisions", people["dept_head"], {"gate": "plan", "decision": "approve"})
    await call(stack, "POST", f"{p}/risks", people["agent"], {
        "category": "credit", "description": "买方贷款审批可能不通过", "likelihood": "medium", "impact": "high",
        "probability": "0.3", "loss_amount": "50000", "response": "reduce", "measures": "提前向两家银行预审",
        "owner": "王芳", "review_on": soon(14)}, 201)  # fmt: skip
    await call(stack, "POST", f"{p}/reports", people["agent"], {"progress": "带看 6 套", "problems": "房价上涨",
        "next_week_plan": "筛选两套", "completed_milestones": ["带看"]})  # fmt: skip
    await agent.goto("/projects/flat-001")
    assert await agent.locator("#form-report").count() == 1 and await agent.locator("#form-results").count() == 1
    await keep(agent, "project-phone", PHONE)  # on a phone the agent's own action comes first
    await head.goto("/projects/flat-001")
    shown = await head.inner_text("main")
    assert all(words in shown for words in ("待办事项", "关键节点", "进度指标", "风险登记", "买方贷款审批可能不通过"))
    assert "（周" in await head.inner_text("ol.timeline")  # the history, in Shanghai time with weekday
    await keep(head, "project", {"width": 1280, "height": 1400})

    # 4. Results reviewed; 5. the customer accepts on a phone, seeing first what they accept.
    await call(stack, "POST", f"{p}/results", people["agent"], {"summary": "合同第二版：含贷款条款",
                                                                 "completed_milestones": ["签约"]})  # fmt: skip
    await call(stack, "POST", f"{p}/decisions", people["dept_head"], {"gate": "result_review", "decision": "approve"})
    customer = await signed_in(page_of, live, stack.pool, people["customer"])
    await customer.set_viewport_size(PHONE)
    await customer.click('li.item[data-project="flat-001"][data-kind="acceptance"] a.button')
    await customer.wait_for_selector("#form-acceptance")
    assert "合同第二版" in await customer.inner_text("main")
    await keep(customer, "acceptance-phone", PHONE)

    # 6. Operations: the dashboard's charts over a few projects, and 通知记录.
    for stage in ("initiation_approval", "planning", "execution", "customer_acceptance"):
        await project_at(stack, people, stage)
    await set_contact(stack.pool, people["agent"].id, cipher, mobile=None, email=None,
                      channels=["dingtalk", "feishu"], lang="zh")  # fmt: skip
    fresh = await project_at(stack, people, "initiation_approval")
    async with RobotServer(ok={"errcode": 130101, "errmsg": "send too fast"}) as ding, \
            RobotServer(ok={"code": 0}) as feishu:  # fmt: skip
        router = Router([LogChannel(), DingTalkRobot(ding.url("/robot/send")), FeishuBot(feishu.url("/hook"))])
        await Outbox(stack.pool, router, cipher, tz=ZoneInfo("Asia/Shanghai"), public_url=live.url).drain(fresh)
    ops = await signed_in(page_of, live, stack.pool, people["operations"])
    await ops.click("nav >> text=运营看板")
    await ops.wait_for_selector(".echart[data-drawn]")
    await keep(ops, "dashboard", {"width": 1280, "height": 1500})
    nav = await ops.inner_text("nav")
    assert all(words in nav for words in ("指标与考核", "用户管理", "通知记录"))
    await ops.goto("/projects/flat-001")
    assert "运营操作" in await ops.inner_text("main")
    await ops.click("nav >> text=通知记录")
    assert "130101" in await ops.inner_text("main")
    await keep(ops, "notifications", DESKTOP)
    sizes = {f.name: f.stat().st_size for f in DOCS.glob("*.png")}
    assert all(size < 400_000 for size in sizes.values()), sizes  # small enough for a README
