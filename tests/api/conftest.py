"""The real FastAPI app over httpx's ASGI transport, on the session's PostgreSQL and
Temporal dev server. Read tests insert read-model rows directly (tests/fixtures_db.py);
tests of decisions run the real worker (`worker` fixture) on the app's own task queue."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import pytest_asyncio

from api.app import create_app
from domain.commands import CustomerIn
from domain.models import Actor, Channel, Role, Stage
from domain.policy import ProjectPolicy
from domain.project import Kpis, PendingAction, ProjectState
from jindu.settings import Settings
from store.customers import insert_customer
from store.users import create_user
from tests.fixtures_db import insert_read_model
from tests.fixtures_stack import Person

API_TASK_QUEUE = "jindu-projects-api-test"


class Api:
    def __init__(self, http: httpx.AsyncClient, app, pool, cipher) -> None:
        self.http, self.app, self.pool, self.cipher = http, app, pool, cipher

    async def person(self, role: str, department: str | None = None) -> Person:
        user, token = await create_user(self.pool, name=f"{role}-{uuid.uuid4().hex[:8]}", role=role,
                                        department=department)
        return Person(user.id, user.name, user.role.value, user.department, token)

    async def insert_project(
        self,
        *,
        department: str,
        agent: Person,
        stage: Stage = Stage.assessment,
        pending: PendingAction | None = None,
        customer: Person | None = None,
        customer_data: CustomerIn | None = None,
        overdue: bool = False,
        warning: bool = False,
        kpis: Kpis | None = None,
        updated_at: datetime | None = None,
        events: list[tuple[str, str]] = (),
    ) -> str:
        """A read-model row as the `record` activity would leave it (no workflow behind it)."""
        pid = f"t-{uuid.uuid4().hex[:10]}"
        now = datetime.now(UTC)
        state = ProjectState(
            project_id=pid, stage=stage, department=department, business_type="real_estate",
            channel=Channel.visit, agent=Actor(user_id=agent.id, name=agent.name, role=Role.agent,
                                               department=department),
            customer_user_id=customer.id if customer else None, created_at=now, updated_at=updated_at or now,
            pending=pending, kpis=kpis or Kpis(),
        )  # fmt: skip
        await insert_read_model(self.pool, state, requirement="A flat near schools", seq=len(events),
                                overdue=overdue, warning=warning)  # fmt: skip
        async with self.pool.acquire() as db, db.transaction():
            for seq, (kind, comment) in enumerate(events, start=1):
                await db.execute(
                    """INSERT INTO events (step_key, project_id, seq, kind, at, actor_id, actor_name, actor_role,
                           comment, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""",
                    f"{pid}:{seq}", pid, seq, kind, now + timedelta(seconds=seq), agent.id, agent.name,
                    Role.agent.value, comment, {"seq": seq},
                )
            if customer_data is not None:
                await insert_customer(db, project_id=pid, customer=customer_data,
                                      user_id=customer.id if customer else None, cipher=self.cipher)
        return pid


def pending(kind: str, role: Role, department: str, due_in: timedelta, *, gate=None,
            user: Person | None = None) -> PendingAction:
    now = datetime.now(UTC)
    return PendingAction(kind=kind, sla="assessment", gate=gate, role=role, user_id=user.id if user else None,
                         user_name=user.name if user and role != Role.customer else None, department=department,
                         since=now, due_at=now + due_in)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def api(local_env, pool, cipher):
    settings = Settings(task_queue=API_TASK_QUEUE)
    app = create_app(settings, client=local_env.client, pool=pool, cipher=cipher, policy=ProjectPolicy())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://jindu.test") as http:
            yield Api(http, app, pool, cipher)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def worker(local_env, pool, cipher):
    from worker import build_outbox, build_worker

    outbox = build_outbox(Settings(task_queue=API_TASK_QUEUE), pool, cipher=cipher)
    w = build_worker(local_env.client, pool=pool, task_queue=API_TASK_QUEUE, outbox=outbox)
    async with w:
        yield w


@pytest.fixture
async def users(api) -> dict[str, Person]:
    """One person per role; the staff of a department share a fresh one."""
    dept = f"dept-{uuid.uuid4().hex[:8]}"
    return {role.value: await api.person(role.value, dept if role != Role.customer else None) for role in Role}


def assert_error(r: httpx.Response, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] == code and body["error"]["message"], body
    return body["error"]
