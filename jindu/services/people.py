"""Commands built from the user names people type: hand work to someone else, decide for an
absent approver, name the owners of a warning's measures. The use cases
(jindu/services/projects.py) build them here for the API, the workspace and `jindu project`
alike; the workflow's update validators then decide (domain/guards.py)."""

from __future__ import annotations

import asyncpg

from api.auth import DEPARTMENT_BOUND, actor
from domain.commands import DecideCommand, DecisionIn, WarningAnalysisCommand, WarningAnalysisIn
from domain.errors import Invalid
from domain.models import STAFF_ROLES, Role
from domain.operator_commands import ReassignCommand, ReassignIn
from store.people import PersonRecord, person_by_name
from store.reads import ProjectAccess
from store.users import User, active_users_by_names

APPROVER_ROLES = (Role.dept_head, Role.executive)


def as_user(person: PersonRecord) -> User:
    return User(id=person.id, name=person.name, role=person.role, department=person.department)


async def operations_user(pool: asyncpg.Pool, name: str) -> User | None:
    """An active operations user by name: who `jindu project --by` acts as."""
    found = await person_by_name(pool, name)
    if found is None or not found.active or found.role != Role.operations:
        return None
    return as_user(found)


async def reassign_command(pool: asyncpg.Pool, user: User, body: ReassignIn,
                           project: ProjectAccess) -> ReassignCommand:  # fmt: skip
    """The new assignee is an active staff member; an agent or a dept_head of the project's
    department, since no other could open the project (api/auth.py). The workflow checks
    that their role is the one the work needs."""
    to = await person_by_name(pool, body.to)
    if to is None or to.role not in STAFF_ROLES:
        raise Invalid(f"to: no staff member named {body.to!r}", "no_one_named", who=body.to)
    if not to.active:
        raise Invalid(f"to: {body.to!r} is deactivated; hand the work to an active user",
                      "deactivated_hand_over", who=body.to)
    if to.role in DEPARTMENT_BOUND and to.department != project.department:
        raise Invalid(f"to: {body.to!r} works in {to.department}, not in the project's department {project.department}",
                      "works_elsewhere", who=body.to, department=to.department, theirs=project.department)
    return ReassignCommand(actor=actor(user), body=body, to=actor(as_user(to)))


async def decide_command(pool: asyncpg.Pool, user: User, body: DecisionIn, on_behalf_of: str | None) -> DecideCommand:
    """An approver decides for themself; operations only for a named dept_head or executive
    (absent, so possibly deactivated), recorded as done by the operations user on behalf of
    that approver."""
    behalf = None
    if on_behalf_of is not None:
        found = await person_by_name(pool, on_behalf_of)
        if found is None or found.role not in APPROVER_ROLES:
            raise Invalid(f"on_behalf_of: no dept_head or executive named {on_behalf_of!r}",
                          "no_one_named", who=on_behalf_of)
        behalf = actor(as_user(found))
    elif user.role == Role.operations:
        raise Invalid("operations decide only on behalf of an approver: name them in on_behalf_of", "name_approver")
    return DecideCommand(actor=actor(user), body=body, on_behalf_of=behalf)


async def warning_analysis_command(pool: asyncpg.Pool, user: User, body: WarningAnalysisIn) -> WarningAnalysisCommand:
    """Each measure's owner is an active staff member named by user name (unknown or
    deactivated: 422)."""
    names = sorted({m.owner for m in body.measures})
    found = await active_users_by_names(pool, names)
    unknown = [n for n in names if n not in found or found[n].role not in STAFF_ROLES]
    if unknown:
        raise Invalid(f"measures[].owner: no active staff member named {', '.join(unknown)}",
                      "no_one_named", who=unknown)
    return WarningAnalysisCommand(actor=actor(user), body=body, owners={n: actor(u) for n, u in found.items()})
