"""Processes as data (issue 15): templates by version, instances, and the actions people take.

A template upload (operations) is validated by domain/process_template.py (422 with errors
pointing at the node) and stored as the next version. Starting an instance checks the
caller may start it and the form, looks up the people the template and form name, writes
the instance's row, then starts `process-<id>` with the template version and form in its
input and answers once its first step is recorded. Actions are one update, validated by the
workflow against domain/process_rules.py: wrong person 403, wrong node or status 409, bad
body 422. Every POST takes an `Idempotency-Key`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request
from pydantic import BaseModel, Field

from api.auth import require_role
from api.deps import AppSettings, CurrentUser, Pool, Services, StaffUser
from api.errors import responses
from api.idempotency import IdempotencyKey, once
from domain.errors import Invalid
from domain.flaws import codes
from domain.models import Role
from domain.process_models import PROCESS_ID_PATTERN, ProcessActionIn
from domain.process_template import KEY_PATTERN, TemplateInvalid, parse
from jindu.services import process_catalogue as catalogue
from jindu.services import processes as uc
from jindu.services.process_catalogue import ProcessList, TemplateList
from jindu.services.processes import ProcessStarted, ProcessStartIn
from store import process_figures, process_templates
from store.process_reads import ProcessDetail
from store.process_templates import TemplateVersion

router = APIRouter(tags=["processes"])
TemplateKey = Annotated[str, Path(description="The template's key", pattern=KEY_PATTERN)]
ProcessId = Annotated[str, Path(description="The process instance id", pattern=PROCESS_ID_PATTERN)]


class TemplateCreated(BaseModel):
    key: str
    version: int
    created: bool = Field(description="False when the body equals the latest version (a retried upload)")


class FiguresOut(BaseModel):
    items: list[process_figures.TemplateFigures]


@router.get("/v1/process-templates", response_model=TemplateList, summary="Process templates",
            responses=responses(401, 403))  # fmt: skip
async def get_templates(user: StaffUser, office: Services) -> TemplateList:
    """The latest version of every template; `starters` says which roles may start each."""
    return await catalogue.templates(office, user)


@router.get("/v1/process-templates/{key}", response_model=list[TemplateVersion], summary="A template's versions",
            responses=responses(401, 403, 404))  # fmt: skip
async def get_template(key: TemplateKey, user: StaffUser, office: Services) -> list[TemplateVersion]:
    """Every version of one template, oldest first; running instances keep the version they started on."""
    return await catalogue.template_versions(office, user, key)


@router.post("/v1/process-templates", status_code=201, response_model=TemplateCreated,
             summary="Upload a template (a new version)", responses=responses(401, 403, 422))  # fmt: skip
async def post_template(request: Request, user: CurrentUser, pool: Pool,
                        body: Annotated[dict[str, Any], Body(description="The template")],
                        key: IdempotencyKey = None) -> Any:  # fmt: skip
    """Operations upload a template; errors point at the node (`nodes[3].approvers: unknown role "hr"`)."""
    require_role(user, Role.operations, action="upload process templates")
    try:
        template = parse(body)
    except TemplateInvalid as err:
        raise Invalid("; ".join(err.errors)[:4000], "template_invalid", errors=err.errors,
                      flaws=codes(err.flaws)) from None  # fmt: skip

    async def upload(_: str | None) -> tuple[int, TemplateCreated]:
        created, version = await process_templates.upload(pool, template, user.id, user.name)
        return 201 if created else 200, TemplateCreated(key=template.key, version=version, created=created)

    return await once(request, pool, user.id, key, upload)


@router.get("/v1/process-figures", response_model=FiguresOut, summary="How each process runs",
            responses=responses(401, 403))  # fmt: skip
async def get_figures(user: StaffUser, pool: Pool,
                      template: Annotated[str | None, Query(pattern=KEY_PATTERN)] = None) -> FiguresOut:  # fmt: skip
    """Per template: instances by status, median and p90 seconds per node, overdue instances and
    each approver's median response (operations, executive and auditors)."""
    require_role(user, Role.operations, Role.executive, Role.auditor, action="see process figures")
    return FiguresOut(items=await process_figures.figures(pool, template))


# --------------------------------------------------------------------------- instances


@router.post("/v1/processes", status_code=201, response_model=ProcessStarted, summary="Start a process",
             responses=responses(401, 403, 404, 422))  # fmt: skip
async def start_process(request: Request, body: ProcessStartIn, user: StaffUser, pool: Pool, services: Services,
                        settings: AppSettings, key: IdempotencyKey = None) -> Any:  # fmt: skip
    """Anyone whose role the template's `starters` name starts an instance of its latest version
    with a form; it answers once the first node waits (`pending`: who)."""

    async def starting(update_id: str | None) -> tuple[int, ProcessStarted]:
        created, started = await uc.start(services, user, body, settings.task_queue, key)
        return (201 if created else 200), started

    return await once(request, pool, user.id, key, starting)


@router.get("/v1/processes", response_model=ProcessList, summary="Process instances", responses=responses(401, 422))
async def list_processes(user: StaffUser, office: Services,
                         q: Annotated[catalogue.ProcessQuery, Query()]) -> ProcessList:  # fmt: skip
    """The instances the caller may see, newest first: those they started, acted on or are
    waited on by, their department's (dept_heads), all (executive, operations, auditors)."""
    return await catalogue.instances(office, user, q)


@router.get("/v1/processes/{process_id}", response_model=ProcessDetail, summary="One process instance",
            responses=responses(401, 404))  # fmt: skip
async def get_process(process_id: ProcessId, user: StaffUser, office: Services) -> ProcessDetail:
    """One process instance: its template version, form, where it waits, who decided what (its history)."""
    return await uc.visible(office, user, process_id)


@router.post("/v1/processes/{process_id}/actions", response_model=ProcessDetail, summary="Act on a process",
             responses=responses(401, 403, 404, 409, 422))  # fmt: skip
async def act(request: Request, process_id: ProcessId, body: ProcessActionIn, user: StaffUser, pool: Pool,
              services: Services, key: IdempotencyKey = None) -> Any:  # fmt: skip
    """`approve`, `reject` (comment = the reason), `return` (to_node, default the last passed),
    `withdraw` (the applicant, before any decision), `transfer` / `add_signer` (to_user;
    position before|after), `urge`, `comment`, `complete` (a task's fields). Answers with the
    instance as recorded."""

    async def acting(update_id: str | None) -> tuple[int, ProcessDetail]:
        return 200, await uc.act(services, user, process_id, body, update_id)

    return await once(request, pool, user.id, key, acting)


