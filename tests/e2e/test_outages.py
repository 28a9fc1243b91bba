"""Outages answer 503, never 500 (issue 6): with PostgreSQL stopped an action is 503
`unavailable` with `Retry-After`, saying whether it may have been applied; with Temporal
unreachable it is 503 within seconds; an action answered mid-outage leaves the project
consistent once PostgreSQL is back, and its retry applies once.

PostgreSQL is stopped for real: a separate embedded cluster (not the session's), with its
own worker, task queue and app.
"""

from __future__ import annotations

import asyncio
import socket
import time
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from temporalio.client import Client, Interceptor, OutboundInterceptor, StartWorkflowUpdateInput
from temporalio.contrib.pydantic import pydantic_data_converter

from api.app import create_app
from domain.policy import ProjectPolicy
from jindu.settings import Settings
from store.crypto import DataCipher
from store.db import create_pool, migrate
from store.embedded import ensure_database, start_embedded, stop_embedded
from store.users import create_user
from tests.fixtures_stack import Person, history_size
from worker import build_worker

pytestmark = pytest.mark.timeout(180)
INTAKE = {"customer": {"name": "孙丽", "phone": "13600001111"}, "channel": "phone", "requirement": "Sell a shop",
          "business_type": "real_estate"}  # fmt: skip
ASSESSMENT = {"in_scope": True, "difficulty": "low", "risk_level": "low", "expected_cycle_days": 20, "budget": "5000"}
APPROVE = {"gate": "initiation", "decision": "approve"}


class SeparatePostgres:
    """An embedded PostgreSQL cluster of its own, to stop and start again."""

    def __init__(self, pgdata: Path) -> None:
        self.pgdata = pgdata

    async def start(self) -> None:
        await asyncio.to_thread(start_embedded, self.pgdata)

    async def stop(self) -> None:
        await asyncio.to_thread(stop_embedded, self.pgdata)


@dataclass
class Outage:
    pg: SeparatePostgres
    pool: Any
    cipher: DataCipher
    client: Client
    team: dict[str, Person]
    task_queue: str

    def app(self, client: Client | None = None, **settings: Any) -> FastAPI:
        return create_app(Settings(task_queue=self.task_queue, **settings), client=client or self.client,
                          pool=self.pool, cipher=self.cipher, policy=ProjectPolicy())  # fmt: skip


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def outage(local_env, cipher, tmp_path_factory):
    pg = SeparatePostgres(tmp_path_factory.mktemp("outage") / "data")
    url = await asyncio.to_thread(start_embedded, pg.pgdata)
    try:
        db = await ensure_database(url, "jindu_outage")
        await migrate(db)
        pool = await create_pool(db)
        dept = f"dept-{uuid.uuid4().hex[:6]}"
        team = {}
        for role in ("agent", "dept_head", "operations", "customer"):
            user, token = await create_user(pool, name=f"{role}-{uuid.uuid4().hex[:6]}", role=role,
                                            department=dept if role in ("agent", "dept_head") else None)
            team[role] = Person(user.id, user.name, user.role.value, user.department, token)
        queue = f"outage-{uuid.uuid4().hex[:6]}"
        async with build_worker(local_env.client, pool=pool, task_queue=queue):
            yield Outage(pg, pool, cipher, local_env.client, team, queue)
        # No project is left running without a worker (a calendar publication would wait on it).
        running = f"TaskQueue = '{queue}' AND ExecutionStatus = 'Running'"
        async for wf in local_env.client.list_workflows(running):
            await local_env.client.get_workflow_handle(wf.id, run_id=wf.run_id).terminate("test module over")
        await pool.close()
    finally:
        await pg.stop()


@asynccontextmanager
async def serving(app):
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jindu.test") as http:
            yield http


async def awaiting_initiation(http, team) -> str:
    r = await http.post("/v1/projects", json=INTAKE, headers=team["agent"].headers)
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = await http.post(f"/v1/projects/{pid}/assessment", json=ASSESSMENT, headers=team["agent"].headers)
    assert r.status_code == 200 and r.json()["stage"] == "initiation_approval", r.text
    return pid


def assert_unavailable(r: httpx.Response, may_have_applied: bool | None) -> dict:
    assert r.status_code == 503, r.text
    error = r.json()["error"]
    assert error["code"] == "unavailable" and error["message"]
    assert int(r.headers["retry-after"]) > 0
    if may_have_applied is not None:
        assert error["may_have_applied"] is may_have_applied, error
    return error


