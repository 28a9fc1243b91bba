"""Who is calling, and what they may see (DESIGN.md §HTTP API contract, RULES §Roles).

Visibility: agents and dept_heads see their own department's projects; executive,
operations and auditor see all; a customer sees only the projects naming their account.
A customer is told 404 for anyone else's project (its existence is not theirs to know);
staff of another department are told 403.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from domain.commands import PROJECT_ID_PATTERN
from domain.errors import Forbidden, NotFound, Unauthorized
from domain.models import Actor, Role
from store.reads import ProjectAccess
from store.users import User, user_and_project_by_token, user_by_token

bearer = HTTPBearer(auto_error=False, description="The token printed by `jindu user create`")

DEPARTMENT_BOUND = frozenset({Role.agent, Role.dept_head})
PROJECT_ID = re.compile(PROJECT_ID_PATTERN)
SEES_EVERY_PROJECT = frozenset({Role.executive, Role.operations, Role.auditor})


async def current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User:
    if credentials is None or not credentials.credentials:
        raise Unauthorized("missing bearer token: send `Authorization: Bearer <token>`", "token_missing")
    project_id = request.path_params.get("project_id")
    if project_id is None or not PROJECT_ID.match(project_id):  # a malformed id: the route's 422
        user = await user_by_token(request.app.state.pool, credentials.credentials)
    else:  # read with the caller, for api/deps.py `visible_project`: one round trip, not two
        user, project = await user_and_project_by_token(request.app.state.pool, credentials.credentials, project_id)
        request.state.project_access = (project_id, project)
    if user is None:
        raise Unauthorized("unknown bearer token", "token_unknown")
    request.state.user = user  # for api/routes/actions.py `admitted`, which runs after
    return user


def actor(user: User) -> Actor:
    """The acting user as workflows see them: a customer by id only (no identity in Temporal)."""
    name = None if user.role == Role.customer else user.name
    return Actor(user_id=user.id, name=name, role=user.role, department=user.department)


def require_role(user: User, *roles: Role, action: str) -> None:
    if user.role not in roles:
        allowed = " or ".join(r.value for r in roles)
        raise Forbidden(f"only {allowed} may {action}, not a {user.role.value}",
                        "role_may", roles=[r.value for r in roles], role=user.role.value)


def check_visible(user: User, project: ProjectAccess) -> None:
    if user.role == Role.customer:
        if project.customer_user_id != user.id:
            raise NotFound(f"no project {project.id}", "no_project", project_id=project.id)
    elif user.role in DEPARTMENT_BOUND and user.department != project.department:
        raise Forbidden(f"project {project.id} belongs to department {project.department}, not {user.department}",
                        "other_department_project", project_id=project.id, department=project.department,
                        theirs=user.department)


class CustomerAccess(Enum):
    full = "full"
    masked = "masked"
    none = "none"


def customer_access(user: User, project: ProjectAccess) -> CustomerAccess:
    """RULES §Customer information: personal data only for authorised staff and the customer."""
    if user.role == Role.customer:
        return CustomerAccess.full if project.customer_user_id == user.id else CustomerAccess.none
    if user.role in DEPARTMENT_BOUND:
        return CustomerAccess.full if user.department == project.department else CustomerAccess.none
    if user.role in (Role.executive, Role.operations):
        return CustomerAccess.full
    if user.role == Role.auditor:
        return CustomerAccess.masked
    return CustomerAccess.none
