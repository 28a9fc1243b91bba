"""整体转交 in the workspace (issue 14; 004 第4篇 §11): a departing agent's whole book of
customers handed to another agent in one form, by a dept head (within the department) or
operations (anywhere), through the use case `POST /v1/customers/transfer` calls
(jindu/services/customer_desk.py `transfer_customers`). Irreversible: sent only with its
confirmation ticked, and keyed by the rendered form (web/api.py `FormKeys`), so a double click
or a browser retry transfers once; a refusal shows the form again with the error at its field."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import office_of
from domain.customers import TransferIn
from jindu.services import customer_desk as desk
from jindu.services.customer_pages import BookChoices, book_choices
from web import customer_forms as cf
from web import forms
from web.api import as_body, attempt
from web.errors import Problem, problem
from web.render import page
from web.session import SignedIn, Visitor, check_csrf

router = APIRouter(include_in_schema=False)
PATH = "/customers/transfer"


async def book_page(request: Request, visitor: Visitor, *, status: int = 200, failure: Problem | None = None,
                    values: dict[str, str] | None = None, moved: str = "") -> Response:  # fmt: skip
    async def choices() -> BookChoices:
        return await book_choices(office_of(request), visitor.user)

    answer = await attempt(request, choices())
    if not answer.ok:
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    return page(request, "customer_transfer.html", visitor, status=status, choices=answer.body, problem=failure,
                values=values or {}, moved=moved if moved.isdigit() else "")  # fmt: skip


@router.get(PATH)
async def book_form(request: Request, visitor: SignedIn, moved: str = "") -> Response:
    return await book_page(request, visitor, moved=moved)


@router.post(PATH)
async def hand_over_book(request: Request, visitor: SignedIn) -> Response:
    form = await check_csrf(request, visitor)
    unconfirmed = cf.unconfirmed(form, visitor.lang)
    if unconfirmed is not None:
        return await book_page(request, visitor, status=422, failure=unconfirmed, values=forms.values(form))

    async def transferring() -> desk.Transferred:
        desk.TRANSFER.check(visitor.user)  # who may ask, before what they typed
        return await desk.transfer_customers(office_of(request), visitor.user, as_body(TransferIn, cf.book(form)),
                                             key=visitor.api.key("book"))  # a double click transfers once

    answer = await attempt(request, transferring())
    if answer.ok:
        return RedirectResponse(f"{PATH}?moved={answer.result.moved}", status_code=303)
    return await book_page(request, visitor, status=answer.status, failure=problem(answer, visitor.lang),
                           values=forms.values(form))  # fmt: skip
