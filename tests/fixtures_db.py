"""Real PostgreSQL for the test session: embedded, or a fresh database on JINDU_DATABASE_URL."""

from __future__ import annotations

import asyncio
import os
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from domain.models import Actor, Channel, Level, Role, Stage
from domain.project import Assessment, Kpis, Milestone, PendingAction, ProjectState
from domain.steps import Notice, RecordBatch, Step
from store import records
from store.crypto import DataCipher, decode_data_key, new_data_key
from store.db import create_pool, migrate
from store.embedded import drop_database, ensure_database, start_embedded, stop_embedded


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def pg_url(tmp_path_factory):
    server = os.environ.get("JINDU_DATABASE_URL")
    name = f"jindu_test_{uuid.uuid4().hex[:10]}"
    pgdata = None
    if not server:
        pgdata = tmp_path_factory.mktemp("postgres") / "data"
        server = await asyncio.to_thread(start_embedded, pgdata)
    url = await ensure_database(server, name)
    try:
        await migrate(url)
        yield url
    finally:
        if pgdata is not None:
            await asyncio.to_thread(stop_embedded, pgdata)
        else:
            await drop_database(server, name)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def pool(pg_url):
    pool = await create_pool(pg_url)
    yield pool
    await pool.close()


@pytest.fixture(scope="session")
def cipher() -> DataCipher:
    return DataCipher(decode_data_key(new_data_key()))


# --------------------------------------------------------------------------- builders
# Projects, steps and batches for tests that write records without a workflow: the
# project row as intake writes it, and the read model through the same `APPLY_VIEW`
# patch the `record` activity applies (store/records.py).

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AGENT = Actor(user_id="u-agent", name="Agent Wang", role=Role.agent, department="sales")
HEAD = Actor(user_id="u-head", name="Head Li", role=Role.dept_head, department="sales")
EXECUTIVE = Actor(user_id="u-exec", name="Exec Zhao", role=Role.executive)
CUSTOMER = Actor(user_id="u-cust", role=Role.customer)


def new_project_id() -> str:
    return f"p-{uuid.uuid4().hex[:12]}"


def project_state(project_id: str | None = None, *, stage: Stage = Stage.execution, agent: Actor = AGENT,
                  **changes: Any) -> ProjectState:  # fmt: skip
    """A v2 project in execution with two milestones, waiting on its agent's results."""
    state = ProjectState(
        project_id=project_id or new_project_id(), stage=stage, department=agent.department or "sales",
        business_type="property_sale", channel=Channel.visit, agent=agent, created_at=T0, updated_at=T0,
        assessment=Assessment(difficulty=Level.medium, risk_level=Level.medium, expected_cycle_days=30,
                              original_expected_cycle_days=30, budget=Decimal("10000")),
        milestones=[Milestone(name="viewing", due_date=date(2026, 3, 10)),
                    Milestone(name="contract", due_date=date(2026, 3, 20))],
        pending=PendingAction(kind="results", sla="execution", role=Role.agent, user_id=agent.user_id,
                              user_name=agent.name, department=agent.department, since=T0,
                              due_at=T0 + timedelta(days=20)),
        kpis=Kpis(completion_rate=100.0, cycle_deviation_rate=5.0),
    )  # fmt: skip
    return ProjectState.model_validate({**state.model_dump(), **changes})


def step(seq: int, kind: str, actor: Actor | None = None, comment: str = "", **data: Any) -> Step:
    return Step(seq=seq, kind=kind, actor=actor, comment=comment, data=data)


def intake_step(agent: Actor = AGENT, *, business_type: str = "property_sale", channel: str = "visit") -> Step:
    return step(1, "intake", agent, channel=channel, business_type=business_type)


def record_batch(project_id: str, version: int, *steps: Step, view: dict[str, Any] | None = None,
                 notices: list[Notice] | None = None, at: datetime | None = None) -> RecordBatch:  # fmt: skip
    """Batch `version` of a project, recorded at T0 + `version` hours unless `at` says otherwise."""
    return RecordBatch(project_id=project_id, version=version, at=at or T0 + timedelta(hours=version),
                       steps=list(steps), view=view or {}, notices=notices or [])  # fmt: skip


async def write(pool, batch: RecordBatch) -> list[str]:
    """store.records.write_batch in its own transaction, as the `record` activity runs it."""
    async with pool.acquire() as conn, conn.transaction():
        return await records.write_batch(conn, batch)


async def insert_read_model(pool, state: ProjectState, *, requirement: str = "", seq: int = 0,
                            overdue: bool | None = None, warning: bool | None = None) -> None:  # fmt: skip
    """A project row as intake writes it, then its read model patched with `state.read_view()`
    (`overdue` / `warning` override the view's flags) by the activity's own SQL."""
    view = state.read_view()
    if overdue is not None:
        view["overdue"] = overdue
    if warning is not None:
        view["warning"] = {**view["warning"], "active": warning}
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            """INSERT INTO projects (id, workflow_id, stage, department, business_type, channel, agent_id, agent_name,
                   customer_user_id, requirement, created_at, updated_at, seq)
               VALUES ($1, 'project-' || $1, 'intake', $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)""",
            state.project_id, state.department, state.business_type, state.channel.value, state.agent.user_id,
            state.agent.name, state.customer_user_id, requirement, state.created_at, seq,
        )  # fmt: skip
        batch = RecordBatch(project_id=state.project_id, version=1, at=state.updated_at, view=view)
        assert await records.apply_view(conn, batch)
