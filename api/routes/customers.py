"""The customer master 客户信息管理 (issue 14; RULES §Customers before and around a project).

Personal fields are stored encrypted and found by exact phone or e-mail (blind index).
Agents see their own customers and their department's pool, dept heads their department,
operations, executives and auditors all; a customer their own record. A customer one may
not see is 404. Follow-ups: api/routes/customer_follow_ups.py (included here).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel

from api.deps import Cipher, CurrentUser, Pool, StaffUser, office_of, role
from api.errors import responses
from api.idempotency import IdempotencyKey, once
from api.routes import costs, customer_follow_ups, customer_notes, deals  # noqa: F401  (field notes registered)
from domain.customers import (
    ConsentIn,
    CustomerCreateIn,
    CustomerPatchIn,
    ShareIn,
    TransferIn,
    can_see,
)
from domain.customers_policy import Grade
from domain.errors import NotFound
from domain.models import Role
from jindu.services import customer_desk as desk
from jindu.services import customer_pages as pages
from jindu.services import customer_records as records
from jindu.services.customer_pages import CustomerQuery
from store import consent_files
from store.customer_changes import (
    ChangeRecord,
    FollowUpRecord,
    ShareRecord,
    changes_of,
    consents_of,
    follow_ups_of,
)
from store.customer_master import Customer, CustomerPage, read_customer
from store.users import User

router = APIRouter(prefix="/v1/customers", tags=["customers"])
router.include_router(customer_follow_ups.router)
CustomerId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="The customer's id")]
Registrar = Annotated[User, role(*desk.REGISTER.roles, action=desk.REGISTER.action)]


async def visible_customer(pool: Pool, cipher: Cipher, user: User, customer_id: str) -> Customer:
    found = await read_customer(pool, customer_id, cipher)
    if found is None or not can_see(user.role, user.id, user.department, found.access()):
        raise NotFound(f"no customer {customer_id}", "no_customer", customer_id=customer_id)
    return found


@router.post("", status_code=201, response_model=Customer, summary="Register a customer",
             responses=responses(401, 403, 409, 422))  # fmt: skip
async def create_customer(request: Request, body: CustomerCreateIn, user: Registrar, pool: Pool, cipher: Cipher,
                          key: IdempotencyKey = None) -> Customer:  # fmt: skip
    """The first receiver owns the customer (首问); a dept head or customer service registering
    a walk-in or a call without naming an `owner` gives it to the department's next on-duty
    agent (轮值). The same phone or e-mail again is 409: within the department it names the
    owner, across departments it reveals nothing."""

    async def act(update_id: str | None) -> tuple[int, Customer]:
        return 201, await desk.register_customer(office_of(request), user, body, update_id=update_id,
                                                 task_queue=request.app.state.settings.task_queue)  # fmt: skip

    return await once(request, pool, user.id, key, act)  # type: ignore[no-any-return]


@router.get("", response_model=CustomerPage, summary="List customers", responses=responses(401, 403, 422))
async def get_customers(
    request: Request, user: StaffUser,
    q: Annotated[str | None, Query(max_length=254, description="Exact phone or e-mail")] = None,
    grade: Annotated[Grade | None, Query()] = None,
    owner: Annotated[str | None, Query(max_length=100, description="The owning user's name")] = None,
    due: Annotated[bool | None, Query(description="Only customers whose follow-up is due now")] = None,
    pool_only: Annotated[bool | None, Query(alias="pool", description="Only (true) or no (false) pooled")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    after: Annotated[str | None, Query(max_length=200, description="`next_cursor` of the previous page")] = None,
) -> CustomerPage:  # fmt: skip
    """Own and the department's pool (agent), the department (dept head), all (operations,
    executive, auditor, customer service); most recently changed first, paged by keyset. The
    workspace's list reads the same use case (jindu/services/customer_pages.py)."""
    query = CustomerQuery(q=q, grade=grade, owner=owner, due=due, pool=pool_only, after=after, limit=limit)
    return await pages.customers_page(office_of(request), user, query)


class CustomerCard(BaseModel):
    customer: Customer
    consents: list[dict]
    follow_ups: list[FollowUpRecord]
    changes: list[ChangeRecord]


@router.get("/{customer_id}", response_model=CustomerCard, summary="A customer's card",
            responses=responses(401, 404))  # fmt: skip
