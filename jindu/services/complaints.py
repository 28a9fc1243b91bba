"""Complaints' use cases (RULES §Complaints and feedback): file one, reply, confirm the answer.

Filing writes the complaint (its content and encrypted contact) in PostgreSQL first, then
starts its workflow with ids only and answers once the filing is recorded; a retry with the
same key names the same complaint and starts nothing twice. Replies and confirmations are
updates to the complaint's workflow, whose validators decide who and when
(domain/complaints.py). The API (api/routes/complaints.py) and the workspace call these.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from api.auth import actor
from api.complaint_view import ComplaintView, check_complaint_visible, complaint_view
from domain.commands import Command
from domain.errors import Conflict, Forbidden, Invalid, NotFound, WrongStage
from domain.models import Actor, Role
from domain.service_models import (
    COMPLAINT_ID_PATTERN,
    ComplaintConfirmationIn,
    ComplaintIn,
    ComplaintReplyIn,
    ComplaintStart,
    ComplaintStatus,
    ConfirmCommand,
    ReplyCommand,
    ServiceAck,
)
from domain.text import Name
from jindu.services.office import Office
from jindu.services.projects import Permit, visible_project
from store.complaints import ComplaintAccess, ComplaintPage, claim_complaint, complaint_access, list_complaints
from store.reads import MAX_OFFSET
from store.users import User
from workflows.complaint import ComplaintWorkflow

FILE = Permit((Role.customer, Role.agent, Role.dept_head, Role.executive, Role.operations, Role.customer_service),
              "file complaints")  # fmt: skip
REPLY = Permit((Role.dept_head, Role.executive, Role.operations, Role.customer_service), "reply to complaints")
CONFIRM = Permit((Role.customer, Role.dept_head, Role.executive, Role.operations, Role.customer_service),
                 "confirm complaints")  # fmt: skip


async def visible_complaint(office: Office, user: User, complaint_id: str) -> ComplaintAccess:
    found = await complaint_access(office.pool, complaint_id)
    if found is None:
        raise NotFound(f"no complaint {complaint_id}", "no_complaint", complaint_id=complaint_id)
    check_complaint_visible(user, found)
    return found


def complaint_id_for(user: User, key: str | None) -> str:
    if key:  # a retried filing names the same complaint
        return "c" + hashlib.sha256(f"{user.id}|{key}".encode()).hexdigest()[:11]
    return "c" + uuid.uuid4().hex[:11]


async def about(office: Office, user: User, body: ComplaintIn) -> dict[str, Any] | None:
    """The project the complaint names, if the caller may complain about it."""
    if body.project_id is None:
        if user.role == Role.customer:
            raise Invalid("project_id: a customer complains about one of their projects", "complaint_own_project")
        return None
    await visible_project(office, user, body.project_id)
    row = await office.pool.fetchrow("SELECT department, agent_id, agent_name, customer_user_id FROM projects "
                                     "WHERE id = $1", body.project_id)  # fmt: skip
    return dict(row)


async def has_customer_service(office: Office, department: str | None) -> bool:
    """Whether the complaint goes to customer service first: an active customer service user
    serves its department, or the whole company (no department)."""
    return bool(await office.pool.fetchval(
        "SELECT EXISTS (SELECT 1 FROM users WHERE role = 'customer_service' AND deactivated_at IS NULL "
        "AND (department IS NULL OR department = $1))", department))  # fmt: skip


async def start_complaint(office: Office, row: dict[str, Any], filer: User, task_queue: str) -> None:
    """Start the workflow from the stored row, so that a retry sends the same input."""
    agent = None
    if row["agent_id"]:
        agent = Actor(user_id=row["agent_id"], name=row["agent_name"], role=Role.agent, department=row["department"])
    start = ComplaintStart(complaint_id=row["id"], project_id=row["project_id"], department=row["department"],
                           agent=agent, customer_user_id=row["customer_user_id"], channel=row["channel"],
                           filed_by=actor(filer), filed_at=row["filed_at"],
                           customer_service=await has_customer_service(office, row["department"]))  # fmt: skip
    await office.start(ComplaintWorkflow.run, start, wf_id=row["workflow_id"], task_queue=task_queue, kind="complaint",
                       summary=f"complaint · {row['department'] or 'operations'} · project {row['project_id'] or '—'}")


async def file_complaint(office: Office, user: User, body: ComplaintIn, task_queue: str,
                         key: str | None = None) -> tuple[bool, ComplaintView]:  # fmt: skip
    """The complaint as filed, and whether this call filed it (False: a retry of `key`)."""
    FILE.check(user)
    project = await about(office, user, body)
    complaint_id = complaint_id_for(user, key)
    customer_user_id = user.id if user.role == Role.customer else (project or {}).get("customer_user_id")
    created, row = await claim_complaint(office.pool, complaint_id=complaint_id, body=body, filer=user,
                                         project=project, customer_user_id=customer_user_id, cipher=office.cipher,
                                         at=datetime.now(UTC))  # fmt: skip
    if row["filed_by_id"] != user.id:
        raise Conflict(f"complaint id {complaint_id} is already taken", "complaint_id_taken", complaint_id=complaint_id)
    if row["status"] != ComplaintStatus.closed.value:
        await start_complaint(office, row, user, task_queue)
        await office.update(row["workflow_id"], ComplaintWorkflow.sync, Command(actor=actor(user)),
                            result_type=ServiceAck)  # fmt: skip
    found = await complaint_access(office.pool, complaint_id)
    assert found is not None
    return created, await complaint_page_view(office, user, found)


async def complaint_page_view(office: Office, user: User, complaint: ComplaintAccess) -> ComplaintView:
    """The complaint as its reader may see it."""
    assert office.cipher is not None, "complaints are read with the data key"
    return await complaint_view(office.pool, office.cipher, user, complaint)


async def _send(office: Office, user: User, complaint: ComplaintAccess, permit: Permit, update: Any, cmd: Command,
                key: str | None) -> ComplaintView:  # fmt: skip
    permit.check(user)
    if complaint.status == ComplaintStatus.closed.value:
        raise WrongStage(f"complaint {complaint.id} is closed", "complaint_closed", complaint_id=complaint.id)
    await office.update(f"complaint-{complaint.id}", update, cmd, key, ServiceAck)
    return await complaint_page_view(office, user, complaint)


async def reply(office: Office, user: User, complaint: ComplaintAccess, body: ComplaintReplyIn,
                key: str | None = None) -> ComplaintView:  # fmt: skip
    """The assignee or above replies; a resolved or explained reply is the answer."""
    cmd = ReplyCommand(actor=actor(user), body=body)
    return await _send(office, user, complaint, REPLY, ComplaintWorkflow.reply, cmd, key)


async def confirm(office: Office, user: User, complaint: ComplaintAccess, body: ComplaintConfirmationIn,
                  key: str | None = None) -> ComplaintView:  # fmt: skip
    """The customer (or staff on their behalf) confirms the answer with a rating."""
    cmd = ConfirmCommand(actor=actor(user), body=body)
    return await _send(office, user, complaint, CONFIRM, ComplaintWorkflow.confirm, cmd, key)


class ComplaintQuery(BaseModel):
    status: ComplaintStatus | None = Field(default=None, description="Only complaints in this status")
    overdue: bool | None = Field(default=None, description="Only complaints with (true) or without (false) a "
                                                           "deadline passed")
    department: Name | None = Field(default=None, description="Only this department's complaints")
    project_id: str | None = Field(default=None, description="Only complaints about this project",
                                   pattern=COMPLAINT_ID_PATTERN)
    limit: int = Field(default=20, ge=1, le=100, description="Page size")
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET, description="Items to skip")


async def complaints_page(office: Office, user: User, q: ComplaintQuery) -> ComplaintPage:
    """Newest first, without contacts. Agents and dept_heads see their own department's
    (asking for another is 403); executive, operations and auditor all; a customer their own."""
    department, customer = q.department, None
    if user.role in (Role.agent, Role.dept_head):
        if department is not None and department != user.department:
            raise Forbidden(f"a {user.role.value} of {user.department} cannot list {department}",
                            "cannot_list", role=user.role.value, department=user.department, theirs=department)
        department = user.department
    elif user.role == Role.customer:
        customer = user.id
    return await list_complaints(office.pool, status=q.status.value if q.status else None, overdue=q.overdue,
                                 department=department, customer_id=customer, project_id=q.project_id,
                                 limit=q.limit, offset=q.offset)  # fmt: skip
