"""Complaints, the revisit and suggestions in the workspace: lists, one complaint with its
reply and confirmation forms, the revisit form, and deciding on suggestions. Actions and
lists go through the use cases (jindu/services/complaints.py, feedback.py), the same the
API calls."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from api.deps import office_of
from domain.service_models import (
    ComplaintConfirmationIn,
    ComplaintIn,
    ComplaintReplyIn,
    RevisitIn,
    SuggestionDecisionIn,
)
from jindu.services import complaints, feedback
from jindu.services.projects import visible_project
from web import forms, service_forms
from web.api import Answer, as_body, attempt, seg
from web.errors import Problem, problem
from web.render import page
from web.session import SignedIn, Visitor, check_csrf
from web.views import DONE_KEYS

router = APIRouter(include_in_schema=False)
FILTERS = ("status", "overdue", "project_id")
PAGE_SIZE = 20


# complaint action in the page URL (web/service_forms.py) → (the body's type, the use case)
COMPLAINT_USES: dict[str, tuple[type[BaseModel], Any]] = {
    "reply": (ComplaintReplyIn, complaints.reply), "confirmation": (ComplaintConfirmationIn, complaints.confirm),
}


def _done(done: str) -> str:
    return done if done in DONE_KEYS else ""


async def _listing(request: Request, use: Any, query: type[BaseModel], visitor: Visitor,
                   filters: dict[str, Any]) -> Answer:  # fmt: skip
    """A list page's query (empty filters left out, read as the API reads its query) and its page."""

    async def listing() -> BaseModel:
        q = as_body(query, {k: v for k, v in filters.items() if v not in (None, "")})
        return await use(office_of(request), visitor.user, q)  # type: ignore[no-any-return]

    return await attempt(request, listing())


async def _then(request: Request, work: Callable[[], Awaitable[Any]], done: Callable[[Answer], str],
                again: Callable[[Answer], Awaitable[Response]]) -> Response:  # fmt: skip
    """A submitted form's use case: on success the page `done` names, else the page again."""
    answer = await attempt(request, work())
    return RedirectResponse(done(answer), status_code=303) if answer.ok else await again(answer)


@router.get("/complaints")
async def complaint_list(request: Request, visitor: SignedIn, offset: int = 0, done: str = "") -> Response:
    filters = {k: request.query_params.get(k) for k in FILTERS}
    answer = await _listing(request, complaints.complaints_page, complaints.ComplaintQuery, visitor,
                            {**filters, "limit": PAGE_SIZE, "offset": max(offset, 0)})  # fmt: skip
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

    async def filing() -> BaseModel:
        body = as_body(ComplaintIn, service_forms.complaint(form))
        return (await complaints.file_complaint(office_of(request), visitor.user, body,
                                                request.app.state.settings.task_queue, visitor.api.key("complaint")))[1]

    async def again(answer: Answer) -> Response:
        return page(request, "complaint_new.html", visitor, status=answer.status, values=forms.values(form),
                    problem=problem(answer, visitor.lang))  # fmt: skip

    return await _then(request, filing, lambda filed: f"/complaints/{seg(filed.body['id'])}?done=complaint", again)


def offered(view: dict[str, Any]) -> list[str]:
    """The forms to show: what the complaint's guards allow the visitor now (its view's
    `allowed_actions`, domain/complaint_actions.py)."""
    return [a for a in view.get("allowed_actions") or [] if a in service_forms.COMPLAINT_ACTIONS]


async def complaint_page(request: Request, visitor: Visitor, complaint_id: str, *, status: int = 200,
                         failed_form: str | None = None, failure: Problem | None = None,
                         values: dict[str, Any] | None = None, done: str = "") -> Response:  # fmt: skip
    office = office_of(request)

    async def read() -> BaseModel:
        found = await complaints.visible_complaint(office, visitor.user, complaint_id)
        return await complaints.complaint_page_view(office, visitor.user, found)

    answer = await attempt(request, read())
    if not answer.ok:
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    return page(request, "complaint.html", visitor, status=status, view=answer.body,
                offered=offered(answer.body), failed_form=failed_form, failure=failure,
                values=values or {}, done=done)  # fmt: skip


@router.get("/complaints/{complaint_id}")
async def complaint(request: Request, complaint_id: str, visitor: SignedIn, done: str = "") -> Response:
    return await complaint_page(request, visitor, complaint_id, done=_done(done))


