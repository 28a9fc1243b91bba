"""A sign-in link one asks for reaches one's work app where configured (issue 17): a staff
member with only a mobile on file gets it as a DingTalk 工作通知 (the platform's API stood in
for by a real HTTP endpoint on loopback), never through a group robot."""

from __future__ import annotations

import asyncio
import uuid

import httpx

from api.app import create_app
from domain.policy import ProjectPolicy
from jindu.settings import Settings
from store.contacts import set_contact
from tests.channels.platforms import PlatformServer
from tests.fixtures_stack import STACK_TASK_QUEUE
from tests.web.conftest import csrf_of


async def test_a_link_reaches_a_dingtalk_work_notice(stack, cipher):
    person = await stack.person("agent", "sales")
    mobile = "137" + str(uuid.uuid4().int)[:8]
    await set_contact(stack.pool, person.id, cipher, mobile=mobile, email=None, channels=[], lang="zh")
    async with PlatformServer() as api:
        api.routes = {"/gettoken": lambda c: {"errcode": 0, "access_token": "t1", "expires_in": 7200},
                      "/topapi/v2/user/getbymobile": lambda c: {"errcode": 0, "result": {"userid": "ding-1"}},
                      "/topapi/message/corpconversation/asyncsend_v2": lambda c: {"errcode": 0, "task_id": 1}}
        settings = Settings(task_queue=STACK_TASK_QUEUE, dingtalk_api_url=api.url, dingtalk_app_key="key",
                            dingtalk_app_secret="secret", dingtalk_agent_id="8001")  # fmt: skip
        app = create_app(settings, client=stack.client, pool=stack.pool, cipher=cipher, policy=ProjectPolicy())
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("127.0.0.81", 40000)),
                                     base_url="http://jindu.test") as http:  # fmt: skip
            page = await http.get("/signin")
            answer = await http.post("/signin/request", data={"address": mobile, "csrf": csrf_of(page.text)})
            assert answer.status_code == 200
        for _ in range(100):
            sent = [c.body for c in api.calls if c.path.endswith("asyncsend_v2")]
            if sent:
                break
            await asyncio.sleep(0.05)
    assert sent and sent[0]["userid_list"] == "ding-1"
    assert "/signin/link?code=" in str(sent[0]["msg"])
