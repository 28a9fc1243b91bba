"""Complaints, the revisit and suggestions in the workspace: lists, one complaint with its
reply and confirmation forms, the revisit form, and deciding on suggestions. Every read and
action goes through the `/v1` API as the signed-in user."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from web import forms, service_forms
from web.api import seg
from web.errors import Problem, problem
from web.render import page
from web.session import SignedIn, Visitor, check_csrf
from web.views import DONE_KEYS

router = APIRouter(include_in_schema=False)
FILTERS = ("status", "overdue", "project_id")
PAGE_SIZE = 20
REPLIERS = ("dept_head", "executive", "operations")


def _done(done: str) -> str:
    return done if done in DONE_KEYS else ""


@router.get("/complaints")
async def complaint_list(request: Request, visitor: SignedIn, offset: int = 0, done: str = "") -> Response:
    filters = {k: request.query_params.get(k) for k in FILTERS}
    answer = await visitor.api.get("/v1/complaints", {**filters, "limit": PAGE_SIZE, "offset": max(offset, 0)})
    if not answer.ok:
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    return page(request, "complaints.html", visitor, listing=answer.body, filters=filters, page_size=PAGE_SIZE,
                done=_done(done))  # fmt: skip


@router.get("/complaints/new")
async def complaint_form(request: Request, visitor: SignedIn, project_id: str = "") -> Response:
    return page(request, "complaint_new.html", visitor, values={"project_id": project_id}, problem=None)


@router.post("/complaints/new")
async def file_complaint(request: Request, visitor: SignedIn) -> Response:
    form = await check_csrf(request, visitor)
    answer = await visitor.api.post("/v1/complaints", service_forms.complaint(form))
    if answer.ok:
        return RedirectResponse(f"/complaints/{seg(answer.body['id'])}?done=complaint", status_code=303)
    return page(request, "complaint_new.html", visitor, status=answer.status, values=forms.values(form),
                problem=problem(answer, visitor.lang))  # fmt: skip


def offered(view: dict[str, Any], visitor: Visitor) -> list[str]:
    """The forms to show: a reply while it awaits one, a confirmation once answered."""
    role, status = visitor.user.role.value, view["status"]
    if status in ("open", "in_progress") and role in REPLIERS:
        return ["reply"]
    if status == "answered" and (role in REPLIERS or visitor.user.id == view.get("customer_user_id")):
        return ["confirmation"]
    return []


async def complaint_page(request: Request, visitor: Visitor, complaint_id: str, *, status: int = 200,
                         failed_form: str | None = None, failure: Problem | None = None,
                         values: dict[str, Any] | None = None, done: str = "") -> Response:  # fmt: skip
    answer = await visitor.api.get(f"/v1/complaints/{seg(complaint_id)}")
    if not answer.ok:
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    return page(request, "complaint.html", visitor, status=status, view=answer.body,
                offered=offered(answer.body, visitor), failed_form=failed_form, failure=failure,
                values=values or {}, done=done)  # fmt: skip


@router.get("/complaints/{complaint_id}")
async def complaint(request: Request, complaint_id: str, visitor: SignedIn, done: str = "") -> Response:
    return await complaint_page(request, visitor, complaint_id, done=_done(done))


@router.post("/complaints/{complaint_id}/actions/{action}")
async def complaint_action(request: Request, complaint_id: str, action: str, visitor: SignedIn) -> Response:
    form = await check_csrf(request, visitor)
    if action not in service_forms.COMPLAINT_ACTIONS:
        return page(request, "error.html", visitor, status=404, problem=Problem(404, "", ""))
    path, build = service_forms.COMPLAINT_ACTIONS[action]
    answer = await visitor.api.post(f"/v1/complaints/{seg(complaint_id)}/{path}", build(form))
    if answer.ok:
        return RedirectResponse(f"/complaints/{seg(complaint_id)}?done={action}", status_code=303)
    return await complaint_page(request, visitor, complaint_id, status=answer.status, failed_form=action,
                                failure=problem(answer, visitor.lang), values=forms.values(form))  # fmt: skip


async def revisit_page(request: Request, visitor: Visitor, project_id: str, *, status: int = 200,
                       failure: Problem | None = None, values: dict[str, Any] | None = None,
                       done: str = "") -> Response:  # fmt: skip
    answer = await visitor.api.get(f"/v1/projects/{seg(project_id)}/revisit")
    if not answer.ok:
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    view = answer.body
    form = view["status"] != "done" and view["assignee_user_id"] == visitor.user.id
    return page(request, "revisit.html", visitor, status=status, view=view, form=form, failure=failure,
                values=values or {}, done=done)  # fmt: skip


@router.get("/projects/{project_id}/revisit")
async def revisit(request: Request, project_id: str, visitor: SignedIn, done: str = "") -> Response:
    return await revisit_page(request, visitor, project_id, done=_done(done))


@router.post("/projects/{project_id}/revisit")
async def record_revisit(request: Request, project_id: str, visitor: SignedIn) -> Response:
    form = await check_csrf(request, visitor)
    answer = await visitor.api.post(f"/v1/projects/{seg(project_id)}/revisit", service_forms.revisit(form))
    if answer.ok:
        return RedirectResponse(f"/projects/{seg(project_id)}/revisit?done=revisit", status_code=303)
    return await revisit_page(request, visitor, project_id, status=answer.status,
                              failure=problem(answer, visitor.lang), values=forms.values(form))  # fmt: skip


@router.get("/suggestions")
async def suggestion_list(request: Request, visitor: SignedIn, offset: int = 0, done: str = "",
                          decision: str = "") -> Response:  # fmt: skip
    answer = await visitor.api.get("/v1/suggestions", {"decision": decision, "limit": PAGE_SIZE,
                                                       "offset": max(offset, 0)})  # fmt: skip
    if not answer.ok:
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    return page(request, "suggestions.html", visitor, listing=answer.body, decision=decision, page_size=PAGE_SIZE,
                done=_done(done), problem=None)  # fmt: skip


@router.post("/suggestions/{suggestion_id}/decision")
async def decide(request: Request, suggestion_id: str, visitor: SignedIn) -> Response:
    form = await check_csrf(request, visitor)
    answer = await visitor.api.post(f"/v1/suggestions/{seg(suggestion_id)}/decision", service_forms.decision(form))
    if answer.ok:
        return RedirectResponse("/suggestions?done=suggestion", status_code=303)
    listing = await visitor.api.get("/v1/suggestions", {"limit": PAGE_SIZE})
    return page(request, "suggestions.html", visitor, status=answer.status, problem=problem(answer, visitor.lang),
                listing=listing.body if listing.ok else {"items": [], "total": 0, "offset": 0}, decision="",
                page_size=PAGE_SIZE, done="")  # fmt: skip
