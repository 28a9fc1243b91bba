"""The front office's forms in the workspace (issue 14): 新客户 (register), and on the
customer card a follow-up, a claim from the pool, a correction of the record, a consent and
a share under it, a transfer to another agent, a deal 成交 and its confirmation. Each posts
with CSRF and calls the use case the API calls (jindu/services/customer_desk.py,
customer_records.py, deals.py) through `attempt`; a refusal shows the card (or form) again with
the errors at their fields, the customer refusals in the catalogue's words."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from starlette.datastructures import FormData, UploadFile

from api.deps import office_of
from domain.customers import ConsentIn, CustomerCreateIn, CustomerPatchIn, ShareIn, TransferIn
from domain.customers_follow_up import FollowUpIn
from domain.deals import DealIn
from domain.errors import Invalid
from jindu import wording
from jindu.services import customer_desk as desk
from jindu.services import customer_records as records
from jindu.services.attachments import upload_own
from jindu.services.customer_pages import CustomerCardView, customer_card
from jindu.services.deals import CONFIRM, RECORD, confirm, record_deal
from jindu.services.office import Office
from jindu.services.projects import visible_project
from store.reads import ProjectAccess
from web import customer_forms as cf
from web import forms
from web.api import Answer, as_body, attempt, seg
from web.errors import Problem, problem
from web.render import page
from web.routes.files import MAX_FILES
from web.session import SignedIn, Visitor, check_csrf

router = APIRouter(include_in_schema=False)
DONE = ("registered", "follow_up", "claimed", "transferred", "deal", "edit", "consent", "share", "confirm_deal")
KEEPERS = ("agent", "dept_head", "operations")  # who corrects a record, records consents and shares


@router.get("/customers/new")
async def new_customer_form(request: Request, visitor: SignedIn) -> Response:
    return page(request, "customer_new.html", visitor, values={}, problem=None)


@router.post("/customers/new")
async def new_customer(request: Request, visitor: SignedIn) -> Response:
    form = await check_csrf(request, visitor)

    async def registering() -> BaseModel:
        body = as_body(CustomerCreateIn, cf.customer(form))
        return await desk.register_customer(office_of(request), visitor.user, body,
                                            task_queue=request.app.state.settings.task_queue,
                                            update_id=visitor.api.key("customer"))  # fmt: skip

    answer = await attempt(request, registering())
    if answer.ok:
        return RedirectResponse(f"/customers/{seg(answer.body['id'])}?done=registered", status_code=303)
    return page(request, "customer_new.html", visitor, status=answer.status, values=forms.values(form),
                problem=cf.retold(problem(answer, visitor.lang), visitor.lang))  # fmt: skip


async def card_page(request: Request, visitor: Visitor, customer_id: str, *, status: int = 200,
                    failed_form: str | None = None, failure: Problem | None = None,
                    values: dict[str, Any] | None = None, done: str = "") -> Response:  # fmt: skip
    """The customer card with the forms the visitor may use (the use cases decide in the end);
    `?changes_before=<id>` pages its change log back (keyset, a bounded page)."""
    before = request.query_params.get("changes_before", "")

    async def card() -> CustomerCardView:
        return await customer_card(office_of(request), visitor.user, customer_id,
                                   int(before) if before.isdigit() and len(before) < 19 else None)  # fmt: skip

    answer = await attempt(request, card())
    if not answer.ok:
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    view: CustomerCardView = answer.result
    within = wording.duration(request.app.state.policy.sla("visit_registration"), visitor.lang)  # follow-up hint
    return page(request, "customer.html", visitor, status=status, card=answer.body, offered=offered(view, visitor),
                failed_form=failed_form, failure=failure, values=values or {}, done=done if done in DONE else "",
                split_rows=cf.SPLIT_ROWS, visit_within=within)  # fmt: skip


def offered(view: CustomerCardView, visitor: Visitor) -> list[str]:
    """The card's forms for this reader: a follow-up for the owner (or the dept head), a claim
    of a pooled customer for an agent, a transfer for a dept head or operations, a deal for
    the agent of one of the customer's projects that has none."""
    user, c = visitor.user, view.customer
    role = user.role.value
    shown = []
    if (role == "agent" and c.owner_id == user.id) or (role == "dept_head" and not c.pooled):
        shown.append("follow_up")
    if role == "agent" and c.pooled:
        shown.append("claim")
    if role in ("dept_head", "operations") and not c.pooled:
        shown.append("transfer")
    if role == "agent" and any(p.agent_id == user.id and not p.has_deal for p in view.projects):
        shown.append("deal")
    if role == "dept_head" and any(p.has_deal and not p.deal_confirmed and p.department == user.department
                                   for p in view.projects):  # fmt: skip
        shown.append("confirm_deal")
    if role in KEEPERS and (role != "agent" or c.owner_id == user.id):
        shown += ["edit", "consent"] + (["share"] if view.consents else [])
    return shown


@router.get("/customers/{customer_id}")
async def customer_page(request: Request, visitor: SignedIn, customer_id: str, done: str = "") -> Response:
    return await card_page(request, visitor, customer_id, done=done)


Build = Callable[[Request, Visitor, str, FormData], Awaitable[BaseModel]]


