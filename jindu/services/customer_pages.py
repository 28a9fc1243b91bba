"""The customer list and card as the workspace and `GET /v1/customers` read them (issue 14),
one scope for both — own and the department's pool (agent), the department (dept head),
all (operations, executive, auditor, customer service) — through the store, never HTTP.
The leads view (`leads`) is the reader's customers whose follow-up falls due by the end of
today or is overdue, as the customer's workflow timed it by grade (domain/customers_follow_up.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from pydantic import BaseModel, Field

from domain.customers import Consent, can_see, normalise_email, normalise_phone
from domain.customers_policy import Grade
from domain.errors import Forbidden, Invalid, NotFound
from domain.models import STAFF_ROLES, Role
from jindu.services import customer_desk as desk
from jindu.services.office import Office
from store import consent_files
from store.consent_files import ConsentFile
from store.customer_changes import (
    ChangeRecord,
    FollowUpRecord,
    ShareRecord,
    changes_of,
    consents_of,
    follow_ups_of,
    shares_of,
)
from store.customer_master import Customer, CustomerPage, blind, list_customers, read_customer
from store.reads import parse_cursor
from store.users import User, user_by_name


class CustomerQuery(BaseModel):
    q: str | None = Field(default=None, max_length=254, description="Exact phone or e-mail (the blind index)")
    grade: Grade | None = Field(default=None, description="Only this grade")
    due: bool | None = Field(default=None, description="Only customers whose follow-up is due now")
    pool: bool | None = Field(default=None, description="Only (true) or no (false) pooled customers")
    leads: bool | None = Field(default=None, description="Only own customers due for follow-up by today's end")
    owner: str | None = Field(default=None, max_length=100, description="Only this owning user's (a user name)")
    after: str | None = Field(default=None, max_length=200, description="`next_cursor` of the previous page")
    limit: int = Field(default=20, ge=1, le=100)


async def customers_page(office: Office, user: User, q: CustomerQuery) -> CustomerPage:
    if user.role not in STAFF_ROLES:
        raise Forbidden("customers are listed for staff", "customers_for_staff")
    assert office.cipher is not None, "customers are read with the data key"
    try:
        cursor = parse_cursor(q.after) if q.after else None
    except ValueError as err:
        raise Invalid(f"after: {err}", "bad_cursor") from err
    contact = None
    if q.q:
        try:
            contact = blind(office.cipher, "email", normalise_email(q.q)) if "@" in q.q else blind(
                office.cipher, "phone", normalise_phone(q.q))
        except ValueError as err:
            raise Invalid(f"q: {err}", "bad_search") from err
    scope: dict[str, object] = {}
    if q.owner is not None:
        found = await user_by_name(office.pool, q.owner)
        if found is None:
            raise Invalid(f"owner: no user {q.owner!r}", "no_one_named", who=q.owner)
        scope["owner_id"] = found.id
    due_by = datetime.now(UTC) if q.due else None
    if q.leads:
        due_by = end_of_today(office)
    if user.role == Role.agent:
        scope["own_or_pool"] = (user.id, user.department)
        if q.leads:
            scope = {"owner_id": user.id}  # an agent's leads are their own
    elif user.role == Role.dept_head:
        scope["department"] = user.department
    return await list_customers(office.pool, office.cipher, grade=q.grade.value if q.grade else None,
                                contact=contact, due_by=due_by, pooled=q.pool, after=cursor,
                                limit=q.limit, **scope)  # type: ignore[arg-type]  # fmt: skip


def end_of_today(office: Office) -> datetime:
    """Midnight ending today in the company's time zone."""
    today = datetime.now(office.tz).date()
    return datetime.combine(today + timedelta(days=1), time(), office.tz)


class LinkedProject(BaseModel):
    """A project of the customer's, for the deal forms: whose it is, its stage, whether it has
    a deal and whether the dept head confirmed it."""

    id: str
    stage: str
    agent_id: str
    department: str
    has_deal: bool
    deal_confirmed: bool = False
    deal_date: date | None = None
    deal_value: Decimal | None = Field(default=None, description="成交金额, yuan")
    commission: Decimal | None = Field(default=None, description="佣金, yuan")


class DealSum(BaseModel):
    """The customer's deals (all of them, not only the projects listed) and their sums, yuan."""

    deals: int = 0
    confirmed: int = 0
    value: Decimal = Decimal(0)
    commission: Decimal = Decimal(0)


