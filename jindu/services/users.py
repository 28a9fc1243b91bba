"""People administration's use cases (issue 8): list users, deactivate, reactivate, rotate a
token, issue a sign-in link, set contacts. Operations only (a person may set their own
contact); each action is recorded in `user_events` as done by the caller. The API
(api/routes/users.py) and the workspace call these."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator

from domain.errors import Conflict, Forbidden, Invalid, NotFound
from domain.models import Role
from jindu.services.office import Office
from jindu.services.projects import Permit
from jindu.storable import Email, Mobile, storable
from store import people
from store.contacts import CHANNELS, set_contact
from store.people import By, PersonRecord, UserEvent
from store.sessions import end_all_sessions, issue_signin_link
from store.users import User, departments_unserved

MANAGE = Permit((Role.operations,), "manage users")


class UserPage(BaseModel):
    items: list[PersonRecord]
    total: int
    limit: int
    offset: int


class UserQuery(BaseModel):
    """Which users to list (the workspace's filters, as the API's query reads them)."""

    role: Role | None = None
    active: bool | None = None
    department: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=1_000_000)


class UserDetail(BaseModel):
    user: PersonRecord
    events: list[UserEvent] = Field(description="Recorded operator actions on this user, newest first")


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: storable(1000) = Field(default="", description="Why (recorded with the action)")


class RotatedToken(BaseModel):
    user: PersonRecord
    token: str = Field(description="The new bearer token, shown once; the old one no longer works")


class SigninLink(BaseModel):
    user: PersonRecord
    url: str = Field(description="One-time sign-in link to the web workspace")
    expires_in_hours: float = Field(description="Hours until the link expires")


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mobile: Mobile = Field(default=None, description="Mobile number for robot @mentions")
    email: Email = Field(default=None, description="E-mail address")
    channels: list[str] = Field(default_factory=list, max_length=4,
                                description="Preferred channels: wecom, dingtalk, feishu, email")
    lang: str = Field(default="zh", pattern="^(zh|en)$", description="Language of messages: zh or en")

    @field_validator("channels")
    @classmethod
    def _channels(cls, v: list[str]) -> list[str]:
        unknown = sorted(set(v) - set(CHANNELS))
        if unknown:
            raise ValueError(f"unknown channels {', '.join(unknown)}; use {', '.join(CHANNELS)}")
        return v


def _by(user: User) -> By:
    return By(name=user.name, user_id=user.id)


async def list_users(office: Office, user: User, *, role: Role | None = None, active: bool | None = None,
                     department: str | None = None, limit: int = 50, offset: int = 0) -> UserPage:  # fmt: skip
    """By name; contacts are never shown, only whether they are on file."""
    MANAGE.check(user)
    items, total = await people.list_people(office.pool, role=role.value if role else None, active=active,
                                            department=department, limit=limit, offset=offset)  # fmt: skip
    return UserPage(items=items, total=total, limit=limit, offset=offset)


async def user_detail(office: Office, user: User, user_id: str) -> UserDetail:
    MANAGE.check(user)
    found = await people.person(office.pool, user_id)
    if found is None:
        raise NotFound(f"no user {user_id}", "no_user", user=user_id)
    return UserDetail(user=found, events=await people.user_events(office.pool, user_id))


def _by(user: User) -> By:
    return By(name=user.name, user_id=user.id)


async def deactivate(office: Office, user: User, user_id: str, body: ReasonIn | None = None) -> PersonRecord:
    """Their token and web sessions stop working at once; not oneself (409)."""
    MANAGE.check(user)
    if user_id == user.id:
        raise Conflict("you cannot deactivate yourself; ask another operations user", "deactivate_self")
    return await people.deactivate(office.pool, user_id, _by(user), (body or ReasonIn()).reason)


async def reactivate(office: Office, user: User, user_id: str, body: ReasonIn | None = None) -> PersonRecord:
    MANAGE.check(user)
    return await people.reactivate(office.pool, user_id, _by(user), (body or ReasonIn()).reason)


async def rotate_token(office: Office, user: User, user_id: str, body: ReasonIn | None = None) -> RotatedToken:
    MANAGE.check(user)
    found, token = await people.rotate_token(office.pool, user_id, _by(user), (body or ReasonIn()).reason)
    return RotatedToken(user=found, token=token)


async def end_sessions(office: Office, user: User, user_id: str, body: ReasonIn | None = None) -> PersonRecord:
    """Sign a person out everywhere: every web session of theirs ends at once (their API
    token is untouched; rotate it too if it may be known)."""
    MANAGE.check(user)
    found = await people.person(office.pool, user_id)
    if found is None:
        raise NotFound(f"no user {user_id}", "no_user", user=user_id)
    await end_all_sessions(office.pool, user_id, by="operations")
    await people.record_user_event(office.pool, user_id, "sessions_ended", _by(user), (body or ReasonIn()).reason)
    return found


async def signin_link(office: Office, user: User, user_id: str, public_url: str, hours: float) -> SigninLink:
    """A new one-time link to hand to the person; a deactivated user gets none (409)."""
    MANAGE.check(user)
    found = await people.person(office.pool, user_id)
    if found is None:
        raise NotFound(f"no user {user_id}", "no_user", user=user_id)
    if not found.active:
        raise Conflict(f"user {found.name} is deactivated", "deactivated_user", who=found.name)
    code = await issue_signin_link(office.pool, user_id, timedelta(hours=hours))
    await people.record_user_event(office.pool, user_id, "signin_link_issued", _by(user))
    return SigninLink(user=found, url=signin_url(public_url, code), expires_in_hours=hours)


async def set_contact_of(office: Office, user: User, user_id: str, body: ContactIn) -> PersonRecord:
    """Operations, or the person themself. A customer is notified only on the channels given."""
    if user.role != Role.operations and user.id != user_id:
        raise Forbidden("only operations or the person themself may change a contact", "contact_by")
    if "email" in body.channels and not body.email:
        raise Invalid("channels: e-mail needs an e-mail address", "email_needed")
    async with office.pool.acquire() as conn, conn.transaction():
        if not await set_contact(conn, user_id, office.cipher, mobile=body.mobile, email=body.email,
                                 channels=body.channels, lang=body.lang):  # fmt: skip
            raise NotFound(f"no user {user_id}", "no_user", user=user_id)
        await people.record_user_event(conn, user_id, "contact_changed", _by(user))
        found = await people.person(conn, user_id)
        assert found is not None
        return found


def signin_url(public_url: str, code: str) -> str:
    return f"{public_url.rstrip('/')}/signin/link?code={code}"


async def revisits_unserved(office: Office, assignee: str) -> list[str]:
    """The departments whose revisit rounds would wait in nobody's inbox until they escalate: the
    policy gives rounds to customer service 客服 (`revisit.assignee`, issue 14), and a round is
    seen by the active customer-service users of its department and those of the whole company
    (store/service_inbox.py) — here there are none. Empty when rounds go to the agents."""
    if assignee != Role.customer_service.value:
        return []
    return await departments_unserved(office.pool, assignee)
