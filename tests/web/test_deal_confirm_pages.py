"""A project's deal 成交 in the workspace beyond the customer card (issue 14): the project page
shows it and takes the agent's 登记成交 and the dept head's 确认成交, the inbox item confirms it
in one press and is gone, an agent's forged confirmation is refused with nothing changed, and
the follow-up form's hint says the policy's SLA `visit_registration`. The real app, worker,
Temporal and PostgreSQL; every outcome read back from PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from api.app import create_app
from domain.policy import ProjectPolicy, SlaPolicy
from domain.sla import Duration
from jindu.settings import Settings
from jindu.wording import duration
from store.sessions import issue_signin_link
from tests.fixtures_stack import STACK_TASK_QUEUE
from tests.web.conftest import Visitor
from tests.web.helpers import call, customer_project_in_execution, soon
from tests.web.test_customer_records_forms import customer

CONFIRMED_BY = "SELECT confirmed_by FROM deals WHERE project_id = $1"
DEAL = {"deal_date": soon(0), "value": "1000000", "commission": "20000"}


async def awaiting_deal(stack, team) -> str:
    """A customer's project in execution whose deal the agent recorded over the API."""
    agent = team["agent"]
    project = await customer_project_in_execution(stack, team, await customer(stack, agent))
    await call(stack, "POST", f"/v1/projects/{project}/deal", agent,
               {**DEAL, "split": [{"agent": agent.name, "share": "100"}]}, 201)  # fmt: skip
    return project


async def test_the_agent_records_and_the_dept_head_confirms_on_the_project_page(stack, browserless):
    team = await stack.team()
    agent, head = team["agent"], team["dept_head"]
    project = await customer_project_in_execution(stack, team, await customer(stack, agent))
    page = f"/projects/{project}"
    a, h = await browserless(agent), await browserless(head)
    shown = (await a.http.get(page)).text
    assert 'id="form-deal"' in shown and f'action="/projects/{project}/deal"' in shown  # the card's fields
    assert 'data-deal="none"' in shown and 'id="deal-split-0-agent"' in shown
    assert 'id="deal"' not in (await h.http.get(page)).text  # no deal yet: nothing for the head

    fields = {**DEAL, "split.0.agent": agent.name, "split.0.share": "100"}
    unconfirmed = await a.submit(page, f"{page}/deal", fields)
    assert unconfirmed.status_code == 422 and 'id="deal-confirm-error"' in unconfirmed.text
    assert await stack.pool.fetchval("SELECT count(*) FROM deals WHERE project_id = $1", project) == 0
    r = await a.submit(page, f"{page}/deal", {**fields, "confirm": "yes"})
    assert r.status_code == 303 and r.headers["location"] == f"{page}?done=deal#deal", r.text[:3000]
    recorded = (await a.http.get(f"{page}?done=deal")).text
    assert "成交已登记，等待部门负责人确认。" in recorded and 'data-deal="awaiting"' in recorded
    assert "¥100万" in recorded and "¥2万" in recorded and f"{agent.name} 100%" in recorded
    assert "待部门负责人确认，截止" in recorded and 'id="form-deal"' not in recorded
    assert "/deal/confirm" not in recorded  # the agent is not offered the confirmation

    waiting = (await h.http.get(page)).text
    due = await stack.pool.fetchval("SELECT due_at FROM deals WHERE project_id = $1", project)
    assert due is not None and "待部门负责人确认，截止" in waiting
    assert f'action="/projects/{project}/deal/confirm"' in waiting
    r = await h.submit(page, f"{page}/deal/confirm", {})
    assert r.status_code == 303 and r.headers["location"] == f"{page}?done=confirm_deal", r.text[:3000]
    assert await stack.pool.fetchval(CONFIRMED_BY, project) == head.id
    done = (await h.http.get(f"{page}?done=confirm_deal")).text
    assert "成交已确认，计入业绩。" in done and 'data-deal="confirmed"' in done and "已由部门负责人确认" in done
    assert "/deal/confirm" not in done and 'data-kind="deal_confirmed"' in done  # its step in the history

    again = await h.submit(page, f"{page}/deal/confirm", {})  # a stale form sent once more
    assert again.status_code == 409 and 'class="problem"' in again.text
    assert "此事项已经处理过了" in again.text and "此成交已经确认。" in again.text  # the catalogue's words
    english = await h.submit(f"{page}?lang=en", f"{page}/deal/confirm", {})
    assert english.status_code == 409 and "The deal is already confirmed." in english.text
    assert "Confirmed by the dept head" in english.text


