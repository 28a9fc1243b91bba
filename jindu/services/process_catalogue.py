"""What staff read of processes (issue 15): the templates, a template's versions and the
instances they may see. The API's GETs and the workspace's process pages both come here."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.auth import require_role
from domain.errors import NotFound
from domain.models import STAFF_ROLES
from domain.process_template import KEY_PATTERN
from jindu.services.office import Office
from store import process_reads, process_templates
from store.process_reads import ProcessRecord
from store.process_templates import TemplateVersion
from store.users import User


def _staff(user: User) -> None:
    require_role(user, *STAFF_ROLES, action="see staff views")


class TemplateList(BaseModel):
    items: list[TemplateVersion] = Field(description="The latest version of each template")


async def templates(office: Office, user: User) -> TemplateList:
    """The latest version of every template; `starters` says which roles may start each."""
    _staff(user)
    return TemplateList(items=await process_templates.latest_all(office.pool))


async def template_versions(office: Office, user: User, key: str) -> list[TemplateVersion]:
    """Every version of one template, oldest first (404 when there is none)."""
    _staff(user)
    found = await process_templates.versions(office.pool, key)
    if not found:
        raise NotFound(f"no process template {key}", "no_template", template=key)
    return found


class ProcessQuery(BaseModel):
    template: str | None = Field(default=None, pattern=KEY_PATTERN)
    status: Literal["running", "completed", "rejected", "withdrawn", "terminated"] | None = None
    mine: bool = Field(default=False, description="Only those the caller started")
    limit: int = Field(default=50, ge=1, le=200)


class ProcessList(BaseModel):
    items: list[ProcessRecord]


async def instances(office: Office, user: User, q: ProcessQuery) -> ProcessList:
    """The instances the caller may see, newest first."""
    _staff(user)
    return ProcessList(items=await process_reads.list_processes(office.pool, user, template=q.template,
                                                                status=q.status, mine=q.mine, limit=q.limit))
