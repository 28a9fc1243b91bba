"""The chat robots' documented formats and signatures, checked by a local endpoint."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pytest

from activities.channels import Button, ChannelError, Recipient, RenderedMessage, Router
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


async def test_wecom_posts_once_a_text_that_mentions_by_mobile():
    async with RobotServer() as robot:
        await WeComRobot(robot.url("/cgi-bin/webhook/send?key=k1")).send(message())
    [only] = robot.requests  # one post per notification: no markdown followed by a text
    assert only.path == "/cgi-bin/webhook/send" and only.query == {"key": "k1"}
    assert only.body["msgtype"] == "text" and only.body["text"]["mentioned_mobile_list"] == ["13800001111"]
    content = only.body["text"]["content"]
    assert content.startswith("【进度】待您处理：立项审批（项目 flat-001）\n立项审批 flat-001")
    assert content.endswith(f"在工作台中打开：{LINK}") and len(content.encode()) <= 2048


def decision(**changes) -> RenderedMessage:
    facts = [("审批事项", "立项审批"), ("客户需求", "租三居室"), ("预算", "250万元"), ("风险等级", "高"),
             ("业务人员", "王芳"), ("截止时间", "2026-12-03（周四）18:00")]
    buttons = [Button(label="批准", url="http://jindu.test/act/a", style="primary"),
               Button(label="驳回", url="http://jindu.test/act/r", style="danger"),
               Button(label="在工作台中打开", url=LINK)]
    return message(facts=facts, buttons=buttons, **changes)


async def test_a_decision_is_a_dingtalk_action_card_a_wecom_template_card_and_feishu_buttons():
    async with RobotServer() as ding, RobotServer() as wecom, RobotServer(ok={"code": 0}) as feishu:
        await DingTalkRobot(ding.url("/robot/send?access_token=t")).send(decision())
        await WeComRobot(wecom.url("/send?key=k")).send(decision())
        await FeishuBot(feishu.url("/hook")).send(decision())
    [card] = [r.body for r in ding.requests]
    assert card["msgtype"] == "actionCard"
    assert [(b["title"], b["actionURL"]) for b in card["actionCard"]["btns"]] == [
        ("批准", "http://jindu.test/act/a"), ("驳回", "http://jindu.test/act/r"), ("在工作台中打开", LINK)]
    assert card["actionCard"]["text"] == message().markdown + "\n\n请 李强 处理"  # a card cannot @mention
    [post] = [r.body for r in wecom.requests]
    assert post["msgtype"] == "template_card"
    tc = post["template_card"]
    assert tc["card_type"] == "text_notice" and tc["card_action"] == {"type": 1, "url": LINK}
    assert [j["url"] for j in tc["jump_list"]] == ["http://jindu.test/act/a", "http://jindu.test/act/r", LINK]
    assert {"keyname": "预算", "value": "250万元"} in tc["horizontal_content_list"]
    assert len(tc["horizontal_content_list"]) == 6 and len(tc["main_title"]["title"]) <= 26
    [bot] = [r.body for r in feishu.requests]
    actions = bot["card"]["elements"][1]["actions"]
    assert [(a["text"]["content"], a["type"]) for a in actions] == [("批准", "primary"), ("驳回", "danger"),
                                                                    ("在工作台中打开", "default")]


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
