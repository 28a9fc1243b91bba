"""Acting on a process from its message (issue 15): the approval's notification carries the
form (what the decision needs) and approve / reject buttons; each opens a confirmation page
for exactly that step, for its addressee only, once; rejecting needs a reason."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from activities.channels import Router
from activities.channels.dingtalk import DingTalkRobot
from activities.channels.log import LogChannel
from activities.outbox import Outbox
from store import process_templates
from store.contacts import set_contact
from tests.channels.robots import RobotServer
from tests.channels.test_delivery import PUBLIC
from tests.process_files import process_files, upload
from tests.web.conftest import csrf_of


async def cards(stack, cipher, pid: str) -> list[dict[str, str]]:
    """The ActionCards the group robot received about this process: button title → path."""
    async with RobotServer() as robot:
        box = Outbox(stack.pool, Router([LogChannel(), DingTalkRobot(robot.url("/robot/send"))]), cipher,
                     tz=ZoneInfo("Asia/Shanghai"), public_url=PUBLIC)  # fmt: skip
        await box.drain(process_id=pid)  # this process's only: not the whole suite's outbox
    found = [r.body["actionCard"] for r in robot.requests if r.body["msgtype"] == "actionCard"]
    return [{b["title"]: b["actionURL"].removeprefix(PUBLIC) for b in c["btns"]} | {"_text": c["text"]}
            for c in found if pid in c["text"]]  # fmt: skip


__all__ = ["process_files"]


async def node_of(stack, pid: str) -> str:
    return await stack.pool.fetchval("SELECT node_id FROM processes WHERE id = $1", pid)


async def test_a_dept_head_approves_an_expense_from_its_message_and_finance_rejects_with_a_reason(
        stack, cipher, browserless, process_files):  # fmt: skip
    await process_templates.load_dir(stack.pool)
    team = await stack.team()
    agent, head = team["agent"], team["dept_head"]
    finance = await stack.person("dept_head", "财务部")
    await set_contact(stack.pool, head.id, cipher, mobile="13900006666", email=None, channels=["dingtalk"], lang="zh")
    receipts = [await upload(stack, agent, "a.pdf"), await upload(stack, agent, "b.pdf")]
    r = await stack.http.post("/v1/processes", headers=agent.headers, json={"template": "expense", "form": {
        "amount": "3200.50", "category": "差旅", "purpose": "上海出差", "receipts": receipts}})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    [card] = [c for c in await cards(stack, cipher, pid) if "批准" in c]
    for fact in ("费用报销", "部门负责人审批", "3,200.5", "差旅", "上海出差", "2 个附件", agent.name):
        assert fact in card["_text"], fact
    approve, reject = card["批准"], card["驳回"]
    assert approve.startswith("/act/") and approve != reject and card["在工作台中打开"] == f"/processes/{pid}"

    other = await browserless(finance)  # not an addressee of the head's step
    assert (await other.http.get(approve)).status_code == 403
    mine = await browserless(head)
    page = await mine.http.get(approve)
    assert page.status_code == 200 and "确认同意：费用报销 · 部门负责人审批" in page.text and "上海出差" in page.text
    done = await mine.http.post(approve, data={"csrf": csrf_of(page.text)})
    assert done.status_code == 200 and "已同意" in done.text and await node_of(stack, pid) == "finance"
    for spent in (approve, reject):
        again = await mine.http.get(spent)
        assert again.status_code == 410 and pid in again.text

    [card] = [c for c in await cards(stack, cipher, pid) if "财务复核" in c["_text"] and "驳回" in c]
    fin = await browserless(finance)
    page = await fin.http.get(card["驳回"])
    assert page.status_code == 200 and "确认驳回" in page.text and "required" in page.text
    empty = await fin.http.post(card["驳回"], data={"csrf": csrf_of(page.text), "comment": " "})
    assert empty.status_code == 422 and await node_of(stack, pid) == "finance"
    done = await fin.http.post(card["驳回"], data={"csrf": csrf_of(page.text), "comment": "票据不全"})
    assert done.status_code == 200 and "已驳回" in done.text
    row = await stack.pool.fetchrow(
        "SELECT status, (SELECT count(*) FROM process_events WHERE process_id = $1 AND comment = '票据不全') "
        "AS reasons FROM processes WHERE id = $1", pid)  # fmt: skip
    assert (row["status"], row["reasons"]) == ("rejected", 1)
