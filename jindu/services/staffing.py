"""Operations staff the workspace (issue 17): create a person (with a sign-in link, and
contacts so they can ask for links themselves) and move one to another department. The same
rules as `jindu user create` / `jindu user move` (store.users.create_user: a name, unique; an
agent or dept_head needs a department), recorded in `user_events` as done by the caller.
Departments themselves are named with jindu.services.code_names.name_code."""

from __future__ import annotations

from datetime import timedelta

import asyncpg
from pydantic import BaseModel, ConfigDict, Field

from domain.errors import Invalid, NotFound
from domain.models import Role
from jindu.services.office import Office
from jindu.services.users import MANAGE, _by, signin_url
from jindu.storable import Email, Mobile, storable
from store import people
from store.contacts import set_contact
from store.people import By, PersonRecord
from store.sessions import issue_signin_link
from store.users import DEPARTMENT_ROLES, User, create_user


class NewUserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: storable(200) = Field(description="The person's name, unique")
    role: Role
    department: storable(100) | None = Field(default=None, description="Department code; agents and dept_heads")
    email: Email = Field(default=None, description="E-mail: where they get sign-in links")
    mobile: Mobile = Field(default=None, description="Mobile number")


class CreatedUser(BaseModel):
    user: PersonRecord
    token: str = Field(description="Their API token, shown once")
    url: str = Field(description="A one-time sign-in link to hand to them")
    expires_in_hours: float = Field(description="Hours until the link expires")


class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    department: storable(100) = Field(description="The department code they now work in")
    reason: storable(1000) = Field(default="", description="Why (recorded)")


async def create_person(office: Office, user: User, body: NewUserIn, public_url: str, hours: float) -> CreatedUser:
    MANAGE.check(user)
    made, token = await create_user(office.pool, name=body.name, role=body.role, department=body.department)
    await people.record_user_event(office.pool, made.id, "created", _by(user))
    if (body.email or body.mobile) and office.cipher is not None:
        await set_contact(office.pool, made.id, office.cipher, mobile=body.mobile, email=body.email,
                          channels=["email"] if body.email and body.role == Role.customer else [], lang="zh")
    code = await issue_signin_link(office.pool, made.id, timedelta(hours=hours))
    await people.record_user_event(office.pool, made.id, "signin_link_issued", _by(user))
    found = await people.person(office.pool, made.id)
    assert found is not None
    return CreatedUser(user=found, token=token, url=signin_url(public_url, code), expires_in_hours=hours)


async def move_department(office: Office, user: User, user_id: str, body: MoveIn) -> PersonRecord:
    MANAGE.check(user)
    return await move(office.pool, user_id, body, _by(user))


async def move(pool: asyncpg.Pool, user_id: str, body: MoveIn, by: By) -> PersonRecord:
    """An agent or dept_head to another department; their projects stay where they are (a
    project belongs to its department: hand its work over with the operator actions)."""
    found = await people.person(pool, user_id)
    if found is None:
        raise NotFound(f"no user {user_id}", "no_user", user=user_id)
    if found.role not in DEPARTMENT_ROLES:
        raise Invalid(f"department: a {found.role.value} works for no one department",
                      "no_department_role", role=found.role.value)
    department = body.department.strip()
    await pool.execute("UPDATE users SET department = $2 WHERE id = $1", user_id, department)
    await people.record_user_event(pool, user_id, "moved", by,
                                   f"{found.department} → {department}" + (f": {body.reason}" if body.reason else ""))
    moved = await people.person(pool, user_id)
    assert moved is not None
    return moved
