"""Process use cases (issue 15): starting an instance and acting on one. The API
(api/routes/processes.py) and the workspace (web/routes/processes.py) both call these.

Starting checks the caller may start the template's latest version and its form, looks up
the people the template and form name, writes the instance's row, starts `process-<id>`
with the template version and form in its input, and answers once its first step is
recorded. Acting sends one `act` update, whose validator is the rules' own check.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDConflictPolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from api.auth import actor
from domain.commands import Command
from domain.errors import Forbidden, Invalid, NotFound
from domain.models import Actor
from domain.process_form import check_form
from domain.process_models import ProcessAck, ProcessActionIn, ProcessCommand, ProcessStart
from domain.process_people import people_named
from domain.process_template import KEY_PATTERN, ProcessTemplate
from jindu.services.office import Office
from store import process_reads, process_templates
from store.process_reads import Pending, ProcessDetail
from store.users import User, active_users_by_names
from workflows import search_attributes as sa
from workflows.process import ProcessWorkflow


class ProcessStartIn(BaseModel):
    template: str = Field(pattern=KEY_PATTERN, description="The template's key: its latest version is used")
    form: dict[str, Any] = Field(default_factory=dict, max_length=40)


class ProcessStarted(BaseModel):
    id: str
    template: str
    version: int
    status: str
    pending: list[Pending]


async def people_for(office: Office, t: ProcessTemplate, form: dict[str, Any]) -> dict[str, Actor]:
    approvers = [a for n in t.nodes for a in getattr(n, "approvers", [])]
    names = sorted(set(people_named(approvers, form)))
    found = await active_users_by_names(office.pool, names) if names else {}
    missing = [n for n in names if n not in found]
    if missing:
        raise Invalid(f'no active user named "{missing[0]}"')
    return {name: actor(u) for name, u in found.items()}


def process_id_for(user: User, key: str | None) -> str:
    if key:  # a retried start names the same instance
        return "pr-" + hashlib.sha256(f"{user.id}|{key}".encode()).hexdigest()[:12]
    return "pr-" + uuid.uuid4().hex[:12]


async def start(office: Office, user: User, body: ProcessStartIn, task_queue: str,
                key: str | None = None) -> tuple[bool, ProcessStarted]:  # fmt: skip
    """The instance as started, and whether this call started it (False: a retry of `key`)."""
    t = await process_templates.latest(office.pool, body.template)
    if t is None:
        raise NotFound(f"no process template {body.template}")
    if user.role.value not in t.starters:
        raise Forbidden(f"a {user.role.value} may not start {t.name}")
    form = check_form(t.form, body.form)
    people = await people_for(office, t, form)
    pid, now = process_id_for(user, key), datetime.now(UTC)
    created = await process_reads.claim(office.pool, pid=pid, t=t, form=form, user=user, at=now)
    start = ProcessStart(process_id=pid, template=t, form=form, applicant=actor(user), people=people, started_at=now)
    try:
        await office.client.start_workflow(
            ProcessWorkflow.run, start, id=f"process-{pid}", task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING, static_summary=f"process · {t.key} v{t.version}",
            search_attributes=TypedSearchAttributes([SearchAttributePair(sa.KIND, "process")]),
        )  # fmt: skip
    except WorkflowAlreadyStartedError:
        pass  # a retried start whose instance has already finished
    ack = await office.update(f"process-{pid}", ProcessWorkflow.sync, Command(actor=actor(user)), None, ProcessAck)
    slots = (await process_reads.pending(office.pool, [pid])).get(pid, [])
    return created, ProcessStarted(id=pid, template=t.key, version=t.version, status=ack.status, pending=slots)


async def visible(office: Office, user: User, pid: str) -> ProcessDetail:
    found = await process_reads.process(office.pool, user, pid)
    if found is None:
        raise NotFound(f"no process {pid}")
    return found


async def act(office: Office, user: User, pid: str, body: ProcessActionIn,
              update_id: str | None = None) -> ProcessDetail:  # fmt: skip
    """Apply one action (once per `update_id`); the instance as recorded after it."""
    await visible(office, user, pid)
    person = None
    if body.to_user:
        found = await active_users_by_names(office.pool, [body.to_user])
        person = actor(found[body.to_user]) if body.to_user in found else None
    cmd = ProcessCommand(actor=actor(user), body=body, person=person)
    await office.update(f"process-{pid}", ProcessWorkflow.act, cmd, update_id, ProcessAck)
    return await visible(office, user, pid)
