"""A customer's record after intake (issue 14; 001 客户信息管理 §1, §3): corrections, the
customer's written consent to share their data, and a share under it. The API
(`PATCH /v1/customers/{id}`, `POST …/consents`, `POST …/shares`) and the workspace's forms
on the customer card (web/routes/customer_forms.py) both call these; who may is
domain/customers.py `can_edit`'s: the owner, the dept head, operations (the customer corrects
their own contact details). The shares and the change log are read by the staff who may see
the customer (`HISTORY_READERS`; the customer sees neither), on the card and
`GET /v1/customers/{id}/shares`."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from domain.customers import ConsentIn, CustomerPatchIn, ShareIn, can_edit, covering_consent
from domain.errors import Conflict, Forbidden, Invalid, NotFound
from domain.models import STAFF_ROLES
from jindu.services.customer_desk import data_cipher, regrade, visible_customer
from jindu.services.office import Office
from store import consent_files
from store.customer_changes import ShareRecord, add_consent, consents_of, record_share, shares_of, update_customer
from store.customer_master import Customer, read_customer
from store.users import User


class Recorded(BaseModel):
    id: str
    consent_id: str | None = None


async def correct_customer(office: Office, user: User, customer_id: str, body: CustomerPatchIn) -> Customer:
    """The fields given change, each kept with who and when (values encrypted); a new grade
    re-times the customer's follow-up cadence in its workflow."""
    c = await visible_customer(office, user, customer_id)
    changes = body.changes()
    if not changes:
        raise Invalid("nothing to change", "nothing_to_change")
    can_edit(user.role, user.id, user.department, c.access(), set(changes))
    if not (changes.get("phone", c.phone) or changes.get("email", c.email)):
        raise Invalid("a customer keeps a phone or an e-mail", "customer_unreachable")
    cipher = data_cipher(office)
    async with office.pool.acquire() as conn, conn.transaction():
        if not await update_customer(conn, cipher, c.id, changes, user):
            raise Conflict("this phone or e-mail belongs to another customer", "contact_taken")
    updated = await read_customer(office.pool, c.id, cipher)
    if updated is None:
        raise NotFound(f"no customer {c.id}", "no_customer", customer_id=c.id)
    if "grade" in changes:
        await regrade(office, updated, user)
    return updated


async def record_consent(office: Office, user: User, customer_id: str, body: ConsentIn) -> Recorded:
    """The customer's written consent: recipient, scope, the NDA with the recipient, when signed,
    and the scans of what was signed: the recorder's own uploads, bound to the consent in the
    transaction that records it (an unknown id 422, another person's upload 403: nothing kept)."""
    c = await visible_customer(office, user, customer_id)
    can_edit(user.role, user.id, user.department, c.access(), set())
    wanted = list(dict.fromkeys([*body.attachment_ids, *([body.attachment_id] if body.attachment_id else [])]))
    async with office.pool.acquire() as conn, conn.transaction():
        cid = await add_consent(conn, c.id, body, user, attachment_ids=wanted)
        await consent_files.bind(conn, wanted, consent_id=cid, by=user.id)
    return Recorded(id=cid)


async def share_data(office: Office, user: User, customer_id: str, body: ShareIn) -> Recorded:
    """409 without a consent covering that recipient and scope today; recorded with it."""
    c = await visible_customer(office, user, customer_id)
    can_edit(user.role, user.id, user.department, c.access(), set())
    consent = covering_consent(await consents_of(office.pool, c.id), body.recipient, body.scope,
                               datetime.now(office.tz).date())  # the company's day  # fmt: skip
    if consent is None:
        raise Conflict(f"no consent of the customer covers sharing {body.scope!r} with {body.recipient!r}",
                       "no_consent", scope=body.scope, recipient=body.recipient)
    share = await record_share(office.pool, c.id, consent.id, body.recipient, body.scope, body.comment, user)
    return Recorded(id=str(share), consent_id=consent.id)


# Who reads a customer's shares and change log: the staff who may see the customer (the API's
# card gives the change log to them only).
HISTORY_READERS = STAFF_ROLES


async def customer_shares(office: Office, user: User, customer_id: str) -> list[ShareRecord]:
    """The customer's shares, newest first, with the consent each was made under."""
    c = await visible_customer(office, user, customer_id)
    if user.role not in HISTORY_READERS:
        raise Forbidden("a customer's shares are read by staff", "customer_history_for_staff")
    return await shares_of(office.pool, c.id)