async def get_customer(customer_id: CustomerId, user: CurrentUser, pool: Pool, cipher: Cipher,
                       changes_before: Annotated[int | None, Query(ge=1, description="Only changes older than this "
                                                 "change's `id` (the next page of the change log)")] = None,
                       ) -> CustomerCard:  # fmt: skip
    """The record, its consents (each with `attachment_ids` and their `files`: name, size, type;
    `GET /v1/attachments/{id}` downloads one), its follow-up timeline and its change log (who, when, which
    fields: values stay encrypted), newest first, 200 at a time: `changes_before` = the last `id` for more."""
    c = await visible_customer(pool, cipher, user, customer_id)
    staff = user.role != Role.customer
    files = await consent_files.files_of(pool, c.id)
    consents = [{**x.model_dump(mode="json"), "files": [f.model_dump(mode="json") for f in files.get(x.id, [])]}
                for x in await consents_of(pool, c.id)]  # fmt: skip
    return CustomerCard(customer=c, consents=consents,
                        follow_ups=await follow_ups_of(pool, cipher, c.id) if staff else [],
                        changes=await changes_of(pool, c.id, before=changes_before) if staff else [])  # fmt: skip


@router.patch("/{customer_id}", response_model=Customer, summary="Correct a customer's record",
              responses=responses(401, 403, 404, 409, 422))  # fmt: skip
async def patch_customer(request: Request, customer_id: CustomerId, body: CustomerPatchIn,
                         user: CurrentUser) -> Customer:  # fmt: skip
    """The owner, the dept head or operations; the customer corrects their own contact details."""
    return await records.correct_customer(office_of(request), user, customer_id, body)


@router.post("/{customer_id}/consents", status_code=201, response_model=records.Recorded,
             summary="Record a consent", responses=responses(401, 403, 404, 422))  # fmt: skip
async def post_consent(request: Request, customer_id: CustomerId, body: ConsentIn,
                       user: StaffUser) -> records.Recorded:  # fmt: skip
    """The customer's written consent to share their data: recipient, scope, the NDA with the
    recipient, when it was signed (001 客户信息管理 §3), and `attachment_ids`: the signed scans,
    the recorder's own uploads (`POST /v1/attachments`; the type decided from the bytes). An id
    that is no upload is 422, another person's upload or one already sent with something else
    403, and nothing is recorded; once sent they are read by whoever may see the customer."""
    return await records.record_consent(office_of(request), user, customer_id, body)


@router.post("/{customer_id}/shares", status_code=201, response_model=records.Recorded,
             summary="Share a customer's data", responses=responses(401, 403, 404, 409, 422))  # fmt: skip
async def post_share(request: Request, customer_id: CustomerId, body: ShareIn,
                     user: StaffUser) -> records.Recorded:  # fmt: skip
    """409 without a consent covering that recipient and scope; recorded with the consent."""
    return await records.share_data(office_of(request), user, customer_id, body)


@router.get("/{customer_id}/shares", response_model=list[ShareRecord], summary="A customer's shares",
            responses=responses(401, 403, 404))  # fmt: skip
async def get_shares(request: Request, customer_id: CustomerId, user: CurrentUser) -> list[ShareRecord]:
    """Each share of the customer's data with a third party, newest first: recipient, scope,
    when, by whom and under which consent (its NDA). Staff who may see the customer; the
    customer is 403."""
    return await records.customer_shares(office_of(request), user, customer_id)


@router.post("/transfer", response_model=desk.Transferred, summary="Hand customers to another agent",
             responses=responses(401, 403, 422))  # fmt: skip
async def post_transfer(request: Request, body: TransferIn, pool: Pool,
                        user: Annotated[User, role(*desk.TRANSFER.roles, action=desk.TRANSFER.action)],
                        key: IdempotencyKey = None) -> desk.Transferred:  # fmt: skip
    """A departing agent's book in one call: all of `from`'s customers, or the `customer_ids`
    named (those `from` does not own are left alone); every change of owner is recorded and
    the new owner told. `Idempotency-Key` applies."""

    async def act(_: str | None) -> tuple[int, desk.Transferred]:
        return 200, await desk.transfer_customers(office_of(request), user, body)

    return await once(request, pool, user.id, key, act)  # type: ignore[no-any-return]


@router.post("/{customer_id}/claim", response_model=Customer, summary="Claim a customer from the pool",
             responses=responses(401, 403, 404, 409))  # fmt: skip
async def post_claim(request: Request, customer_id: CustomerId,
                     user: Annotated[User, role(*desk.CLAIM.roles, action=desk.CLAIM.action)]) -> Customer:  # fmt: skip
    """An agent takes a customer of their department's pool 公海."""
    return await desk.claim_customer(office_of(request), user, customer_id)


# The front office's routes as one router for api/app.py: the customer master's (above) and
# the deals' (api/routes/deals.py, under /v1/projects/{id}/deal and /v1/deals).
customer_routes, router = router, APIRouter()
router.include_router(customer_routes)
router.include_router(deals.router)
router.include_router(costs.router)  # costs against the budget (issue 14)
