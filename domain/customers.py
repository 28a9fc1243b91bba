"""The customer master 客户信息管理 as pure rules (RULES §Customers before and around a
project; 001 客户信息管理 §1–§4, 004 第4篇 §2, §11).

- One customer, one record, found by exact phone or e-mail (normalised here, then looked
  up through a keyed blind index: store/customer_master.py).
- Ownership: the first receiver 首问 owns; a walk-in or call taken by someone who is not
  an agent goes in rotation 轮值 to the department's next on-duty agent; a repeat contact
  goes to the owner; a customer in the pool 公海 is claimed by whoever takes it.
- Data is shared only under a written consent naming the recipient and the scope (001 §3).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from domain.commands import CustomerIn, ProjectCreateIn
from domain.customers_policy import Grade
from domain.errors import Conflict, Forbidden, Invalid
from domain.models import Role
from domain.text import Comment, LongText, Name, OptionalShort, ShortText

PHONE_NOISE = re.compile(r"[\s\-().·]")
PHONE_DIGITS = re.compile(r"^\+?\d{3,20}$")
CHINA_PREFIXES = ("+86", "0086")


class Source(StrEnum):
    """来源渠道: where the customer came from."""

    walk_in = "walk_in"
    phone = "phone"
    online = "online"
    wechat = "wechat"
    referral = "referral"
    other = "other"


# Contacts with no owner yet that are shared out in rotation (004 第4篇 §2).
ROTATED_SOURCES = frozenset({Source.walk_in, Source.phone})
CUSTOMER_KEEPERS = frozenset({Role.agent, Role.dept_head, Role.operations})
# Who may register a customer: the keepers and customer service 客服 (a caller is a contact too).
REGISTRARS = CUSTOMER_KEEPERS | {Role.customer_service}


def normalise_phone(raw: str) -> str:
    """`138 0013-8000`, `+86 13800138000` and `0086-138…` are one number: digits only,
    without China's country code."""
    text = PHONE_NOISE.sub("", raw)
    if not PHONE_DIGITS.match(text):
        raise ValueError("a phone number is 3–20 digits, with spaces, dashes or a leading + allowed")
    for prefix in CHINA_PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix) + 3:
            return text[len(prefix):]
    return text.removeprefix("+")


def normalise_email(raw: str) -> str:
    text = raw.strip().lower()
    if not re.match(r"^[^@\s]+@[^@\s]+$", text):
        raise ValueError("not an e-mail address")
    return text


class ContactFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: str | None = Field(default=None, max_length=30, description="Phone (stored encrypted)")
    email: str | None = Field(default=None, max_length=254, description="E-mail (stored encrypted)")

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str | None) -> str | None:
        return None if v is None or not v.strip() else normalise_phone(v)

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        return None if v is None or not v.strip() else normalise_email(v)


class CustomerCreateIn(ContactFields):
    """`POST /v1/customers`: a new customer (personal fields stored encrypted)."""

    name: Name
    company: OptionalShort | None = None
    business_scope: LongText | None = Field(default=None, description="经营范围 of a company customer")
    source: Source = Source.other
    grade: Grade = Grade.C
    notes: LongText | None = None
    user: Name | None = Field(default=None, description="The customer's own account (role customer), who may then "
                              "read the record and correct their contact details")
    owner: Name | None = Field(default=None, description="The agent to own it, when a dept head registers it; "
                               "walk-ins and calls without one go in rotation 轮值")

    @model_validator(mode="after")
    def _reachable(self) -> CustomerCreateIn:
        if self.phone is None and self.email is None:
            raise ValueError("a customer needs a phone or an e-mail")
        return self


class CustomerPatchIn(ContactFields):
    """`PATCH /v1/customers/{id}`: the fields given change; the customer may change only
    their own contact details."""

    name: Name | None = None
    company: OptionalShort | None = None
    business_scope: LongText | None = None
    grade: Grade | None = None
    notes: LongText | None = None

    def changes(self) -> dict[str, str | None]:
        return {k: v for k, v in self.model_dump(mode="json", exclude_unset=True).items()}


CUSTOMER_OWN_FIELDS = frozenset({"phone", "email", "name"})
PERSONAL_FIELDS = ("name", "phone", "email", "company", "business_scope", "notes")


class ConsentIn(BaseModel):
    """A customer's written consent to share their data (001 客户信息管理 §3)."""

    model_config = ConfigDict(extra="forbid")

    recipient: ShortText = Field(description="Who may receive the data")
    scope: list[ShortText] = Field(min_length=1, max_length=20, description="What may be shared, e.g. contact")
    nda_reference: ShortText = Field(description="The NDA signed with the recipient")
    signed_at: datetime
    valid_until: date | None = None
    attachment_ids: list[ShortText] = Field(default_factory=list, max_length=20, description="The signed consent "
                                            "and NDA scans: the sender's own uploads (POST /v1/attachments)")
    attachment_id: ShortText | None = Field(default=None, description="One upload (older clients): as attachment_ids")


class ShareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recipient: ShortText
    scope: ShortText
    comment: Comment = ""


