"""Request dependencies as `Annotated` aliases (STYLE.md §8): what a route needs, by name."""

from __future__ import annotations

import asyncio
from typing import Annotated

import asyncpg
from fastapi import Depends, Path, Request
from temporalio.client import Client, WorkflowUpdateRPCTimeoutOrCancelledError

from api.auth import check_visible, current_user, require_role
from domain.errors import NotFound, Unavailable
from domain.models import STAFF_ROLES, Command, ProjectState, Role, workflow_id
from domain.policy import ProjectPolicy
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


class ProjectWorkflows:
    """Sends commands to projects' workflows, each answered within JINDU_UPDATE_TIMEOUT_SECONDS."""

    def __init__(self, client: Client, timeout: float) -> None:
        self.client, self.timeout = client, timeout

    async def update(self, project_id: str, name: str, cmd: Command) -> ProjectState:
        handle = self.client.get_workflow_handle(workflow_id(project_id))
        try:
            return await asyncio.wait_for(
                handle.execute_update(name, cmd, result_type=ProjectState), timeout=self.timeout
            )
        except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError) as err:
            raise Unavailable(
                f"no worker answered within {self.timeout:g} s: the action may still be applied "
                "once a worker runs; read the project before sending it again"
            ) from err


def _workflows(request: Request) -> ProjectWorkflows:
    return ProjectWorkflows(request.app.state.client, request.app.state.settings.update_timeout_seconds)


Pool = Annotated[asyncpg.Pool, Depends(_pool)]
Workflows = Annotated[ProjectWorkflows, Depends(_workflows)]
TemporalClient = Annotated[Client, Depends(_client)]
Cipher = Annotated[DataCipher, Depends(_cipher)]
Policy = Annotated[ProjectPolicy, Depends(_policy)]
AppSettings = Annotated[Settings, Depends(_settings)]
CurrentUser = Annotated[User, Depends(current_user)]


def role(*roles: Role, action: str):
    """A dependency admitting only `roles`; it runs before the body is validated."""

    async def check(user: CurrentUser) -> User:
        require_role(user, *roles, action=action)
        return user

    return Depends(check)


StaffUser = Annotated[User, role(*STAFF_ROLES, action="see staff views")]


async def visible_project(
    project_id: Annotated[str, Path(description="The project id")], user: CurrentUser, pool: Pool
) -> ProjectAccess:
    project = await project_access(pool, project_id)
    if project is None:
        raise NotFound(f"no project {project_id}")
    check_visible(user, project)
    return project


VisibleProject = Annotated[ProjectAccess, Depends(visible_project)]
