"""One complaint as the API shows it, composed from its records, and who may see it.

Visibility follows the project's rule (api/auth.py): agents and dept_heads see their own
department's complaints (a complaint without a project belongs to no department: theirs
is 403), executive, operations and auditor all; a customer sees the complaints about their
projects and those they filed, and is told 404 for any other. The contact is decrypted for
the customer and authorised staff, masked for auditors.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg
from pydantic import BaseModel, Field

from api.auth import DEPARTMENT_BOUND, CustomerAccess, actor
from api.schemas import mask_email, mask_phone, mask_text
from domain.complaint_actions import complaint_actions
from domain.errors import Forbidden, NotFound
from domain.models import Role
from store.complaints import ComplaintAccess, complaint_history, complaint_row, opened_tasks, read_contact
from store.crypto import DataCipher
from store.feedback import SuggestionView, suggestions_of
from store.reads import HistoryEvent
from store.users import User


class ContactView(BaseModel):
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    masked: bool = Field(default=False, description="True when the fields are masked (auditors)")


class ComplaintView(BaseModel):
    """A complaint 投诉 as recorded after its last step."""

    id: str
    status: str = Field(description="open (no reply yet), in_progress (replied; reopened), answered (awaiting the "
                                    "customer's confirmation) or closed")
    round: int = Field(description="1, then one more each time the customer is not satisfied")
    project_id: str | None = None
    department: str | None = None
    agent_id: str | None = None
    customer_user_id: str | None = Field(default=None, description="The account that may confirm, if any")
    channel: str = Field(description="How it was received: phone, email, visit or online")
    content: str = Field(description="What the complaint is about")
    filed_by_id: str = Field(description="User id of who recorded it")
    filed_by_role: str = Field(description="Role of who recorded it")
    assignee_role: str | None = Field(default=None, description="dept_head (of its project's department) or "
                                                                "operations (no project)")
    filed_at: datetime
    first_reply_due_at: datetime | None = Field(default=None, description="First-reply deadline (working days)")
    first_replied_at: datetime | None = None
    resolution_due_at: datetime | None = Field(default=None, description="This round's answer deadline (working days)")
    confirmation_due_at: datetime | None = Field(default=None, description="Confirmation deadline (working days)")
    due_at: datetime | None = Field(default=None, description="When what it waits on next is due")
    answered_at: datetime | None = None
    resolved: bool | None = Field(default=None, description="Whether the answer resolved it")
    unresolved_reason: str | None = Field(default=None, description="What could not be solved, and why")
    satisfied: bool | None = Field(default=None, description="The customer's confirmation")
    rating: int | None = Field(default=None, description="1 very dissatisfied … 5 very satisfied")
    closed_at: datetime | None = None
    overdue: bool = Field(default=False, description="A deadline passed: reminded or escalated")
    task_ids: list[str] = Field(default_factory=list, description="Rectification tasks opened in the project")
    suggestions: list[SuggestionView] = Field(default_factory=list)
    contact: ContactView | None = Field(default=None, description="Full for authorised staff and the customer, "
                                                                  "masked for auditors, else null")
    history: list[HistoryEvent] = Field(default_factory=list, description="Recorded events in order")
    allowed_actions: list[str] = Field(default_factory=list, description="What the reader may do next "
                                       "(domain/complaint_actions.py): `reply`, `confirmation`")


def check_complaint_visible(user: User, c: ComplaintAccess) -> None:
    if user.role == Role.customer:
        if user.id not in (c.customer_user_id, c.filed_by_id):
            raise NotFound(f"no complaint {c.id}", "no_complaint", complaint_id=c.id)
    elif user.role == Role.dept_head and user.department in c.coordinating:
        return  # a department customer service asked to help
    elif user.role in DEPARTMENT_BOUND and (c.department is None or user.department != c.department):
        raise Forbidden(f"complaint {c.id} is not about a project of department {user.department}",
                        "complaint_other_department", complaint_id=c.id, department=user.department)


def contact_access(user: User, c: ComplaintAccess) -> CustomerAccess:
    if user.role == Role.auditor:
        return CustomerAccess.masked
    if user.role == Role.customer or user.role in DEPARTMENT_BOUND:
        return CustomerAccess.full  # (only those who may see it get here)
    staff = (Role.executive, Role.operations, Role.customer_service)
    return CustomerAccess.full if user.role in staff else CustomerAccess.none


async def complaint_view(pool: asyncpg.Pool, cipher: DataCipher, user: User, c: ComplaintAccess) -> ComplaintView:
    row = await complaint_row(pool, c.id)
    if row is None:
        raise NotFound(f"no complaint {c.id}", "no_complaint", complaint_id=c.id)
    contact, access = None, contact_access(user, c)
    if access != CustomerAccess.none and (data := read_contact(row, cipher)) is not None:
        contact = ContactView(**data)
        if access == CustomerAccess.masked:
            contact = ContactView(name=mask_text(contact.name), phone=mask_phone(contact.phone),
                                  email=mask_email(contact.email), masked=True)  # fmt: skip
    row.pop("contact_enc")
    view = ComplaintView(**row, task_ids=await opened_tasks(pool, c.id), contact=contact,
                         suggestions=await suggestions_of(pool, "complaint", c.id),
                         history=await complaint_history(pool, c.id))  # fmt: skip
    view.allowed_actions = complaint_actions(view, actor(user))
    return view