class TransferIn(BaseModel):
    """A departing agent's book handed over in one call (004 第4篇 §11)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: Name = Field(alias="from")
    to: Name
    customer_ids: list[ShortText] | None = Field(default=None, max_length=1000)
    reason: ShortText


class Consent(BaseModel):
    recipient: str
    scope: list[str]
    signed_at: datetime
    valid_until: date | None = None
    id: str = ""
    attachment_ids: list[str] = []


def covering_consent(consents: list[Consent], recipient: str, scope: str, today: date) -> Consent | None:
    """The consent that allows sharing `scope` with `recipient` today, if any (names compared
    case- and space-insensitively)."""
    def same(a: str, b: str) -> bool:
        return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()

    for c in consents:
        if same(c.recipient, recipient) and any(same(s, scope) for s in c.scope) and (
                c.valid_until is None or today <= c.valid_until) and c.signed_at.date() <= today:  # fmt: skip
            return c
    return None


# --------------------------------------------------------------------------- ownership


class Receiver(BaseModel):
    """Who took the contact."""

    user_id: str
    role: Role
    department: str | None


def rotation_next(on_duty: list[str], last: str | None) -> str:
    """轮值: the on-duty agent after the last one given a customer (by id order, wrapping)."""
    if not on_duty:
        raise Conflict("no agent of the department is on duty to take the customer", "no_agent_on_duty")
    ordered = sorted(on_duty)
    if last is None:
        return ordered[0]
    return next((a for a in ordered if a > last), ordered[0])


def first_owner(receiver: Receiver, source: Source, on_duty: list[str], last: str | None,
                named: str | None = None) -> tuple[str, bool]:  # fmt: skip
    """The owner of a new customer and whether rotation chose them. An agent receiving it
    owns it (首问); a dept head or customer service may name an agent, or a walk-in or call
    goes in rotation."""
    if receiver.role not in REGISTRARS:
        raise Forbidden(f"a {receiver.role.value} cannot register customers", "role_cannot", role=receiver.role.value)
    if receiver.role == Role.agent:
        if named is not None and named != receiver.user_id:
            raise Forbidden("an agent registers customers for themselves", "agent_registers_own")
        return receiver.user_id, False
    if named is not None:
        if named not in on_duty:
            raise Invalid("owner: not an on-duty agent of the department", "owner_not_on_duty")
        return named, False
    if source not in ROTATED_SOURCES:
        raise Invalid("owner: name the agent who owns a customer that is not a walk-in or a call", "owner_needed")
    return rotation_next(on_duty, last), True


def repeat_contact(owner_id: str | None, receiver: Receiver) -> str:
    """A repeat contact goes to the owner; a pooled customer to whoever took the contact."""
    return owner_id if owner_id is not None else receiver.user_id


class CustomerAccess(BaseModel):
    """What the visibility rule needs of a customer row."""

    owner_id: str | None
    department: str
    user_id: str | None = None


def can_see(role: Role, user_id: str, department: str | None, c: CustomerAccess) -> bool:
    """Own (an agent, plus the department's pool), department (dept head), all (operations,
    executive, auditor, customer service); a customer sees their own record."""
    if role in (Role.operations, Role.executive, Role.auditor, Role.customer_service):
        return True
    if role == Role.dept_head:
        return department == c.department
    if role == Role.agent:
        return c.owner_id == user_id or (c.owner_id is None and department == c.department)
    return role == Role.customer and c.user_id == user_id


def can_edit(role: Role, user_id: str, department: str | None, c: CustomerAccess, fields: set[str]) -> None:
    if role == Role.customer:
        if c.user_id != user_id:
            raise Forbidden("not your record", "not_your_record")
        if not fields <= CUSTOMER_OWN_FIELDS:
            raise Forbidden("a customer corrects only their own contact details", "customer_own_contact")
        return
    if role == Role.agent and c.owner_id != user_id:
        raise Forbidden("only the customer's owner, the dept head or operations change it", "customer_owner_only")
    if role == Role.dept_head and department != c.department:
        raise Forbidden("another department's customer", "other_department_customer")
    if role not in (Role.agent, Role.dept_head, Role.operations):
        raise Forbidden(f"a {role.value} cannot change customers", "role_cannot", role=role.value)


def check_transfer(role: Role, department: str | None, from_dept: str | None, to_role: Role,
                   to_dept: str | None) -> None:  # fmt: skip
    """A dept head moves customers within their department; operations anywhere; the new
    owner is an agent."""
    if role not in (Role.dept_head, Role.operations):
        raise Forbidden("only a dept head or operations transfer customers", "transfer_by")
    if to_role != Role.agent:
        raise Invalid("to: the new owner must be an agent", "new_owner_agent")
    if role == Role.dept_head and (from_dept != department or to_dept != department):
        raise Forbidden("a dept head transfers customers within their own department", "transfer_within")


class ProjectIntakeIn(ProjectCreateIn):
    """`POST /v1/projects` with the customer master: `customer_id`, or the inline `customer`
    (kept for compatibility: matched to the master by phone or e-mail, or added to it)."""

    customer: CustomerIn | None = None  # type: ignore[assignment]
    customer_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$",
                                    description="A customer of the master (yours, or your department's pool)")

    @model_validator(mode="after")
    def _a_customer(self) -> ProjectIntakeIn:
        if self.customer is None and self.customer_id is None:
            raise ValueError("give customer_id or customer")
        return self


def missing_for_contract(name: str | None, phone: str | None, email: str | None, company: str | None,
                         business_scope: str | None) -> list[str]:  # fmt: skip
    """What a customer's record lacks before a contract (001 客户信息管理 §1): a name, a way to
    reach them, and for a company its 经营范围."""
    missing = [] if name else ["name"]
    if not phone and not email:
        missing.append("phone or email")
    if company and not business_scope:
        missing.append("business_scope")
    return missing
