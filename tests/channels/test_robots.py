"""The chat robots' documented formats and signatures, checked by a local endpoint."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pytest

from activities.channels import ChannelError, Recipient, RenderedMessage, Router
from activities.channels.dingtalk import DingTalkRobot
from activities.channels.feishu import FeishuBot
from activities.channels.wecom import WeComRobot
from tests.channels.robots import RobotServer

LINK = "http://127.0.0.1:8000/projects/flat-001"


def message(**changes) -> RenderedMessage:
    base = RenderedMessage(
        key="flat-001:7", project_id="flat-001", kind="assigned", subject="【进度】待您处理：立项审批（项目 flat-001）",
        markdown="**立项审批**\n> 项目：flat-001\n> 截止：2026-12-03 18:00", text="立项审批 flat-001", link=LINK,
        recipients=[Recipient(user_id="u1", name="李强", role="dept_head", mobile="13800001111",
                              email="li@example.com")],
    )
    return base.model_copy(update=changes)


async def test_wecom_markdown_then_a_text_that_mentions_by_mobile():
    async with RobotServer() as robot:
        await WeComRobot(robot.url("/cgi-bin/webhook/send?key=k1")).send(message())
    first, second = robot.requests
    assert first.path == "/cgi-bin/webhook/send" and first.query == {"key": "k1"}
    assert first.body["msgtype"] == "markdown" and set(first.body) == {"msgtype", "markdown"}
    content = first.body["markdown"]["content"]
    assert "**立项审批**" in content and f"[在工作台中打开]({LINK})" in content
    assert len(content.encode()) <= 4096
    assert second.body == {
        "msgtype": "text",
        "text": {
            "content": "李强，请处理：【进度】待您处理：立项审批（项目 flat-001）",
            "mentioned_mobile_list": ["13800001111"],
        },
    }


async def test_wecom_keeps_markdown_within_4096_bytes_and_skips_mentions_without_mobiles():
    long = message(markdown="长" * 3000, recipients=[Recipient(name="王芳", role="agent")])
    async with RobotServer() as robot:
        await WeComRobot(robot.url("/send")).send(long)
    [only] = robot.requests
    assert len(only.body["markdown"]["content"].encode()) <= 4096


async def test_dingtalk_signs_with_the_secret_and_mentions_by_mobile():
    secret = "SEC0123456789abcdef"
    async with RobotServer() as robot:
        await DingTalkRobot(robot.url("/robot/send?access_token=tok"), secret).send(message())
    [got] = robot.requests
    ts = got.query["timestamp"]
    assert abs(int(ts) - time.time() * 1000) < 3_600_000
    expected = base64.b64encode(hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest())
    assert got.query["sign"] == expected.decode()  # the query decoding undid the URL encoding
    assert got.query["access_token"] == "tok"
    assert got.body["msgtype"] == "markdown"
    assert got.body["markdown"]["title"] == message().subject
    assert got.body["markdown"]["text"].endswith("@13800001111") and LINK in got.body["markdown"]["text"]
    assert got.body["at"] == {"atMobiles": ["13800001111"], "isAtAll": False}


async def test_feishu_signs_the_body_and_mentions_by_email():
    secret = "feishu-secret"
    async with RobotServer(ok={"code": 0, "msg": "success"}) as robot:
        await FeishuBot(robot.url("/open-apis/bot/v2/hook/abc"), secret).send(message())
    [got] = robot.requests
    ts = got.body["timestamp"]
    assert abs(int(ts) - time.time()) < 3600
    key = f"{ts}\n{secret}".encode()
    assert got.body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert got.body["msg_type"] == "interactive"
    card = got.body["card"]
    assert card["header"]["title"]["content"] == message().subject
    assert "<at email=li@example.com></at>" in card["elements"][0]["text"]["content"]
    assert card["elements"][1]["actions"][0]["url"] == LINK


@pytest.mark.parametrize("robot_class, failure", [
    (WeComRobot, {"errcode": 93000, "errmsg": "invalid webhook url"}),
    (DingTalkRobot, {"errcode": 310000, "errmsg": "sign not match"}),
    (FeishuBot, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"}),
])
async def test_a_200_with_a_nonzero_error_code_is_a_failure(robot_class, failure):
    ok = {"code": 0} if robot_class is FeishuBot else None
    async with RobotServer(ok=ok) as robot:
        robot.answers.append(failure)
        channel = robot_class(robot.url("/hook"))
        with pytest.raises(ChannelError) as raised:
            await channel.send(message(recipients=[]))
        assert str(next(iter(failure.values()))) in str(raised.value)
        await channel.send(message(recipients=[]))  # the retry goes through


def test_routing_staff_to_their_channels_and_customers_only_to_what_they_gave():
    wecom, ding = WeComRobot("http://x"), DingTalkRobot("http://y")
    from activities.channels.log import LogChannel
    from activities.channels.smtp import SmtpMail

    mail = SmtpMail("127.0.0.1", sender="jindu@example.com")
    router = Router([LogChannel(), wecom, ding, mail])
    staff = Recipient(user_id="s", name="王芳", role="agent", mobile="1380", email="w@example.com")
    picky = Recipient(user_id="p", name="李强", role="dept_head", email="l@example.com", channels=["email"])
    customer = Recipient(user_id="c", name="陈杰", role="customer", email="c@example.com", channels=["wecom", "email"])
    silent = Recipient(user_id="q", name="赵敏", role="customer", email="z@example.com")
    plan = router.plan(message(recipients=[staff, picky, customer, silent]))
    got = {d.key: [r.name for r in d.message.recipients] for d in plan}
    assert got == {"log": ["王芳", "李强", "陈杰", "赵敏"], "wecom": ["王芳"], "dingtalk": ["王芳"],
                   "email:p": ["李强"], "email:c": ["陈杰"]}