async def test_with_postgresql_stopped_every_action_is_503_and_nothing_is_sent(outage):
    team = outage.team
    async with serving(outage.app()) as http:
        pid = await awaiting_initiation(http, team)
        handle = outage.client.get_workflow_handle(f"project-{pid}")
        sent = await history_size(handle)
        p = f"/v1/projects/{pid}"
        soon = (date.today() + timedelta(days=5)).isoformat()
        await outage.pg.stop()
        try:
            for method, path, who, body in [
                ("POST", "/v1/projects", "agent", INTAKE),
                ("POST", f"{p}/assessment", "agent", ASSESSMENT),
                ("POST", f"{p}/decisions", "dept_head", APPROVE),
                ("POST", f"{p}/plan", "agent", {"goals": "g", "responsibilities": "r",
                                                "milestones": [{"name": "m", "due_date": soon}]}),
                ("POST", f"{p}/reports", "agent", {"progress": "p", "next_week_plan": "n"}),
                ("POST", f"{p}/results", "agent", {"summary": "s"}),
                ("POST", f"{p}/acceptance", "customer", {"accepted": True, "rating": 5}),
                ("POST", f"{p}/warning-analysis", "dept_head", {"cause": "people", "analysis": "a", "measures": [
                    {"description": "d", "owner": team["agent"].name, "deadline_working_days": 2}]}),
                ("POST", f"{p}/cancel", "operations", {"reason": "r"}),
                ("POST", f"{p}/reassign", "operations", {"target": "pending", "to": team["dept_head"].name,
                                                         "reason": "r"}),
                ("POST", f"{p}/deadline", "operations", {"target": "pending", "working_days": 1, "reason": "r"}),
                ("POST", f"{p}/customer/dispose", "operations", None),
                ("POST", f"/v1/tasks/{pid}-t1/complete", "agent", {"resolution": "r"}),
                ("PUT", "/v1/calendar/2031", "operations", {"holidays": [], "workdays": []}),
                ("POST", "/v1/complaints", "agent", {"content": "c", "channel": "phone", "project_id": pid}),
                ("POST", "/v1/complaints/c1/replies", "dept_head", {"reply": "r", "resolved": True}),
                ("POST", "/v1/complaints/c1/confirmation", "customer", {"satisfied": True, "rating": 5}),
                ("POST", f"{p}/revisit", "agent", {"rating": 5, "comments": "c"}),
                ("POST", "/v1/suggestions/s1/decision", "dept_head", {"adopted": True}),
            ]:  # fmt: skip
                headers = {**team[who].headers, "Idempotency-Key": uuid.uuid4().hex}
                began = time.monotonic()
                r = await http.request(method, path, json=body, headers=headers)
                assert_unavailable(r, may_have_applied=False)
                assert time.monotonic() - began < 10, path
            for path in ("/v1/projects", p, "/v1/tasks", "/v1/kpis", "/v1/calendar", "/v1/complaints",
                         "/v1/complaints/c1", "/v1/suggestions", f"{p}/revisit", "/v1/appraisal", "/v1/service-kpis"):
                assert_unavailable(await http.get(path, headers=team["operations"].headers), None)
        finally:
            await outage.pg.start()
        assert await history_size(handle) == sent  # nothing reached the workflow

        # Back: the project is as it was, and the action goes through.
        r = await http.get(p, headers=team["agent"].headers)
        assert r.status_code == 200 and r.json()["stage"] == "initiation_approval", r.text
        r = await http.post(f"{p}/decisions", json=APPROVE, headers=team["dept_head"].headers)
        assert r.status_code == 200 and r.json()["stage"] == "planning", r.text


class StopsPostgres(Interceptor):
    """Stops PostgreSQL the moment the next update is sent to Temporal: an outage that
    begins after the API read what it needed and before the workflow recorded anything."""

    def __init__(self, pg: SeparatePostgres) -> None:
        self.pg, self.armed = pg, False

    def intercept_client(self, next: OutboundInterceptor) -> OutboundInterceptor:
        owner = self

        class Outbound(OutboundInterceptor):
            async def start_workflow_update(self, input: StartWorkflowUpdateInput):
                if owner.armed:
                    owner.armed = False
                    await owner.pg.stop()
                return await super().start_workflow_update(input)

        return Outbound(next)


