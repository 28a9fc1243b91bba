"""通知记录 (issue 17): operations see each delivery of each notification (sent, failed with
the platform's errcode, given up); nobody else does."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from activities.channels import Router
from activities.channels.dingtalk import DingTalkRobot
from activities.channels.feishu import FeishuBot
from activities.channels.log import LogChannel
from activities.outbox import Outbox
from store.contacts import set_contact
from tests.channels.robots import RobotServer
from tests.channels.test_delivery import PUBLIC, new_project


async def test_operations_see_each_delivery_and_its_errcode(stack, cipher, browserless):
    team = await stack.team()
    await set_contact(stack.pool, team["agent"].id, cipher, mobile=None, email=None,
                      channels=["dingtalk", "feishu"], lang="zh")  # fmt: skip
    pid = await new_project(stack, team)  # queues "assess the requirement" for the agent
    async with RobotServer(ok={"errcode": 130101, "errmsg": "send too fast"}) as ding, \
            RobotServer(ok={"code": 0}) as feishu:  # fmt: skip
        router = Router([LogChannel(), DingTalkRobot(ding.url("/robot/send")), FeishuBot(feishu.url("/hook"))])
        await Outbox(stack.pool, router, cipher, tz=ZoneInfo("Asia/Shanghai"), public_url=PUBLIC).drain(pid)

    ops = await browserless(team["operations"])
    page = await ops.http.get(f"/notifications?project={pid}")
    assert page.status_code == 200, page.text
    assert page.text.count('class="notice state-') == 3  # log, DingTalk, Feishu: one card each
    assert f"新咨询待评估：项目 {pid}" in page.text
    assert "钉钉" in page.text and "130101" in page.text and "待发送" in page.text and "已发送" in page.text
    failing = await ops.http.get(f"/notifications?project={pid}&state=pending")
    assert failing.text.count('class="notice state-') == 1 and "钉钉" in failing.text
    english = await ops.http.get(f"/notifications?project={pid}&lang=en")
    assert "Notification log" in english.text and "DingTalk" in english.text
    later = await ops.http.get(f"/notifications?project={pid}&offset=30")
    assert later.status_code == 200 and 'class="notice state-' not in later.text

    for role in ("agent", "dept_head", "auditor", "customer"):
        other = await browserless(team[role])
        refused = await other.http.get("/notifications")
        assert refused.status_code == 403 and "130101" not in refused.text
