"""客户 in the workspace (issue 14): the customer list — own and the department's pool for an
agent, the department for its head, everyone's for company-wide roles — found by exact phone
or e-mail (`q`, the blind index), filtered by grade, due follow-ups or the pool, and the
leads view (`?leads=true`: own customers due by today's end or overdue), through
jindu/services/customer_pages.py. The card and its forms: web/routes/customer_forms.py."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import office_of
from jindu.services.customer_pages import CustomerQuery, customers_page
from store.customer_master import CustomerPage
from web.api import as_body, attempt
from web.errors import problem
from web.render import page
from web.session import SignedIn

router = APIRouter(include_in_schema=False)
FILTERS = ("q", "grade", "due", "pool", "leads")
PAGE_SIZE = 20


@router.get("/customers")
async def customer_list(request: Request, visitor: SignedIn, after: str = "") -> Response:
    filters = {k: request.query_params.get(k) for k in FILTERS}

    async def listing() -> CustomerPage:
        given = {k: v for k, v in filters.items() if v not in (None, "")}
        q = as_body(CustomerQuery, {**given, "limit": PAGE_SIZE, **({"after": after} if after else {})})
        return await customers_page(office_of(request), visitor.user, q)

    answer = await attempt(request, listing())
    if not answer.ok:
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    now = datetime.now(UTC)
    overdue = {c.id for c in answer.result.items if c.next_follow_up_at and c.next_follow_up_at < now}
    return page(request, "customers.html", visitor, listing=answer.body, filters=filters, overdue=overdue)
