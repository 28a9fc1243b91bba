"""Personal messages through each platform's application messaging (issue 17): DingTalk
工作通知, WeCom 应用消息 and Feishu bot messages, in their documented formats, against a local
endpoint: the app's token is fetched once and again when refused, the person's account is found
by their mobile (or e-mail), and a decision comes with its buttons."""

from __future__ import annotations

import json

from activities.channels import Button, Recipient, RenderedMessage, Router, build_router
from activities.channels.dingtalk import DingTalkRobot
from activities.channels.dingtalk_app import DingTalkWorkNotice
from activities.channels.feishu_app import FeishuBotMessage
from activities.channels.log import LogChannel
from activities.channels.wecom_app import WeComAppMessage
from jindu.settings import Settings
from tests.channels.platforms import PlatformServer

LINK = "http://jindu.test/projects/flat-001"
HEAD = Recipient(user_id="u1", name="李强", role="dept_head", mobile="13800001111", email="li@example.com")
BUTTONS = [Button(label="批准", url="http://jindu.test/act/a", style="primary"),
           Button(label="驳回", url="http://jindu.test/act/r", style="danger"),
           Button(label="在工作台中打开", url=LINK)]


def message(**changes) -> RenderedMessage:
    base = RenderedMessage(key="flat-001:5", project_id="flat-001", kind="assigned",
                           subject="待审批：项目 flat-001 立项审批", markdown="**待审批**",
                           text="项目 flat-001 的立项审批等待您审批。", link=LINK,
                           recipients=[HEAD], facts=[("预算", "250万元")], buttons=BUTTONS)  # fmt: skip
    return base.model_copy(update=changes)


async def test_a_dingtalk_work_notice_is_an_action_card_to_the_person_found_by_mobile():
    tokens = iter(["t1", "t2"])
    refuse = [False]

    def send(call):
        if refuse[0]:
            refuse[0] = False
            return {"errcode": 42001, "errmsg": "access_token expired"}
        return {"errcode": 0, "task_id": 1}

    async with PlatformServer() as api:
        api.routes = {"/gettoken": lambda c: {"errcode": 0, "access_token": next(tokens), "expires_in": 7200},
                      "/topapi/v2/user/getbymobile": lambda c: {"errcode": 0, "result": {"userid": "ding-li"}},
                      "/topapi/message/corpconversation/asyncsend_v2": send}  # fmt: skip
        notice = DingTalkWorkNotice(api.url, "key", "secret", "8001")
        await notice.send(message())
        await notice.send(message(buttons=[Button(label="在工作台中打开", url=LINK)]))
        refuse[0] = True
        try:
            await notice.send(message())
        except Exception as err:  # the token expired early: this send fails, the next fetches a new token
            assert "42001" in str(err)
        await notice.send(message())
    assert api.paths().count("/gettoken") == 2 and api.paths().count("/topapi/v2/user/getbymobile") == 1
    assert api.calls[0].query == {"appkey": "key", "appsecret": "secret"}
    assert api.calls[1].body == {"mobile": "13800001111"}
    sent = [c.body for c in api.calls if c.path.endswith("asyncsend_v2")]
    assert sent[0]["agent_id"] == "8001" and sent[0]["userid_list"] == "ding-li"
    card = sent[0]["msg"]["action_card"]
    assert sent[0]["msg"]["msgtype"] == "action_card" and card["title"] == "待审批：项目 flat-001 立项审批"
    assert [(b["title"], b["action_url"]) for b in card["btn_json_list"]] == [(b.label, b.url) for b in BUTTONS]
    assert sent[1]["msg"]["action_card"]["single_url"] == LINK and "btn_json_list" not in sent[1]["msg"]["action_card"]
    assert [c.query["access_token"] for c in api.calls if c.path.endswith("asyncsend_v2")] == ["t1"] * 3 + ["t2"]


async def test_a_wecom_app_message_is_a_template_card_or_a_textcard():
    async with PlatformServer() as api:
        api.routes = {"/cgi-bin/gettoken": lambda c: {"errcode": 0, "access_token": "w1", "expires_in": 7200},
                      "/cgi-bin/user/getuserid": lambda c: {"errcode": 0, "userid": "wx-li"},
                      "/cgi-bin/message/send": lambda c: {"errcode": 0, "errmsg": "ok"}}  # fmt: skip
        app = WeComAppMessage(api.url, "corp", "secret", "1000002")
        await app.send(message())
        await app.send(message(buttons=[]))
    assert api.calls[0].query == {"corpid": "corp", "corpsecret": "secret"}
    decision, plain = [c.body for c in api.calls if c.path == "/cgi-bin/message/send"]
    assert decision["touser"] == "wx-li" and decision["agentid"] == "1000002" and decision["msgtype"] == "template_card"
    assert [j["url"] for j in decision["template_card"]["jump_list"]] == [b.url for b in BUTTONS]
    assert plain["msgtype"] == "textcard" and plain["textcard"]["url"] == LINK


async def test_a_feishu_bot_message_is_a_card_sent_to_the_open_id_found_by_mobile():
    async with PlatformServer() as api:
        api.routes = {
            "/open-apis/auth/v3/tenant_access_token/internal": lambda c: {"code": 0, "tenant_access_token": "f1",
                                                                          "expire": 7200},
            "/open-apis/contact/v3/users/batch_get_id": lambda c: {"code": 0, "data": {"user_list": [
                {"mobile": "13800001111", "user_id": "ou_li"}]}},
            "/open-apis/im/v1/messages": lambda c: {"code": 0, "msg": "success"}}  # fmt: skip
        await FeishuBotMessage(api.url, "cli_a", "sec").send(message())
    token, lookup, sent = api.calls
    assert token.body == {"app_id": "cli_a", "app_secret": "sec"}
    assert lookup.body == {"mobiles": ["13800001111"]} and lookup.headers["authorization"] == "Bearer f1"
    assert sent.query == {"receive_id_type": "open_id"} and sent.body["receive_id"] == "ou_li"
    card = json.loads(sent.body["content"])
    assert sent.body["msg_type"] == "interactive" and "<at" not in json.dumps(card, ensure_ascii=False)
    assert [a["url"] for a in card["elements"][1]["actions"]] == [b.url for b in BUTTONS]


def test_staff_get_app_messages_besides_group_robots_and_customers_never():
    app = DingTalkWorkNotice("http://x", "k", "s", "1")
    router = Router([LogChannel(), DingTalkRobot("http://y"), app])
    customer = Recipient(user_id="c", name="陈杰", role="customer", mobile="137", channels=["dingtalk"])
    no_mobile = Recipient(user_id="n", name="赵敏", role="agent")
    plan = router.plan(message(recipients=[HEAD, customer, no_mobile]))
    assert {d.key: [r.name for r in d.message.recipients] for d in plan} == {
        "log": ["李强", "陈杰", "赵敏"], "dingtalk": ["李强", "赵敏"], "dingtalk_app:u1": ["李强"]}
    chose_app = Recipient(user_id="a", name="钱多", role="agent", mobile="139", channels=["dingtalk"])
    assert router.channels_of(chose_app) == ["dingtalk", "dingtalk_app"]  # the platform: its robot and its app


def test_the_apps_are_configured_by_settings():
    settings = Settings(dingtalk_app_key="k", dingtalk_app_secret="s", dingtalk_agent_id="1", wecom_corp_id="c",
                        wecom_app_secret="s", wecom_agent_id="2", feishu_app_id="a", feishu_app_secret="s")
    assert set(build_router(settings).channels) == {"log", "dingtalk_app", "wecom_app", "feishu_app"}
    assert set(build_router(Settings()).channels) == {"log"}