async def test_an_action_answered_mid_outage_is_applied_once_and_reads_consistently(outage):
    team, head = outage.team, outage.team["dept_head"]
    stops = StopsPostgres(outage.pg)
    client = Client(outage.client.service_client, namespace=outage.client.namespace,
                    data_converter=pydantic_data_converter, interceptors=[stops])  # fmt: skip
    async with serving(outage.app(client, update_timeout_seconds=2)) as http:
        pid = await awaiting_initiation(http, team)
        p, key = f"/v1/projects/{pid}", f"decide-{uuid.uuid4().hex}"
        stops.armed = True
        try:
            r = await http.post(f"{p}/decisions", json=APPROVE, headers={**head.headers, "Idempotency-Key": key})
            # Sent, then PostgreSQL went away while the workflow was recording it.
            assert_unavailable(r, may_have_applied=True)
        finally:
            await outage.pg.start()

        # The workflow's own retry records the decision once PostgreSQL is back.
        deadline = time.monotonic() + 60
        while True:
            view = await http.get(p, headers=team["agent"].headers)
            if view.status_code == 200 and view.json()["stage"] == "planning":
                break
            assert time.monotonic() < deadline, view.text
            await asyncio.sleep(0.2)
        view = view.json()
        assert [(a["gate"], a["decision"], a["by_name"]) for a in view["approvals"]] == [
            ("initiation", "approve", head.name)]
        assert view["pending"]["kind"] == "plan" and view["pending"]["user_id"] == team["agent"].id
        seqs = [e["seq"] for e in view["history"]]
        assert seqs == list(range(1, len(seqs) + 1))
        assert [e["kind"] for e in view["history"]].count("decision") == 1
        row = await outage.pool.fetchrow("SELECT seq, stage FROM projects WHERE id = $1", pid)
        assert (row["seq"], row["stage"]) == (seqs[-1], "planning")

        # The client retries as told: applied once, answered with the project as recorded.
        retry = await http.post(f"{p}/decisions", json=APPROVE, headers={**head.headers, "Idempotency-Key": key})
        assert retry.status_code == 200 and retry.json()["stage"] == "planning", retry.text
        assert len(retry.json()["approvals"]) == 1 and retry.json()["history"] == view["history"]
        again = await http.post(f"{p}/decisions", json=APPROVE, headers={**head.headers, "Idempotency-Key": key})
        assert again.headers["idempotent-replayed"] == "true" and again.json() == retry.json()
        assert await outage.pool.fetchval("SELECT count(*) FROM approvals WHERE project_id = $1", pid) == 1


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_with_temporal_unreachable_an_action_is_503_within_seconds(stack, cipher):
    team = await stack.team()
    agent = team["agent"]
    created = await stack.http.post("/v1/projects", json=INTAKE, headers=agent.headers)
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    handle = stack.client.get_workflow_handle(f"project-{pid}")
    before = await history_size(handle)

    # The lifespan connects lazily to the configured address: the API starts while Temporal is down.
    settings = Settings(temporal_address=f"127.0.0.1:{unused_port()}", task_queue="nowhere")
    app = create_app(settings, pool=stack.pool, cipher=cipher, policy=ProjectPolicy())
    fresh_id = f"down-{uuid.uuid4().hex[:8]}"
    async with serving(app) as http:
        began = time.monotonic()
        r = await http.post(f"/v1/projects/{pid}/assessment", json=ASSESSMENT, headers=agent.headers)
        assert_unavailable(r, may_have_applied=False)
        assert time.monotonic() - began < 10
        began = time.monotonic()
        r = await http.post("/v1/projects", json={**INTAKE, "id": fresh_id}, headers=agent.headers)
        assert_unavailable(r, may_have_applied=False)
        assert time.monotonic() - began < 10
        complaint, key = {"content": "No call back", "channel": "phone", "project_id": pid}, uuid.uuid4().hex
        r = await http.post("/v1/complaints", json=complaint, headers={**agent.headers, "Idempotency-Key": key})
        assert_unavailable(r, may_have_applied=False)
        # Reads need PostgreSQL only.
        assert (await http.get(f"/v1/projects/{pid}", headers=agent.headers)).json()["stage"] == "assessment"
    assert await history_size(handle) == before
    # The complaint's retry files it once, its workflow started now.
    r = await stack.http.post("/v1/complaints", json=complaint, headers={**agent.headers, "Idempotency-Key": key})
    assert r.status_code in (200, 201) and r.json()["first_reply_due_at"] and r.json()["history"][0]["kind"] == "filed"
    assert await stack.pool.fetchval("SELECT count(*) FROM complaints WHERE project_id = $1", pid) == 1

    # Temporal back (the real app): the same requests go through, each once.
    r = await stack.http.post(f"/v1/projects/{pid}/assessment", json=ASSESSMENT, headers=agent.headers)
    assert r.status_code == 200 and r.json()["stage"] == "initiation_approval", r.text
    assert [e["kind"] for e in r.json()["history"]].count("assessment") == 1
    r = await stack.http.post("/v1/projects", json={**INTAKE, "id": fresh_id}, headers=agent.headers)
    assert r.status_code in (200, 201) and r.json()["stage"] == "assessment", r.text
    assert [e["kind"] for e in r.json()["history"]].count("intake") == 1
