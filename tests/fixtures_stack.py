"""The whole service in one test session: real worker, real activities, real API app.

Temporal is the dev server (`local_env`), PostgreSQL the session database (`pool`).
Requests go through httpx's ASGI transport into the real FastAPI app.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest_asyncio
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle

from api.app import create_app
from domain.policy import ProjectPolicy
from jindu.settings import Settings
from store.db import create_pool, migrate
from store.embedded import drop_database, ensure_database
from store.users import create_user
from worker import build_outbox, build_worker

STACK_TASK_QUEUE = "jindu-projects-test"
DECISIVE = frozenset({
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
    EventType.EVENT_TYPE_MARKER_RECORDED,  # a local activity: `record`, `report_unrecordable`
    EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
})


async def history_size(handle: WorkflowHandle) -> tuple[int, int]:
    """(events in the workflow's history, decisive ones among them: accepted updates and
    activities, the local `record` activity included). A rejected update adds neither."""
    events = (await handle.fetch_history()).events
    return len(events), sum(1 for e in events if e.event_type in DECISIVE)


@dataclass
class Person:
    id: str
    name: str
    role: str
    department: str | None
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Stack:
    def __init__(self, http: httpx.AsyncClient, pool, client, app) -> None:
        self.http, self.pool, self.client, self.app = http, pool, client, app

    async def person(self, role: str, department: str | None = None, name: str | None = None) -> Person:
        name = name or f"{role}-{uuid.uuid4().hex[:6]}"
        user, token = await create_user(self.pool, name=name, role=role, department=department)
        return Person(user.id, user.name, user.role.value, user.department, token)

    async def team(self) -> dict[str, Person]:
        """One person per role; agent and dept_head share a fresh department."""
        dept = f"dept-{uuid.uuid4().hex[:6]}"
        return {
            "agent": await self.person("agent", dept),
            "dept_head": await self.person("dept_head", dept),
            "executive": await self.person("executive"),
            "customer": await self.person("customer"),
            "operations": await self.person("operations"),
            "auditor": await self.person("auditor"),
        }


@contextlib.asynccontextmanager
async def serving(client, pool, cipher, task_queue: str) -> AsyncIterator[Stack]:
    """The app (in process, over ASGI) and a worker with its outbox on `task_queue`."""
    settings = Settings(task_queue=task_queue)
    app = create_app(settings, client=client, pool=pool, cipher=cipher, policy=ProjectPolicy())
    outbox = build_outbox(settings, pool, cipher=cipher)
    app.state.outbox = outbox
    async with build_worker(client, pool=pool, task_queue=task_queue, outbox=outbox), \
            app.router.lifespan_context(app):  # fmt: skip
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://jindu.test") as http:
            yield Stack(http, pool, client, app)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def stack(local_env, pool, cipher):
    async with serving(local_env.client, pool, cipher, STACK_TASK_QUEUE) as stack:
        yield stack


@pytest_asyncio.fixture(loop_scope="session")
async def own_stack(local_env, pg_url, cipher):
    """A stack on a database of its own, for tests that read company-wide pages and must see
    only their own data (the session's database holds every other test's projects)."""
    name = f"jindu_own_{uuid.uuid4().hex[:10]}"
    url = await ensure_database(pg_url, name)
    await migrate(url)
    pool = await create_pool(url)
    try:
        async with serving(local_env.client, pool, cipher, f"jindu-own-{uuid.uuid4().hex[:6]}") as stack:
            yield stack
    finally:
        await pool.close()
        await drop_database(pg_url, name)
