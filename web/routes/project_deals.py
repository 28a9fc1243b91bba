"""A project's deal 成交 from the workspace (issue 14): the agent's 登记成交 on the project page
and the dept head's 确认成交 there and on the inbox item (kind `deal`). Both call the use cases
the API calls (jindu/services/deals.py), never HTTP; a form sent twice applies once (keyed by
the form's id, like the customer card's); a refusal (403 `deal_confirm_by`, 409
`deal_confirmed`, …) shows the project page again with the catalogue's sentence."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.datastructures import FormData

from domain.deals import DealIn
from jindu.services import deals
from jindu.services.office import Office
from store.reads import ProjectAccess
from web import customer_forms as cf
from web import forms
from web.api import Answer, as_body, seg
from web.routes.projects import _submit, project_page
from web.session import SignedIn, check_csrf, safe_next

router = APIRouter(include_in_schema=False)


@router.post("/projects/{project_id}/deal")
async def record_deal(request: Request, project_id: str, visitor: SignedIn) -> Response:
    """登记成交: sent only with its confirmation ticked (422 otherwise, as on the card)."""
    form = await check_csrf(request, visitor)
    unconfirmed = cf.unconfirmed(form, visitor.lang)
    if unconfirmed is not None:
        return await project_page(request, visitor, project_id, status=422, failed_form="deal", failure=unconfirmed,
                                  values=forms.values(form))  # fmt: skip

    async def record(office: Office, project: ProjectAccess, form: FormData, key: str | None) -> BaseModel:
        deals.RECORD.check(visitor.user)  # who may ask, before what they typed
        return await deals.record_deal(office, visitor.user, project, as_body(DealIn, cf.deal(form)),
                                       task_queue=request.app.state.settings.task_queue, key=key)  # fmt: skip

    return await _submit(request, visitor, project_id, "deal", ("deal", project_id), record,
                         lambda *_: f"/projects/{seg(project_id)}?done=deal#deal")  # fmt: skip


@router.post("/projects/{project_id}/deal/confirm")
async def confirm_deal(request: Request, project_id: str, visitor: SignedIn) -> Response:
    """确认成交 by the project's dept head; `next` (the inbox: `/`) is where it returns."""

    async def confirm(office: Office, project: ProjectAccess, form: FormData, key: str | None) -> BaseModel:
        return await deals.confirm(office, visitor.user, project, key)

    def done(answer: Answer, form: FormData) -> str:
        back = safe_next(str(form.get("next") or f"/projects/{seg(project_id)}"))
        return f"{back}{'&' if '?' in back else '?'}done=confirm_deal"

    return await _submit(request, visitor, project_id, "confirm_deal", ("confirm_deal", project_id), confirm, done)
