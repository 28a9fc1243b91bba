"""Real PostgreSQL for the test session: embedded, or a fresh database on JINDU_DATABASE_URL."""

from __future__ import annotations

import asyncio
import os
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import pytest_asyncio

from domain.models import (
    Channel,
    Kpis,
    MilestoneState,
    PendingAction,
    ProjectState,
    RectificationTask,
    Role,
    Stage,
    StepRecord,
    TaskSource,
)
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
# Valid snapshots and steps for tests that write the read model without a workflow.

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def project_state(project_id: str | None = None, *, seq: int = 1, stage: Stage = Stage.execution, **changes) -> ProjectState:
    """A project in execution with two milestones, waiting on its agent's results."""
    project_id = project_id or f"p-{uuid.uuid4().hex[:12]}"
    state = ProjectState(
        project_id=project_id,
        stage=stage,
        department="sales",
        business_type="property_sale",
        channel=Channel.visit,
        requirement="Sell a two-bedroom flat",
        agent_id="u-agent",
        agent_name="Agent Wang",
        created_at=T0,
        updated_at=T0 + timedelta(hours=seq),
        risk_level="medium",
        expected_cycle_days=30,
        milestones=[
            MilestoneState(name="viewing", due_date=date(2026, 3, 10)),
            MilestoneState(name="contract", due_date=date(2026, 3, 20)),
        ],
        pending=PendingAction(
            kind="results", sla="results", role=Role.agent, user_id="u-agent", user_name="Agent Wang",
            department="sales", since=T0, due_at=T0 + timedelta(days=20), description="Submit results",
        ),
        kpis=Kpis(completion_rate=100.0, cycle_deviation_rate=5.0),
        seq=seq,
    )
    return ProjectState.model_validate({**state.model_dump(), **changes})


def rectification_task(task_id: str | None = None, **changes) -> RectificationTask:
    task = RectificationTask(
        id=task_id or f"t-{uuid.uuid4().hex[:8]}", source=TaskSource.review_rejection, description="Fix the contract",
        owner_user_id="u-agent", owner_name="Agent Wang", owner_role=Role.agent, department="sales",
        created_at=T0, due_at=T0 + timedelta(days=3),
    )
    return RectificationTask.model_validate({**task.model_dump(), **changes})


def step_record(state: ProjectState, kind: str, *, seq: int | None = None, data: dict | None = None,
                actor_role: Role | None = Role.agent, comment: str = "") -> StepRecord:
    seq = state.seq if seq is None else seq
    actor = {
        Role.agent: ("u-agent", "Agent Wang"),
        Role.dept_head: ("u-head", "Head Li"),
        Role.executive: ("u-exec", "Exec Zhao"),
        Role.customer: ("u-cust", "Customer Chen"),
    }.get(actor_role, (None, None))
    return StepRecord(
        step_key=f"{state.project_id}:{seq}", project_id=state.project_id, seq=seq, kind=kind,
        at=T0 + timedelta(hours=seq), actor_id=actor[0], actor_name=actor[1], actor_role=actor_role,
        comment=comment, data=data or {}, state=state,
    )
