"""Acting from the message (issue 17): the DingTalk ActionCard's buttons open a confirmation
page for exactly that action, for the addressee only; approving takes one press, rejecting
needs a reason; a link works once. A rejection without a reason is 422 in the API too."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from activities.channels import Router
from activities.channels.dingtalk import DingTalkRobot
from activities.channels.log import LogChannel
from activities.outbox import Outbox
from store.contacts import set_contact
from tests.channels.robots import RobotServer
from tests.channels.test_delivery import PUBLIC, assess, new_project
from tests.e2e.bad_input_data import PLAN
from tests.web.conftest import csrf_of


async def buttons(stack, cipher, pid: str) -> dict[str, str]:
    """What the group robot received for the project's newest approval: button title → path."""
    async with RobotServer() as robot:
        box = Outbox(stack.pool, Router([LogChannel(), DingTalkRobot(robot.url("/robot/send"))]), cipher,
                     tz=ZoneInfo("Asia/Shanghai"), public_url=PUBLIC)  # fmt: skip
        await box.drain(pid)
    [card] = [r.body["actionCard"] for r in robot.requests if r.body["msgtype"] == "actionCard"]
    return {b["title"]: b["actionURL"].removeprefix(PUBLIC) for b in card["btns"]} | {"_text": card["text"]}


async def stage(stack, pid: str) -> str:
    return await stack.pool.fetchval("SELECT stage FROM projects WHERE id = $1", pid)


async def test_a_dept_head_approves_from_the_action_card_and_nobody_else_can(stack, cipher, browserless):
    team = await stack.team()
    head = team["dept_head"]
    await set_contact(stack.pool, head.id, cipher, mobile="13900005555", email=None, channels=["dingtalk"], lang="zh")
    pid = await new_project(stack, team)
    await assess(stack, team, pid)
    card = await buttons(stack, cipher, pid)
    assert "**预算**：1,000元" in card["_text"] and "**业务人员**" in card["_text"] and "（周" in card["_text"]
    approve, reject = card["批准"], card["驳回"]
    assert approve.startswith("/act/") and approve != reject and card["在工作台中打开"] == f"/projects/{pid}"
    # Stored hashed: the token itself is nowhere in the records.
    token = approve.removeprefix("/act/")
    assert not await stack.pool.fetchval("SELECT count(*) FROM action_links WHERE encode(token_hash, 'escape') "
                                         "LIKE '%' || $1 || '%'", token)  # fmt: skip

    stranger = await browserless()
    first = await stranger.http.get(approve)
    assert first.status_code == 303 and first.headers["location"] == f"/signin?next={approve}"  # sign in first

    # Another head saw the group post: the link is not theirs, and posting it decides nothing.
    other = await browserless(await stack.person("dept_head", head.department))
    refused = await other.http.get(approve)
    assert refused.status_code == 403 and head.name in refused.text
    own_page = await other.http.get("/")
    posted = await other.http.post(approve, data={"csrf": csrf_of(own_page.text)})
    assert posted.status_code == 403 and await stage(stack, pid) == "initiation_approval"

    mine = await browserless(head)
    page = await mine.http.get(approve)
    assert page.status_code == 200 and "确认批准：立项审批" in page.text
    for fact in ("预算", "1,000元", "风险等级", "低", "业务人员", team["agent"].name, "截止时间", "（周"):
        assert fact in page.text, fact
    done = await mine.http.post(approve, data={"csrf": csrf_of(page.text)})  # one press
    assert done.status_code == 200 and "已批准" in done.text
    assert await stage(stack, pid) == "planning"
    for spent in (approve, reject):  # used once: the notification's other link is spent with it
        again = await mine.http.get(spent)
        assert again.status_code == 410 and "链接已失效" in again.text


async def test_rejecting_from_a_message_needs_a_reason(stack, cipher, browserless):
    team = await stack.team()
    head, agent = team["dept_head"], team["agent"]
    await set_contact(stack.pool, head.id, cipher, mobile=None, email=None, channels=["dingtalk"], lang="en")
    pid = await new_project(stack, team)
    await assess(stack, team, pid)
    await buttons(stack, cipher, pid)  # the initiation's card, decided below in the API
    r = await stack.http.post(f"/v1/projects/{pid}/decisions", headers=head.headers,
                              json={"gate": "initiation", "decision": "approve"})  # fmt: skip
    assert r.status_code == 200, r.text
    r = await stack.http.post(f"/v1/projects/{pid}/plan", headers=agent.headers, json=PLAN)
    assert r.status_code == 200, r.text
    card = await buttons(stack, cipher, pid)
    assert "Reject" not in card and "驳回" in card  # the group reads the company's language, not the head's
    reject = card["驳回"]

    mine = await browserless(head)
    page = await mine.http.get(reject + "?lang=zh")
    assert page.status_code == 200 and "确认驳回：方案审批" in page.text and "required" in page.text
    empty = await mine.http.post(reject, data={"csrf": csrf_of(page.text), "comment": "   "})
    assert empty.status_code == 422 and "驳回须写明理由" in empty.text
    assert await stage(stack, pid) == "plan_approval"  # nothing was sent

    # The API says the same: a rejection without a reason is 422 and changes nothing.
    bare = await stack.http.post(f"/v1/projects/{pid}/decisions", headers=head.headers,
                                 json={"gate": "plan", "decision": "reject", "comment": " "})  # fmt: skip
    assert bare.status_code == 422 and bare.json()["error"]["code"] == "invalid", bare.text
    assert "reason" in bare.json()["error"]["message"]
    assert await stage(stack, pid) == "plan_approval"

    done = await mine.http.post(reject, data={"csrf": csrf_of(empty.text), "comment": "里程碑日期太紧"})
    assert done.status_code == 200 and "已驳回" in done.text
    assert await stage(stack, pid) == "planning"
    comment = await stack.pool.fetchval("SELECT comment FROM events WHERE project_id = $1 AND kind = 'decision' "
                                        "ORDER BY seq DESC LIMIT 1", pid)  # fmt: skip
    assert comment == "里程碑日期太紧"


async def test_the_project_page_and_inbox_refuse_a_rejection_without_a_reason(stack, browserless):
    team = await stack.team()
    pid = await new_project(stack, team)
    await assess(stack, team, pid)
    head = await browserless(team["dept_head"])
    for path in (f"/projects/{pid}", "/"):  # said before sending: the reason is required, approving skips it
        page = await head.http.get(path)
        assert 'name="comment" maxlength="10000" rows="2" required' in page.text, path
        assert 'value="approve" class="approve" formnovalidate' in page.text and "驳回须写明理由" in page.text
    sent = await head.submit(f"/projects/{pid}", f"/projects/{pid}/actions/decision",
                             {"gate": "initiation", "decision": "reject", "comment": ""})  # a browser without checks
    assert sent.status_code == 422 and 'data-field="comment"' in sent.text
    assert await stage(stack, pid) == "initiation_approval"
