"""Revisits for customer service 客服 (issue 14), over HTTP and in pages: with `revisit.assignee`
customer_service in the worker's policy, an open revisit is in the inbox of customer service
of the project's department (GET /v1/tasks, kind `revisit`, with its due_at; the workspace's
inbox links it), not in the agent's; customer service record it (the API, or the revisit
page's form), the agent may not (403 with the JSON error, nothing changed), and the rating
counts for the project's agent.

The project is a completed one's read model; its RevisitWorkflow is started here as the
project's would be, on a worker with that policy, with a completion far enough back for the
task to have opened (the deadline still ahead)."""

from __future__ import annotations

import asyncio
import uuid
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from domain.calendar import calendar_for
from domain.commands import Command
from domain.models import Actor, Role, Stage
from domain.policy import ProjectPolicy, RevisitPolicy
from domain.service_models import RevisitStart
from jindu.holidays import official_dates
from tests.e2e.test_rejections_over_http import assert_error
from tests.fixtures_db import insert_read_model, new_project_id, project_state
from tests.fixtures_stack import history_size
from tests.web.helpers import call
from worker import build_worker
from workflows.revisit import RevisitWorkflow

POLICY = ProjectPolicy(revisit=RevisitPolicy(assignee="customer_service"))


def completed_before_its_opening(now: datetime) -> datetime:
    """The latest day back from `now` whose revisit (3 working days on) opened a day ago or more."""
    cal = calendar_for(POLICY.calendar, official_dates(now.year))
    completed = now - timedelta(days=1)
    while cal.add_working_days(completed, POLICY.revisit.after_working_days) > now - timedelta(days=1):
        completed -= timedelta(days=1)
    return completed


@asynccontextmanager
async def open_revisit(stack, team):  # type: ignore[no-untyped-def]
    """A completed project of the team's department and its revisit, open for customer service."""
    agent = team["agent"]
    pid = new_project_id()
    completed = completed_before_its_opening(datetime.now(UTC))
    owner = Actor(user_id=agent.id, name=agent.name, role=Role.agent, department=agent.department)
    await insert_read_model(stack.pool, project_state(pid, stage=Stage.completed, agent=owner, completed_at=completed,
                                                      pending=None))  # fmt: skip
    queue = f"revisit-cs-{uuid.uuid4().hex[:6]}"
    async with build_worker(stack.client, pool=stack.pool, task_queue=queue, policy=POLICY):
        start = RevisitStart(project_id=pid, department=agent.department, agent=owner, completed_at=completed)
        handle = await stack.client.start_workflow(RevisitWorkflow.run, start, id=f"revisit-{pid}", task_queue=queue)
        try:
            for _ in range(100):
                if await stack.pool.fetchval("SELECT status FROM revisits WHERE project_id = $1", pid) == "open":
                    break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError(f"the revisit of {pid} did not open")
            await handle.execute_update(RevisitWorkflow.sync, Command(actor=owner))  # its opening is all recorded
            yield pid, handle
        finally:
            try:
                await handle.terminate("test over")
            except Exception:  # noqa: BLE001 - it ended by itself
                pass


async def snapshot(stack, pid: str, handle) -> tuple:  # type: ignore[no-untyped-def]
    async with stack.pool.acquire() as db:
        events = await db.fetchval("SELECT count(*) FROM revisit_events WHERE project_id = $1", pid)
        row = await db.fetchrow("SELECT status, seq, rating, done_by_id FROM revisits WHERE project_id = $1", pid)
    return events, tuple(row), await history_size(handle)


async def test_customer_service_find_the_revisit_in_their_inbox_and_record_it_the_agent_may_not(stack):
    team = await stack.team()
    agent = team["agent"]
    service = await stack.person("customer_service", agent.department)
    elsewhere = await stack.person("customer_service", f"dept-{uuid.uuid4().hex[:6]}")
    async with open_revisit(stack, team) as (pid, handle):
        p = f"/v1/projects/{pid}"
        revisit = await call(stack, "GET", f"{p}/revisit", team["dept_head"])
        assert (revisit["status"], revisit["assignee_role"], revisit["assignee_user_id"]) == (
            "open", "customer_service", None)
        assert revisit["agent_id"] == agent.id and revisit["due_at"]
        items = [i for i in (await call(stack, "GET", "/v1/tasks", service))["items"] if i["id"] == f"revisit-{pid}"]
        assert [(i["kind"], i["project_id"]) for i in items] == [("revisit", pid)]
        assert datetime.fromisoformat(items[0]["due_at"]) == datetime.fromisoformat(revisit["due_at"])
        assert datetime.fromisoformat(revisit["due_at"]) > datetime.now(UTC)
        for other in (agent, elsewhere):
            assert f"revisit-{pid}" not in [i["id"] for i in (await call(stack, "GET", "/v1/tasks", other))["items"]]

        body = {"rating": 2, "comments": "交房慢", "suggestions": ["签约当天交钥匙"]}
        before = await snapshot(stack, pid, handle)
        for who in (agent, elsewhere):
            r = await stack.http.post(f"{p}/revisit", json=body, headers={**who.headers, "Idempotency-Key": "k1"})
            assert_error(r, 403, "forbidden")
        assert await snapshot(stack, pid, handle) == before

        done = await call(stack, "POST", f"{p}/revisit", service, body)
        assert (done["status"], done["rating"], done["done_by_id"]) == ("done", 2, service.id)
        assert [s["text"] for s in done["suggestions"]] == ["签约当天交钥匙"]
        async with stack.pool.acquire() as db:
            rated = await db.fetchrow("SELECT agent_id, department FROM ratings WHERE project_id = $1 "
                                      "AND source = 'revisit'", pid)  # fmt: skip
            assert dict(rated) == {"agent_id": agent.id, "department": agent.department}
            warned = await db.fetchval("SELECT agent_id FROM warnings WHERE project_id = $1 "
                                       "AND source = 'revisit'", pid)  # fmt: skip
            assert warned == agent.id
        assert f"revisit-{pid}" not in [i["id"] for i in (await call(stack, "GET", "/v1/tasks", service))["items"]]
        r = await stack.http.post(f"{p}/revisit", json=body, headers=service.headers)
        assert_error(r, 409, "already_decided")


async def test_customer_service_record_the_revisit_in_its_page(stack, browserless):
    team = await stack.team()
    service = await stack.person("customer_service", team["agent"].department)
    async with open_revisit(stack, team) as (pid, _):
        cs, agent = await browserless(service), await browserless(team["agent"])
        inbox = await cs.http.get("/")
        assert f'href="/projects/{pid}/revisit"' in inbox.text
        assert f'href="/projects/{pid}/revisit"' not in (await agent.http.get("/")).text
        assert 'id="form-revisit"' not in (await agent.http.get(f"/projects/{pid}/revisit")).text
        page = await cs.http.get(f"/projects/{pid}/revisit")
        assert page.status_code == 200 and 'id="form-revisit"' in page.text
        r = await cs.submit(f"/projects/{pid}/revisit", f"/projects/{pid}/revisit", {
            "rating": "5", "comments": "很满意", "suggestions": ""})  # fmt: skip
        assert r.status_code == 303, r.text
        page = await cs.http.get(r.headers["location"])
        assert "回访已记录。" in page.text and "很满意" in page.text and 'id="form-revisit"' not in page.text