@router.post("/complaints/{complaint_id}/actions/{action}")
async def complaint_action(request: Request, complaint_id: str, action: str, visitor: SignedIn) -> Response:
    form = await check_csrf(request, visitor)
    if action not in COMPLAINT_USES:
        return page(request, "error.html", visitor, status=404, problem=Problem(404, "", ""))
    (model, use), build = COMPLAINT_USES[action], service_forms.COMPLAINT_ACTIONS[action]
    office = office_of(request)

    async def act() -> BaseModel:
        found = await complaints.visible_complaint(office, visitor.user, complaint_id)
        return await use(office, visitor.user, found, as_body(model, build(form)),  # type: ignore[no-any-return]
                         visitor.api.key(action, complaint_id))

    async def again(answer: Answer) -> Response:
        return await complaint_page(request, visitor, complaint_id, status=answer.status, failed_form=action,
                                    failure=problem(answer, visitor.lang), values=forms.values(form))  # fmt: skip

    return await _then(request, act, lambda _: f"/complaints/{seg(complaint_id)}?done={action}", again)


async def revisit_page(request: Request, visitor: Visitor, project_id: str, *, status: int = 200,
                       failure: Problem | None = None, values: dict[str, Any] | None = None,
                       done: str = "") -> Response:  # fmt: skip
    office = office_of(request)

    async def read() -> BaseModel:
        return await feedback.revisit(office, await visible_project(office, visitor.user, project_id))

    answer = await attempt(request, read())
    if not answer.ok:
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    view = answer.body
    form = feedback.may_record(visitor.user, feedback.RevisitView.model_validate(view))
    return page(request, "revisit.html", visitor, status=status, view=view, form=form, failure=failure,
                values=values or {}, done=done)  # fmt: skip


@router.get("/projects/{project_id}/revisit")
async def revisit(request: Request, project_id: str, visitor: SignedIn, done: str = "") -> Response:
    return await revisit_page(request, visitor, project_id, done=_done(done))


@router.post("/projects/{project_id}/revisit")
async def record_revisit(request: Request, project_id: str, visitor: SignedIn) -> Response:
    form = await check_csrf(request, visitor)
    office = office_of(request)

    async def record() -> BaseModel:
        project = await visible_project(office, visitor.user, project_id)
        body = as_body(RevisitIn, service_forms.revisit(form))
        key = visitor.api.key("revisit", project_id)
        return await feedback.record_revisit(office, visitor.user, project, body, key)

    async def again(answer: Answer) -> Response:
        return await revisit_page(request, visitor, project_id, status=answer.status,
                                  failure=problem(answer, visitor.lang), values=forms.values(form))  # fmt: skip

    return await _then(request, record, lambda _: f"/projects/{seg(project_id)}/revisit?done=revisit", again)


@router.get("/suggestions")
async def suggestion_list(request: Request, visitor: SignedIn, offset: int = 0, done: str = "",
                          decision: str = "") -> Response:  # fmt: skip
    answer = await _listing(request, feedback.suggestions_page, feedback.SuggestionQuery, visitor,
                            {"decision": decision, "limit": PAGE_SIZE, "offset": max(offset, 0)})  # fmt: skip
    if not answer.ok:
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    return page(request, "suggestions.html", visitor, listing=answer.body, decision=decision, page_size=PAGE_SIZE,
                done=_done(done), problem=None)  # fmt: skip


@router.post("/suggestions/{suggestion_id}/decision")
async def decide(request: Request, suggestion_id: str, visitor: SignedIn) -> Response:
    form = await check_csrf(request, visitor)

    async def deciding() -> BaseModel:
        body = as_body(SuggestionDecisionIn, service_forms.decision(form))
        return await feedback.decide_on_suggestion(office_of(request), visitor.user, suggestion_id, body)

    async def again(answer: Answer) -> Response:
        listing = await _listing(request, feedback.suggestions_page, feedback.SuggestionQuery, visitor,
                                 {"limit": PAGE_SIZE})  # fmt: skip
        return page(request, "suggestions.html", visitor, status=answer.status, problem=problem(answer, visitor.lang),
                    listing=listing.body if listing.ok else {"items": [], "total": 0, "offset": 0}, decision="",
                    page_size=PAGE_SIZE, done="")  # fmt: skip

    return await _then(request, deciding, lambda _: "/suggestions?done=suggestion", again)
