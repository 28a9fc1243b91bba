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
from domain.process_form import attachment_ids, check_form
from domain.process_models import ProcessAck, ProcessActionIn, ProcessCommand, ProcessStart
from domain.process_people import people_named
from domain.process_template import KEY_PATTERN, FormField, ProcessTemplate
from jindu.services.office import Office
from store import attachments, process_reads, process_templates
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
        raise Invalid(f'no active user named "{missing[0]}"', "no_one_named", who=missing[0])
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
        raise NotFound(f"no process template {body.template}", "no_template", template=body.template)
    if user.role.value not in t.starters:
        raise Forbidden(f"a {user.role.value} may not start {t.name}",
                        "may_not_start", role=user.role.value, process=t.name)
    form = check_form(t.form, body.form)
    files = attachment_ids(t.form, form)
    people = await people_for(office, t, form)
    pid, now = process_id_for(user, key), datetime.now(UTC)
    bound = await attachments.bind(office.pool, files, process_id=pid, by=user.id)  # 422/403: nothing starts
    try:
        created, status = await _started(office, user, t, form, people, pid, now, task_queue)
    except BaseException:
        await attachments.unbind(office.pool, bound, process_id=pid)
        raise
    slots = (await process_reads.pending(office.pool, [pid])).get(pid, [])
    return created, ProcessStarted(id=pid, template=t.key, version=t.version, status=status, pending=slots)


async def _started(office: Office, user: User, t: ProcessTemplate, form: dict[str, Any], people: dict[str, Actor],
                   pid: str, now: datetime, task_queue: str) -> tuple[bool, str]:  # fmt: skip
    """Whether this call made the instance, and its status once its first step is recorded."""
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
    return created, ack.status


async def visible(office: Office, user: User, pid: str) -> ProcessDetail:
    found = await process_reads.process(office.pool, user, pid)
    if found is None:
        raise NotFound(f"no process {pid}", "no_process", process_id=pid)
    return found


async def act(office: Office, user: User, pid: str, body: ProcessActionIn,
              update_id: str | None = None) -> ProcessDetail:  # fmt: skip
    """Apply one action (once per `update_id`); the instance as recorded after it. Files a task's
    fields send must be the actor's own uploads (bound to this process before the update)."""
    found, bound = await visible(office, user, pid), []
    if body.action == "complete" and found.node_id:
        node = next((n for n in found.nodes if n.get("id") == found.node_id), {})
        fields = [FormField.model_validate(f) for f in node.get("fields") or []]
        files = attachment_ids(fields, check_form(fields, body.fields, "fields"), "fields")
        bound = await attachments.bind(office.pool, files, process_id=pid, by=user.id)
    try:
        return await _acted(office, user, pid, body, update_id)
    except BaseException:
        await attachments.unbind(office.pool, bound, process_id=pid)
        raise


async def _acted(office: Office, user: User, pid: str, body: ProcessActionIn, update_id: str | None) -> ProcessDetail:
    person = None
    if body.to_user:
        found = await active_users_by_names(office.pool, [body.to_user])
        person = actor(found[body.to_user]) if body.to_user in found else None
    cmd = ProcessCommand(actor=actor(user), body=body, person=person)
    await office.update(f"process-{pid}", ProcessWorkflow.act, cmd, update_id, ProcessAck)
    return await visible(office, user, pid)