class CustomerCardView(BaseModel):
    customer: Customer
    follow_ups: list[FollowUpRecord]
    projects: list[LinkedProject] = []
    agents: list[str] = Field(default=[], description="The department's active agents (to transfer to)")
    consents: list[Consent] = Field(default=[], description="The customer's written consents to share their data")
    consent_files: dict[str, list[ConsentFile]] = Field(default={}, description="Each consent's signed scans")
    deal_sum: DealSum = DealSum()
    shares: list[ShareRecord] = Field(default=[], description="Shares of the customer's data, newest first")
    changes: list[ChangeRecord] = Field(default=[], description="The record's change log, newest first, a page")
    earlier_changes: int | None = Field(default=None, description="Older changes exist: `changes_before` for them")


CHANGES_SHOWN = 30


async def customer_card(office: Office, user: User, customer_id: str,
                        changes_before: int | None = None) -> CustomerCardView:  # fmt: skip
    """The record, its follow-up timeline (newest first), its projects with their deals and the
    deals' sums, its consents, shares and change log (field names only: values stay encrypted),
    for staff who may see it (404 else: all of them are `HISTORY_READERS`). The change log is
    paged by keyset: `CHANGES_SHOWN` at a time, older than change `changes_before`."""
    assert office.cipher is not None, "customers are read with the data key"
    found = await read_customer(office.pool, customer_id, office.cipher)
    if found is None or user.role not in STAFF_ROLES or not can_see(user.role, user.id, user.department,
                                                                     found.access()):
        raise NotFound(f"no customer {customer_id}", "no_customer", customer_id=customer_id)
    # The projects with their deals, and the sums over all the customer's deals (window
    # aggregates, computed before the LIMIT): one statement.
    rows = await office.pool.fetch(
        "SELECT p.id, p.stage, p.agent_id, p.department, d.project_id IS NOT NULL AS has_deal, "
        "d.confirmed_at IS NOT NULL AS deal_confirmed, d.deal_date, d.value AS deal_value, d.commission, "
        "count(d.project_id) OVER () AS deals, count(d.confirmed_at) OVER () AS confirmed, "
        "coalesce(sum(d.value) OVER (), 0) AS sum_value, coalesce(sum(d.commission) OVER (), 0) AS sum_commission "
        "FROM customer_projects cp JOIN projects p ON p.id = cp.project_id LEFT JOIN deals d ON d.project_id = p.id "
        "WHERE cp.customer_id = $1 ORDER BY p.created_at DESC LIMIT 20", found.id)  # fmt: skip
    sums = DealSum(deals=rows[0]["deals"], confirmed=rows[0]["confirmed"], value=rows[0]["sum_value"],
                   commission=rows[0]["sum_commission"]) if rows else DealSum()  # fmt: skip
    agents = await office.pool.fetch(
        "SELECT name FROM users WHERE role = 'agent' AND department = $1 AND deactivated_at IS NULL ORDER BY name",
        found.department) if user.role in (Role.dept_head, Role.operations) else []  # fmt: skip
    changes = await changes_of(office.pool, found.id, limit=CHANGES_SHOWN + 1, before=changes_before)
    return CustomerCardView(customer=found, follow_ups=await follow_ups_of(office.pool, office.cipher, found.id),
                            projects=[LinkedProject(**{k: r[k] for k in LinkedProject.model_fields}) for r in rows],
                            agents=[a["name"] for a in agents], consents=await consents_of(office.pool, found.id),
                            consent_files=await consent_files.files_of(office.pool, found.id),
                            deal_sum=sums, shares=await shares_of(office.pool, found.id),
                            changes=changes[:CHANGES_SHOWN],
                            earlier_changes=changes[CHANGES_SHOWN - 1].id if len(changes) > CHANGES_SHOWN else None)


class Book(BaseModel):
    """An agent's book of customers, for the transfer form: whose, how many."""

    agent: str
    department: str | None
    customers: int
    active: bool


class BookChoices(BaseModel):
    books: list[Book]
    agents: list[str] = Field(description="Active agents who may take a book")


async def book_choices(office: Office, user: User) -> BookChoices:
    """The books a dept head (their department) or operations (all) may hand over, departed
    agents' included, and the active agents to hand them to."""
    desk.TRANSFER.check(user)
    department = user.department if user.role == Role.dept_head else None
    rows = await office.pool.fetch(
        "SELECT u.name AS agent, u.department, count(*) AS customers, u.deactivated_at IS NULL AS active "
        "FROM customer_master c JOIN users u ON u.id = c.owner_id WHERE ($1::text IS NULL OR u.department = $1) "
        "GROUP BY u.name, u.department, u.deactivated_at ORDER BY u.department, u.name LIMIT 500", department)
    agents = await office.pool.fetch(
        "SELECT name FROM users WHERE role = 'agent' AND deactivated_at IS NULL AND ($1::text IS NULL OR "
        "department = $1) ORDER BY name LIMIT 500", department)  # fmt: skip
    return BookChoices(books=[Book(**dict(r)) for r in rows], agents=[a["name"] for a in agents])