async def _follow_up(request: Request, visitor: Visitor, customer_id: str, form: FormData) -> BaseModel:
    office = office_of(request)
    body = as_body(FollowUpIn, cf.follow_up(form, office.tz))
    return await desk.record_follow_up(office, visitor.user, customer_id, body, request.app.state.policy,
                                       visitor.api.key("follow_up", customer_id))  # fmt: skip


async def _claim(request: Request, visitor: Visitor, customer_id: str, form: FormData) -> BaseModel:
    return await desk.claim_customer(office_of(request), visitor.user, customer_id)


async def _transfer(request: Request, visitor: Visitor, customer_id: str, form: FormData) -> BaseModel:
    desk.TRANSFER.check(visitor.user)  # who may ask, before what they typed
    office = office_of(request)
    found = await desk.visible_customer(office, visitor.user, customer_id)
    body = as_body(TransferIn, cf.transfer(form, found.owner, found.id))
    return await desk.transfer_customers(office, visitor.user, body)


async def _deal(request: Request, visitor: Visitor, customer_id: str, form: FormData) -> BaseModel:
    RECORD.check(visitor.user)
    office = office_of(request)
    project = await _customers_project(office, visitor, customer_id, form)
    return await record_deal(office, visitor.user, project, as_body(DealIn, cf.deal(form)),
                             task_queue=request.app.state.settings.task_queue, key=visitor.api.key("deal", project.id))


async def _edit(request: Request, visitor: Visitor, customer_id: str, form: FormData) -> BaseModel:
    office = office_of(request)
    found = await desk.visible_customer(office, visitor.user, customer_id)
    body = as_body(CustomerPatchIn, cf.correction(form, found))
    return await records.correct_customer(office, visitor.user, customer_id, body)


async def _consent(request: Request, visitor: Visitor, customer_id: str, form: FormData) -> BaseModel:
    """The files picked (or photographed) are uploaded as the visitor's own, then sent by id."""
    office = office_of(request)
    policy = request.app.state.policy.attachments
    ids = [(await upload_own(office, visitor.user, policy, filename=file.filename,
                             data=await file.read(policy.max_file_bytes + 1))).id
           for file in form.getlist("attachment_ids") if isinstance(file, UploadFile) and file.filename]  # fmt: skip
    body = as_body(ConsentIn, {**cf.consent(form, office.tz), "attachment_ids": ids})
    return await records.record_consent(office, visitor.user, customer_id, body)


async def _share(request: Request, visitor: Visitor, customer_id: str, form: FormData) -> BaseModel:
    return await records.share_data(office_of(request), visitor.user, customer_id, as_body(ShareIn, cf.share(form)))


async def _confirm_deal(request: Request, visitor: Visitor, customer_id: str, form: FormData) -> BaseModel:
    CONFIRM.check(visitor.user)
    office = office_of(request)
    project = await _customers_project(office, visitor, customer_id, form)
    return await confirm(office, visitor.user, project, visitor.api.key("confirm_deal", project.id))


async def _customers_project(office: Office, visitor: Visitor, customer_id: str, form: FormData) -> ProjectAccess:
    """The project chosen in the form, if it is this customer's and the visitor may see it."""
    await desk.visible_customer(office, visitor.user, customer_id)
    project = await visible_project(office, visitor.user, str(form.get("project_id") or ""))
    linked = await office.pool.fetchval("SELECT customer_id FROM customer_projects WHERE project_id = $1", project.id)
    if linked != customer_id:
        raise Invalid(f"project_id: project {project.id} is not this customer's", "no_project", project_id=project.id)
    return project


# form name in the URL → (its use case, whether it is irreversible and asks a confirmation, done key)
ACTIONS: dict[str, tuple[Build, bool, str]] = {
    "follow_up": (_follow_up, False, "follow_up"),
    "claim": (_claim, True, "claimed"),
    "transfer": (_transfer, True, "transferred"),
    "deal": (_deal, True, "deal"),
    "edit": (_edit, False, "edit"),
    "consent": (_consent, True, "consent"),
    "share": (_share, True, "share"),
    "confirm_deal": (_confirm_deal, True, "confirm_deal"),
}


@router.post("/customers/{customer_id}/actions/{action}")
async def customer_action(request: Request, visitor: SignedIn, customer_id: str, action: str) -> Response:
    await request.form(max_files=MAX_FILES, max_fields=200)  # parsed once, with a consent's files
    form = await check_csrf(request, visitor)
    if action not in ACTIONS:
        return page(request, "error.html", visitor, status=404, problem=Problem(404, "", ""))
    use, irreversible, done = ACTIONS[action]
    unconfirmed = cf.unconfirmed(form, visitor.lang) if irreversible else None
    if unconfirmed is not None:
        return await card_page(request, visitor, customer_id, status=422, failed_form=action, failure=unconfirmed,
                               values=forms.values(form))  # fmt: skip
    answer: Answer = await attempt(request, use(request, visitor, customer_id, form))
    if answer.ok:
        return RedirectResponse(f"/customers/{seg(customer_id)}?done={done}", status_code=303)
    return await card_page(request, visitor, customer_id, status=answer.status, failed_form=action,
                           failure=cf.retold(problem(answer, visitor.lang), visitor.lang),
                           values=forms.values(form))  # fmt: skip
