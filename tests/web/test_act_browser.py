"""In Chromium at phone width (issue 17): a dept head approves from the link in a DingTalk
ActionCard captured by the test's robot, in one press after confirmation; another user who
saw the group post cannot act on it; an empty reason does not leave the page."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from activities.channels import Router
from activities.channels.dingtalk import DingTalkRobot
from activities.channels.log import LogChannel
from activities.outbox import Outbox
from store.contacts import set_contact
from tests.channels.robots import RobotServer
from tests.channels.test_delivery import assess, new_project
from tests.web.conftest import shot
from tests.web.test_browser import sign_in_with_link

PHONE = {"width": 390, "height": 844}


async def fits(page) -> bool:
    return await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


async def test_approve_from_the_action_card_on_a_phone(stack, live, page_of, cipher):
    team = await stack.team()
    head = team["dept_head"]
    await set_contact(stack.pool, head.id, cipher, mobile="13900006666", email=None, channels=["dingtalk"], lang="zh")
    pid = await new_project(stack, team)
    await assess(stack, team, pid)
    async with RobotServer() as robot:
        router = Router([LogChannel(), DingTalkRobot(robot.url("/robot/send?access_token=t"))])
        await Outbox(stack.pool, router, cipher, tz=ZoneInfo("Asia/Shanghai"), public_url=live.url).drain(pid)
    [card] = [r.body["actionCard"] for r in robot.requests if r.body["msgtype"] == "actionCard"]
    links = {b["title"]: b["actionURL"] for b in card["btns"]}
    approve, reject = links["批准"], links["驳回"]
    assert approve.startswith(live.url + "/act/")

    other = await page_of()
    await other.set_viewport_size(PHONE)
    await sign_in_with_link(other, live, stack.pool, await stack.person("dept_head", head.department))
    await other.goto(approve)
    assert "此链接不是发给您的" in await other.inner_text("main") and head.name in await other.inner_text("main")
    assert await other.locator("form[action^='/act/']").count() == 0

    page = await page_of()
    await page.set_viewport_size(PHONE)
    await sign_in_with_link(page, live, stack.pool, head)
    await page.goto(reject)
    await page.click("button.reject")  # no reason typed: the browser keeps the form
    assert await page.locator("#act-comment:invalid").count() == 1 and "/act/" in page.url
    await page.goto(approve)
    assert await page.inner_text("h1") == "确认批准：立项审批"
    facts = await page.inner_text("dl.facts")
    assert "1,000元" in facts and team["agent"].name in facts and "（周" in facts
    assert await fits(page)
    await shot(page, "act-confirm-phone")
    await page.click("button.approve")  # the one press
    await page.wait_for_selector(".done")
    assert "已批准" in await page.inner_text(".done")
    assert await stack.pool.fetchval("SELECT stage FROM projects WHERE id = $1", pid) == "planning"
    await page.goto(reject)  # spent with its sibling
    assert "链接已失效" in await page.inner_text("main")


async def test_the_notification_log_fits_a_phone(stack, live, page_of, cipher):
    team = await stack.team()
    await set_contact(stack.pool, team["agent"].id, cipher, mobile=None, email=None, channels=["dingtalk"], lang="zh")
    pid = await new_project(stack, team)
    async with RobotServer(ok={"errcode": 130101, "errmsg": "send too fast"}) as robot:
        router = Router([LogChannel(), DingTalkRobot(robot.url("/robot/send?access_token=t"))])
        await Outbox(stack.pool, router, cipher, tz=ZoneInfo("Asia/Shanghai"), public_url=live.url).drain(pid)
    page = await page_of()
    await page.set_viewport_size(PHONE)
    await sign_in_with_link(page, live, stack.pool, team["operations"])
    await page.goto(f"/notifications?project={pid}")
    assert await page.inner_text("h1") == "通知记录"
    assert "130101" in await page.inner_text("ul.notice-list")
    assert await fits(page)
    await shot(page, "notifications-phone")
