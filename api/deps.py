"""Request dependencies as `Annotated` aliases (STYLE.md §8): what a route needs, by name.

Every dependency is `async def`, even where it only reads the app's state: FastAPI runs a
plain `def` dependency in its thread pool, a thread hop per dependency per request."""

from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo

import asyncpg
from fastapi import Depends, Path, Request
from temporalio.client import Client

from api.auth import check_visible, current_user, require_role
from domain.commands import PROJECT_ID_PATTERN
from domain.errors import NotFound
from domain.models import STAFF_ROLES, Role
from domain.policy import ProjectPolicy
from jindu.services.office import Office
from jindu.settings import Settings
from store.crypto import DataCipher
from store.reads import ProjectAccess, project_access
from store.users import User


async def _pool(request: Request) -> asyncpg.Pool:
    return request.app.state.pool


async def _client(request: Request) -> Client:
    return request.app.state.client


async def _cipher(request: Request) -> DataCipher:
    return request.app.state.cipher


async def _policy(request: Request) -> ProjectPolicy:
    return request.app.state.policy


async def _settings(request: Request) -> Settings:
    return request.app.state.settings


async def _tz(request: Request) -> ZoneInfo:
    return ZoneInfo(request.app.state.policy.calendar.timezone)


def office_of(request: Request) -> Office:
    """The use cases' office (jindu/services), marking the request once an update left it:
    an outage after that is answered "may have applied" (api/errors.py)."""
    return Office.of(request.app.state, on_send=lambda: setattr(request.state, "sent_to_temporal", True))


async def _office(request: Request) -> Office:
    return office_of(request)


Pool = Annotated[asyncpg.Pool, Depends(_pool)]
Services = Annotated[Office, Depends(_office)]
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


async def visible_project(request: Request, project_id: ProjectId, user: CurrentUser) -> ProjectAccess:
    """The path's project if the caller may see it; read with the caller (api/auth.py) when it was.
    (The pool from the app's state, not a `Pool` dependency: each one costs FastAPI's resolver.)"""
    return await visible_to(request, project_id, user)


async def visible_to(request: Request, project_id: str, user: User) -> ProjectAccess:
    """`visible_project`'s check, for dependencies that take the path's id themselves."""
    known = getattr(request.state, "project_access", None)
    project = (known[1] if known is not None and known[0] == project_id
               else await project_access(request.app.state.pool, project_id))  # fmt: skip
    if project is None:
        raise NotFound(f"no project {project_id}", "no_project", project_id=project_id)
    check_visible(user, project)
    return project


VisibleProject = Annotated[ProjectAccess, Depends(visible_project)]
