"""Consultation intake 客户咨询 (RULES §lifecycle 1): the customer is recorded (encrypted, in
the customer master), the project is claimed in PostgreSQL (its id is global and claimed
atomically), then its workflow starts and the intake is recorded. The API's `POST
/v1/projects` and the workspace's intake form both come here.

A retry — the same `id`, or the same key — by the same agent starts nothing twice: the
claim answers the existing project, and the start reuses the running workflow."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from api.auth import actor
from api.schemas import ProjectAnswer
from domain.commands import Command, ProjectCreateIn
from domain.customers import ProjectIntakeIn
from domain.errors import Conflict, Invalid
from domain.models import Channel, Role, Stage, workflow_id
from domain.project import ProjectStart
from domain.steps import Ack
from jindu.services.customers import intake_customer
from jindu.services.office import Office
from jindu.services.projects import Answer, Permit, view
from store.customer_master import Customer, link_project
from store.intake import claim_project
from store.reads import ProjectAccess
from store.users import User, user_by_name
from workflows.project import ProjectWorkflow

RECORD = Permit((Role.agent,), "record consultations")
Follow = Callable[[Customer], Awaitable[None]]


def project_id_for(body: ProjectCreateIn, user: User, key: str | None) -> str:
    if body.id:
        return body.id
    if key:  # a retried create without an id names the same project
        return "p" + hashlib.sha256(f"{user.id}|{key}".encode()).hexdigest()[:11]
    return uuid.uuid4().hex[:12]


async def _customer_account(office: Office, body: ProjectCreateIn) -> User | None:
    assert body.customer is not None
    if body.customer.user is None:
        return None
    found = await user_by_name(office.pool, body.customer.user)
    if found is None or found.role != Role.customer:
        raise Invalid(f"customer.user: no customer account named {body.customer.user!r}",
                      "no_customer_account", who=body.customer.user)
    return found


async def record_consultation(office: Office, user: User, intake: ProjectIntakeIn, *, task_queue: str,
                              follow: Follow, key: str | None = None) -> tuple[bool, Answer]:  # fmt: skip
    """The project as its agent sees it (or briefly, `Office.briefly`), and whether this call
    created it (else it existed: the caller's own retry). `follow` starts a new customer's
    follow-up workflow."""
    RECORD.check(user)
    if office.cipher is None:
        raise Invalid("customer data cannot be stored without the data key", "needs_data_key")
    body, master = await intake_customer(office.pool, office.cipher, user, intake)
    if master is not None and master.customer.follow_up_stage is None:  # new, or its workflow not started yet
        await follow(master.customer)
    customer_user = await _customer_account(office, body)
    project_id = project_id_for(body, user, key)
    created, row = await claim_project(office.pool, project_id=project_id, agent=user, body=body,
                                       cipher=office.cipher, at=datetime.now(UTC),
                                       customer_user_id=customer_user.id if customer_user else None)  # fmt: skip
    if row["agent_id"] != user.id:
        raise Conflict(f"project id {project_id} is already taken", "project_id_taken", project_id=project_id)
    if master is not None:
        await link_project(office.pool, project_id, master.customer.id)
    stage, seq = Stage(row["stage"]), row["seq"]
    if stage == Stage.intake:
        started = await start_project(office, row, user, task_queue)
        stage, seq = started.stage, started.seq
    if not office.answer_with_view:  # Office.briefly: what the start's update answered (or the row, a retry's)
        return created, ProjectAnswer(id=project_id, stage=stage, seq=seq)
    project = ProjectAccess(id=project_id, department=row["department"], customer_user_id=row["customer_user_id"],
                            agent_id=row["agent_id"], stage=stage)  # fmt: skip
    return created, await view(office, user, project)


async def start_project(office: Office, row: dict, user: User, task_queue: str) -> Ack:
    """Start the workflow from the stored row, so that a retry sends the same input, and
    answer once it has recorded the intake (its `sync` update, sent with the start: one
    round trip to Temporal)."""
    created_at: datetime = row["created_at"]
    start = ProjectStart(
        version=2, project_id=row["id"], department=row["department"], business_type=row["business_type"],
        channel=Channel(row["channel"]), agent=actor(user), customer_user_id=row["customer_user_id"],
        created_at=created_at,  # the worker records the policy and the official dates when it starts
    )  # fmt: skip
    summary = f"{row['business_type']} · {row['department']} · agent {user.name} · project {row['id']}"
    return await office.start_with_update(  # type: ignore[no-any-return]
        ProjectWorkflow.run, start.model_dump(mode="json"), wf_id=workflow_id(row["id"]), task_queue=task_queue,
        kind="project", summary=summary, update=ProjectWorkflow.sync, cmd=Command(actor=actor(user)))  # fmt: skip