async def test_the_dept_head_confirms_from_the_inbox_and_the_item_is_gone(stack, browserless):
    team = await stack.team()
    project = await awaiting_deal(stack, team)
    h = await browserless(team["dept_head"])
    item = f'data-kind="deal" data-project="{project}"'
    button = f'data-confirm-deal="{project}"'
    inbox = (await h.http.get("/")).text
    assert item in inbox and button in inbox and f'action="/projects/{project}/deal/confirm"' in inbox
    # what is confirmed is on the item: its date, value and commission (as the API's context says)
    figures = inbox.split(f'data-deal-figures="{project}"', 1)[1].split("</dl>", 1)[0]
    assert DEAL["deal_date"] in figures and "¥100万" in figures and "¥2万" in figures
    context = await call(stack, "GET", "/v1/tasks/context", team["dept_head"])
    assert context["projects"][project]["deal"] == {"deal_date": DEAL["deal_date"], "value": "1000000.00",
                                                    "commission": "20000.00"}  # fmt: skip
    agents = await call(stack, "GET", "/v1/tasks/context", team["agent"])  # the agent's items: no deal figures
    assert all(c.get("deal") is None for c in agents["projects"].values())
    r = await h.submit("/", f"/projects/{project}/deal/confirm", {"next": "/"})
    assert r.status_code == 303 and r.headers["location"] == "/?done=confirm_deal", r.text[:3000]
    assert await stack.pool.fetchval(CONFIRMED_BY, project) == team["dept_head"].id
    after = (await h.http.get("/?done=confirm_deal")).text
    assert "成交已确认，计入业绩。" in after and item not in after and button not in after


async def test_an_agent_sees_no_confirmation_and_a_forged_one_changes_nothing(stack, browserless):
    team = await stack.team()
    project = await awaiting_deal(stack, team)
    page = f"/projects/{project}"
    a = await browserless(team["agent"])
    shown = (await a.http.get(page)).text
    assert 'data-deal="awaiting"' in shown and "/deal/confirm" not in shown
    assert f'data-confirm-deal="{project}"' not in (await a.http.get("/")).text
    forged = await a.submit(page, f"{page}/deal/confirm", {"next": "/"})
    assert forged.status_code == 403 and 'class="problem"' in forged.text
    assert "您的角色无权执行此操作" in forged.text and "您的角色是" in forged.text
    row = await stack.pool.fetchrow("SELECT confirmed_at, confirmed_by FROM deals WHERE project_id = $1", project)
    assert (row["confirmed_at"], row["confirmed_by"]) == (None, None)
    state = await stack.client.get_workflow_handle(f"deal-{project}").describe()
    assert state.status is not None and state.status.name == "RUNNING"  # still awaits its dept head
    h = await browserless(team["dept_head"])
    assert f'data-confirm-deal="{project}"' in (await h.http.get("/")).text


async def test_the_follow_up_hint_says_the_policys_visit_registration(stack, browserless, cipher):
    agent = (await stack.team())["agent"]
    cid = await customer(stack, agent)
    default = (await (await browserless(agent)).http.get(f"/customers/{cid}")).text
    assert "拜访须在 30 分钟内登记" in default

    policy = ProjectPolicy(slas={"visit_registration": {"working_hours": 2}})
    app = create_app(Settings(task_queue=STACK_TASK_QUEUE), client=stack.client, pool=stack.pool, cipher=cipher,
                     policy=policy)  # fmt: skip
    v = Visitor(app)
    try:
        r = await v.sign_in_with_code(await issue_signin_link(stack.pool, agent.id, timedelta(hours=1)))
        assert r.status_code == 303, r.text
        card = (await v.http.get(f"/customers/{cid}")).text
        assert "拜访须在 2 个工作小时内登记" in card and "30 分钟" not in card
        english = (await v.http.get(f"/customers/{cid}?lang=en")).text
        assert "A visit is entered within 2 working hours" in english
    finally:
        await v.close()


def test_an_sla_length_in_the_policys_unit():
    assert duration(Duration(minutes=30)) == "30 分钟"
    assert duration(SlaPolicy(working_hours=2)) == "2 个工作小时"  # working_days stays 0 beside it
    assert duration(SlaPolicy(working_days=3)) == "3 个工作日"
    assert duration(SlaPolicy(working_hours=1), "en") == "1 working hour"
    assert duration(SlaPolicy(minutes=45), "en") == "45 minutes"
