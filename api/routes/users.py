"""Safe operator actions on users (issue 8): list, deactivate, reactivate, rotate a token,
issue a sign-in link, set contacts. Each route is the HTTP face of a use case
(jindu/services/users.py), which the workspace calls too. Operations only (a person may set
their own contact). Each action is recorded in `user_events` as done by the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import AppSettings, CurrentUser, Services
from api.errors import responses
from api.routes.actions import permitted
from domain.models import Role
from jindu.services import staffing
from jindu.services import users as uc
from jindu.services.staffing import CreatedUser, MoveIn, NewUserIn
from jindu.services.users import ContactIn, ReasonIn, RotatedToken, SigninLink, UserDetail, UserPage, signin_url
from store.people import PersonRecord
from store.users import User

__all__ = ["ContactIn", "router", "signin_url"]
router = APIRouter(prefix="/v1/users", tags=["users"])
Operations = Annotated[User, permitted(uc.MANAGE)]
UserId = Annotated[str, Path(max_length=64, description="The user's id")]


@router.get("", response_model=UserPage, summary="List users", responses=responses(401, 403, 422))
async def list_users(
    user: Operations, office: Services,
    role_: Annotated[Role | None, Query(alias="role", description="Only this role")] = None,
    active: Annotated[bool | None, Query(description="Only active (true) or deactivated (false) users")] = None,
    department: Annotated[str | None, Query(max_length=200, description="Only this department")] = None,
    limit: Annotated[int, Query(ge=1, le=200, description="Page size")] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip")] = 0,
) -> UserPage:
    """Operations only; by name. Contacts are never shown, only whether they are on file."""
    return await uc.list_users(office, user, role=role_, active=active, department=department, limit=limit,
                               offset=offset)  # fmt: skip


@router.get("/{user_id}", response_model=UserDetail, summary="One user and the actions recorded on them",
            responses=responses(401, 403, 404))
async def get_user(user_id: UserId, user: Operations, office: Services) -> UserDetail:
    """Operations only: the user (contacts never shown) and every recorded operator action on
    them (`user_events`), newest first."""
    return await uc.user_detail(office, user, user_id)


@router.post("/{user_id}/deactivate", response_model=PersonRecord, summary="Deactivate a user",
             responses=responses(401, 403, 404, 409, 422))
async def deactivate_user(user_id: UserId, user: Operations, office: Services,
                          body: ReasonIn | None = None) -> PersonRecord:  # fmt: skip
    """Their token and web sessions stop working at once (401). Already deactivated: 409
    `already_decided`. Operations cannot deactivate themselves (409 `conflict`)."""
    return await uc.deactivate(office, user, user_id, body)


@router.post("/{user_id}/reactivate", response_model=PersonRecord, summary="Reactivate a user",
             responses=responses(401, 403, 404, 409, 422))
async def reactivate_user(user_id: UserId, user: Operations, office: Services,
                          body: ReasonIn | None = None) -> PersonRecord:  # fmt: skip
    """Their existing token works again; web sessions ended by the deactivation stay ended."""
    return await uc.reactivate(office, user, user_id, body)


@router.post("/{user_id}/rotate-token", response_model=RotatedToken, summary="Rotate a user's token",
             responses=responses(401, 403, 404, 422))
async def rotate_user_token(user_id: UserId, user: Operations, office: Services,
                            body: ReasonIn | None = None) -> RotatedToken:  # fmt: skip
    """A new token, shown once; the old token and the user's web sessions stop working."""
    return await uc.rotate_token(office, user, user_id, body)


@router.post("", response_model=CreatedUser, status_code=201, summary="Create a user",
             responses=responses(401, 403, 409, 422))
async def create_user(body: NewUserIn, user: Operations, office: Services, settings: AppSettings) -> CreatedUser:
    """Operations only, the rules of `jindu user create`: a unique name; an agent or dept_head
    needs a department. Answers their API token (shown once) and a one-time sign-in link; an
    e-mail or mobile given lets them ask for sign-in links themselves."""
    return await staffing.create_person(office, user, body, settings.public_url, settings.signin_link_hours)


@router.post("/{user_id}/move", response_model=PersonRecord, summary="Move a user to another department",
             responses=responses(401, 403, 404, 422))
async def move_user(user_id: UserId, body: MoveIn, user: Operations, office: Services) -> PersonRecord:
    """Operations only; agents and dept_heads (422 for other roles). Their projects stay in
    their department. Recorded as `moved`."""
    return await staffing.move_department(office, user, user_id, body)


@router.post("/{user_id}/signout", response_model=PersonRecord, summary="Sign a user out everywhere",
             responses=responses(401, 403, 404, 422))
async def sign_out_user(user_id: UserId, user: Operations, office: Services,
                        body: ReasonIn | None = None) -> PersonRecord:  # fmt: skip
    """Operations only: every web session of the user ends at once (recorded as
    `sessions_ended`); their API token is untouched."""
    return await uc.end_sessions(office, user, user_id, body)


@router.post("/{user_id}/signin-link", response_model=SigninLink, summary="Issue a one-time sign-in link",
             responses=responses(401, 403, 404, 409))
async def signin_link(user_id: UserId, user: Operations, office: Services, settings: AppSettings) -> SigninLink:
    """Operations only: a new one-time link (JINDU_PUBLIC_URL base, expires after
    JINDU_SIGNIN_LINK_HOURS) to hand to the person. A deactivated user gets none (409)."""
    return await uc.signin_link(office, user, user_id, settings.public_url, settings.signin_link_hours)


@router.put("/{user_id}/contact", response_model=PersonRecord, summary="Set a user's contact and channels",
            responses=responses(401, 403, 404, 422))
async def put_contact(user_id: UserId, body: ContactIn, user: CurrentUser, office: Services) -> PersonRecord:
    """Operations, or the person themself. A customer is notified only on the channels given here."""
    return await uc.set_contact_of(office, user, user_id, body)
