"""Request dependencies as `Annotated` aliases (STYLE.md §8): what a route needs, by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import asyncpg
from fastapi import Depends, Path, Request
from temporalio.client import Client

from api.auth import check_visible, current_user, require_role
from domain.commands import PROJECT_ID_PATTERN, Command
from domain.errors import NotFound
from domain.models import STAFF_ROLES, Role
from domain.policy import ProjectPolicy
from domain.steps import Ack
from jindu.services.office import Office
from jindu.settings import Settings
from store.crypto import DataCipher
from store.reads import ProjectAccess, project_access
from store.users import User


def _pool(request: Request) -> asyncpg.Pool:
    return request.app.state.pool


def _client(request: Request) -> Client:
    return request.app.state.client


def _cipher(request: Request) -> DataCipher:
    return request.app.state.cipher


def _policy(request: Request) -> ProjectPolicy:
    return request.app.state.policy


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _tz(request: Request) -> ZoneInfo:
    return ZoneInfo(request.app.state.policy.calendar.timezone)


def office_of(request: Request) -> Office:
    """The use cases' office (jindu/services), marking the request once an update left it:
    an outage after that is answered "may have applied" (api/errors.py)."""
    return Office.of(request.app.state, on_send=lambda: setattr(request.state, "sent_to_temporal", True))


class ProjectWorkflows:
    """The one sender of workflow updates (jindu/services/office.py), for this request."""

    def __init__(self, request: Request) -> None:
        self.office = office_of(request)

    async def update(self, project_id: str, update: Callable[..., Any], cmd: Command,
                     update_id: str | None = None) -> Ack:  # fmt: skip
        return await self.office.update_project(project_id, update, cmd, update_id)

    async def update_workflow(self, wf_id: str, update: Callable[..., Any], cmd: Command,
                              update_id: str | None = None, result_type: type = Ack) -> Any:  # fmt: skip
        """Any of Jindu's workflows by id: complaints (`complaint-<id>`), revisits (`revisit-<project id>`)."""
        return await self.office.update(wf_id, update, cmd, update_id, result_type)


Pool = Annotated[asyncpg.Pool, Depends(_pool)]
Workflows = Annotated[ProjectWorkflows, Depends(ProjectWorkflows)]
Services = Annotated[Office, Depends(office_of)]
TemporalClient = Annotated[Client, Depends(_client)]
Cipher = Annotated[DataCipher, Depends(_cipher)]
Policy = Annotated[ProjectPolicy, Depends(_policy)]
AppSettings = Annotated[Settings, Depends(_settings)]
CompanyTz = Annotated[ZoneInfo, Depends(_tz)]
CurrentUser = Annotated[User, Depends(current_user)]


def role(*roles: Role, action: str) -> Any:
    """A dependency admitting only `roles`; it runs before the body is validated."""

    async def check(user: CurrentUser) -> User:
        require_role(user, *roles, action=action)
        return user

    return Depends(check)


StaffUser = Annotated[User, role(*STAFF_ROLES, action="see staff views")]
ProjectId = Annotated[str, Path(description="The project id", pattern=PROJECT_ID_PATTERN)]


async def visible_project(project_id: ProjectId, user: CurrentUser, pool: Pool) -> ProjectAccess:
    project = await project_access(pool, project_id)
    if project is None:
        raise NotFound(f"no project {project_id}")
    check_visible(user, project)
    return project


VisibleProject = Annotated[ProjectAccess, Depends(visible_project)]
