"""Safe operator actions on users (issue 8): list, deactivate, reactivate, rotate a token,
issue a sign-in link, set contacts. Operations only (a person may set their own contact).
Each action is recorded in `user_events` as done by the caller."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.deps import AppSettings, Cipher, CurrentUser, Pool, role
from api.errors import responses
from domain.errors import Conflict, Forbidden, Invalid, NotFound
from domain.models import Role
from jindu.storable import EMAIL, MOBILE, storable
from store import people
from store.contacts import CHANNELS, set_contact
from store.people import By, PersonRecord, UserEvent
from store.sessions import issue_signin_link
from store.users import User

router = APIRouter(prefix="/v1/users", tags=["users"])
Operations = Annotated[User, role(Role.operations, action="manage users")]
UserId = Annotated[str, Path(max_length=64, description="The user's id")]


class UserPage(BaseModel):
    items: list[PersonRecord]
    total: int
    limit: int
    offset: int


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
    mobile: storable(20) | None = Field(default=None, description="Mobile number for robot @mentions")
    email: storable(254) | None = Field(default=None, description="E-mail address")
    channels: list[str] = Field(default_factory=list, max_length=4,
                                description="Preferred channels: wecom, dingtalk, feishu, email")
    lang: str = Field(default="zh", pattern="^(zh|en)$", description="Language of messages: zh or en")

    @field_validator("mobile")
    @classmethod
    def _mobile(cls, v: str | None) -> str | None:
        if v and not MOBILE.match(v):
            raise ValueError("not a mobile number")
        return v or None

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        if v and not EMAIL.match(v):
            raise ValueError("not an e-mail address")
        return v or None

    @field_validator("channels")
    @classmethod
    def _channels(cls, v: list[str]) -> list[str]:
        unknown = sorted(set(v) - set(CHANNELS))
        if unknown:
            raise ValueError(f"unknown channels {', '.join(unknown)}; use {', '.join(CHANNELS)}")
        return v


def _by(user: User) -> By:
    return By(name=user.name, user_id=user.id)


@router.get("", response_model=UserPage, summary="List users", responses=responses(401, 403, 422))
async def list_users(
    user: Operations, pool: Pool,
    role_: Annotated[Role | None, Query(alias="role", description="Only this role")] = None,
    active: Annotated[bool | None, Query(description="Only active (true) or deactivated (false) users")] = None,
    department: Annotated[str | None, Query(max_length=200, description="Only this department")] = None,
    limit: Annotated[int, Query(ge=1, le=200, description="Page size")] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip")] = 0,
) -> UserPage:
    """Operations only; by name. Contacts are never shown, only whether they are on file."""
    items, total = await people.list_people(pool, role=role_.value if role_ else None, active=active,
                                            department=department, limit=limit, offset=offset)
    return UserPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/{user_id}", response_model=UserDetail, summary="One user and the actions recorded on them",
            responses=responses(401, 403, 404))
async def get_user(user_id: UserId, user: Operations, pool: Pool) -> UserDetail:
    """Operations only: the user (contacts never shown) and every recorded operator action on
    them (`user_events`), newest first."""
    found = await people.person(pool, user_id)
    if found is None:
        raise NotFound(f"no user {user_id}")
    return UserDetail(user=found, events=await people.user_events(pool, user_id))


@router.post("/{user_id}/deactivate", response_model=PersonRecord, summary="Deactivate a user",
             responses=responses(401, 403, 404, 409, 422))
async def deactivate_user(user_id: UserId, user: Operations, pool: Pool, body: ReasonIn | None = None) -> PersonRecord:
    """Their token and web sessions stop working at once (401). Already deactivated: 409
    `already_decided`. Operations cannot deactivate themselves (409 `conflict`)."""
    if user_id == user.id:
        raise Conflict("you cannot deactivate yourself; ask another operations user")
    return await people.deactivate(pool, user_id, _by(user), (body or ReasonIn()).reason)


@router.post("/{user_id}/reactivate", response_model=PersonRecord, summary="Reactivate a user",
             responses=responses(401, 403, 404, 409, 422))
async def reactivate_user(user_id: UserId, user: Operations, pool: Pool, body: ReasonIn | None = None) -> PersonRecord:
    """Their existing token works again; web sessions ended by the deactivation stay ended."""
    return await people.reactivate(pool, user_id, _by(user), (body or ReasonIn()).reason)


@router.post("/{user_id}/rotate-token", response_model=RotatedToken, summary="Rotate a user's token",
             responses=responses(401, 403, 404, 422))
async def rotate_user_token(
    user_id: UserId, user: Operations, pool: Pool, body: ReasonIn | None = None
) -> RotatedToken:
    """A new token, shown once; the old token and the user's web sessions stop working."""
    found, token = await people.rotate_token(pool, user_id, _by(user), (body or ReasonIn()).reason)
    return RotatedToken(user=found, token=token)


@router.post("/{user_id}/signin-link", response_model=SigninLink, summary="Issue a one-time sign-in link",
             responses=responses(401, 403, 404, 409))
async def signin_link(user_id: UserId, user: Operations, pool: Pool, settings: AppSettings) -> SigninLink:
    """Operations only: a new one-time link (JINDU_PUBLIC_URL base, expires after
    JINDU_SIGNIN_LINK_HOURS) to hand to the person. A deactivated user gets none (409)."""
    found = await people.person(pool, user_id)
    if found is None:
        raise NotFound(f"no user {user_id}")
    if not found.active:
        raise Conflict(f"user {found.name} is deactivated")
    code = await issue_signin_link(pool, user_id, timedelta(hours=settings.signin_link_hours))
    await people.record_user_event(pool, user_id, "signin_link_issued", _by(user))
    return SigninLink(
        user=found, url=signin_url(settings.public_url, code), expires_in_hours=settings.signin_link_hours
    )


@router.put("/{user_id}/contact", response_model=PersonRecord, summary="Set a user's contact and channels",
            responses=responses(401, 403, 404, 422))
async def put_contact(user_id: UserId, body: ContactIn, user: CurrentUser, pool: Pool, cipher: Cipher) -> PersonRecord:
    """Operations, or the person themself. A customer is notified only on the channels given here."""
    if user.role != Role.operations and user.id != user_id:
        raise Forbidden("only operations or the person themself may change a contact")
    if "email" in body.channels and not body.email:
        raise Invalid("channels: e-mail needs an e-mail address")
    async with pool.acquire() as conn, conn.transaction():
        if not await set_contact(conn, user_id, cipher, mobile=body.mobile, email=body.email,
                                 channels=body.channels, lang=body.lang):
            raise NotFound(f"no user {user_id}")
        await people.record_user_event(conn, user_id, "contact_changed", _by(user))
        return await people.person(conn, user_id)


def signin_url(public_url: str, code: str) -> str:
    return f"{public_url.rstrip('/')}/signin/link?code={code}"
