"""A group post's buttons are bound to the people it names; a personal app message's buttons
to its one reader (issue 17)."""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo

from activities.channels import Router
from activities.channels.dingtalk import DingTalkRobot
from activities.channels.dingtalk_app import DingTalkWorkNotice
from activities.channels.log import LogChannel
from activities.outbox import Outbox
from domain.models import Role
from domain.steps import Notice
from store import action_links, records
from store.contacts import set_contact
from store.users import create_user
from tests.channels.platforms import PlatformServer
from tests.channels.robots import RobotServer


async def test_group_links_serve_the_named_heads_and_personal_links_one_head(pool, cipher):
    dept = f"d-{uuid.uuid4().hex[:6]}"
    heads = []
    for i, mobile in enumerate(("13800000001", "13800000002")):
        head, _ = await create_user(pool, name=f"head{i}-{uuid.uuid4().hex[:4]}", role="dept_head", department=dept)
        await set_contact(pool, head.id, cipher, mobile=mobile, email=None, channels=[], lang="zh")
        heads.append(head)
    pid = f"p-{uuid.uuid4().hex[:8]}"
    async with pool.acquire() as conn:
        await records.enqueue(conn, pid, [Notice(seq=5, kind="assigned", key="notify.assigned.approval",
                                                 to_role=Role.dept_head, department=dept,
                                                 params={"project_id": pid, "gate": "plan"})])  # fmt: skip
    async with RobotServer() as robot, PlatformServer() as api:
        api.routes = {"/gettoken": lambda c: {"errcode": 0, "access_token": "t", "expires_in": 7200},
                      "/topapi/v2/user/getbymobile": lambda c: {"errcode": 0, "result": {"userid": c.body["mobile"]}},
                      "/topapi/message/corpconversation/asyncsend_v2": lambda c: {"errcode": 0}}  # fmt: skip
        router = Router([LogChannel(), DingTalkRobot(robot.url("/robot/send")),
                         DingTalkWorkNotice(api.url, "k", "s", "1")])  # fmt: skip
        await Outbox(pool, router, cipher, tz=ZoneInfo("Asia/Shanghai"), public_url="http://jindu.test").drain(pid)
    [card] = [r.body["actionCard"] for r in robot.requests]
    group = await action_links.find(pool, card["btns"][0]["actionURL"].rsplit("/", 1)[1])
    assert group is not None and sorted(group.user_ids) == sorted(h.id for h in heads)
    personal = {c.body["userid_list"]: c.body["msg"]["action_card"] for c in api.calls if c.path.endswith("_v2")}
    assert set(personal) == {"13800000001", "13800000002"}
    for mobile, head in zip(("13800000001", "13800000002"), heads, strict=True):
        link = await action_links.find(pool, personal[mobile]["btn_json_list"][0]["action_url"].rsplit("/", 1)[1])
        assert link is not None and link.user_ids == [head.id] and link.action == "approve"
    states = await pool.fetch("SELECT delivery, state FROM notification_deliveries WHERE project_id = $1", pid)
    expected = ["log", "dingtalk"] + [f"dingtalk_app:{h.id}" for h in heads]
    assert sorted(r["delivery"] for r in states) == sorted(expected)
    assert {r["state"] for r in states} == {"sent"}
