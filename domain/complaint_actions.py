"""What a person may do next on a complaint, asked of its guards (domain/complaints.py) as
domain/allowed_actions.py asks a project's: `reply` while it awaits an answer, `confirmation`
once answered. The API returns the list with the complaint; the workspace renders it."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

from pydantic import BaseModel, ConfigDict

from domain import complaints
from domain.allowed_actions import passes, probe
from domain.models import Actor, Channel, Role
from domain.service_models import ComplaintReplyIn, ComplaintStatus, ConfirmCommand, ReplyCommand
from domain.service_state import ComplaintState

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # where a guard never looks


class ComplaintFacts(BaseModel):
    """The complaint as its view shows it (api/complaint_view.ComplaintView, or its JSON)."""

    model_config = ConfigDict(from_attributes=True, extra="ignore")

    id: str
    status: ComplaintStatus
    project_id: str | None = None
    department: str | None = None
    customer_user_id: str | None = None
    assignee_role: Role | None = None


def as_state(view: ComplaintFacts) -> ComplaintState:
    return probe(ComplaintState, complaint_id=view.id, project_id=view.project_id, department=view.department,
                  customer_user_id=view.customer_user_id, assignee_role=view.assignee_role or Role.operations,
                  status=view.status, channel=Channel.phone, filed_at=_EPOCH)  # fmt: skip


def complaint_actions(view: ComplaintFacts | object, actor: Actor) -> list[str]:
    """`reply` and/or `confirmation`, as the complaint's guards allow `actor` now."""
    facts = view if isinstance(view, ComplaintFacts) else ComplaintFacts.model_validate(view)
    state = as_state(facts)
    reply = probe(ReplyCommand, actor=actor, body=probe(ComplaintReplyIn, resolved=False, rectification=[]))
    confirm = probe(ConfirmCommand, actor=actor)
    checks = {"reply": partial(complaints.check_reply, state, reply),
              "confirmation": partial(complaints.check_confirm, state, confirm)}  # fmt: skip
    return [name for name, check in checks.items() if passes(check)]
