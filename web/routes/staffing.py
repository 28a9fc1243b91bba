"""用户管理, staffing (issue 17): operations create a person, move one to another department
and add a department, through the use cases the API and `jindu user` call
(jindu/services/staffing.py, jindu/services/code_names.py). The user list and its other
actions are web/routes/admin.py."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import office_of
from jindu.services import code_names, staffing
from store.code_names import CodeNameIn
from web.api import as_body, attempt
from web.errors import problem
from web.routes.admin import _users_page
from web.session import SignedIn, check_csrf

router = APIRouter(include_in_schema=False)


def _field(form, name: str) -> str | None:
    return str(form.get(name) or "").strip() or None


async def _answered(request: Request, visitor, work, staffed: str) -> Response:
    answer = await attempt(request, work)
    if not answer.ok:
        return await _users_page(request, visitor, status=answer.status, failure=problem(answer, visitor.lang))
    if staffed == "created":  # the sign-in link, shown once, to hand to the person
        shown = {"action": "link", "user": answer.body["user"], "url": answer.body["url"]}  # not the API token
        return await _users_page(request, visitor, secret=shown, staffed=staffed)
    return await _users_page(request, visitor, staffed=staffed)


@router.post("/staff/new")
async def new_person(request: Request, visitor: SignedIn) -> Response:
    form = await check_csrf(request, visitor)
    settings = request.app.state.settings

    async def creating():
        body = as_body(staffing.NewUserIn, {k: _field(form, k) for k in ("name", "role", "department", "email",
                                                                          "mobile")})  # fmt: skip
        return await staffing.create_person(office_of(request), visitor.user, body, settings.public_url,
                                            settings.signin_link_hours)  # fmt: skip

    return await _answered(request, visitor, creating(), "created")


@router.post("/staff/{user_id}/department")
async def move(request: Request, user_id: str, visitor: SignedIn) -> Response:
    form = await check_csrf(request, visitor)

    async def moving():
        body = as_body(staffing.MoveIn, {"department": _field(form, "department"), "reason": _field(form, "reason")
                                         or ""})  # fmt: skip
        return await staffing.move_department(office_of(request), visitor.user, user_id, body)

    return await _answered(request, visitor, moving(), "moved")


@router.post("/staff/departments")
async def add_department(request: Request, visitor: SignedIn) -> Response:
    form = await check_csrf(request, visitor)

    async def naming():
        names = as_body(CodeNameIn, {"name_zh": _field(form, "name_zh"), "name_en": _field(form, "name_en")})
        department = await code_names.name_code(request.app.state.pool, visitor.user, "department",
                                                str(_field(form, "code") or ""), names)  # fmt: skip
        request.app.state.code_names.stale()
        await request.app.state.code_names.fresh(request.app.state.pool)
        return department

    return await _answered(request, visitor, naming(), "department")
