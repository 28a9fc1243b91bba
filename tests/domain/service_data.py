"""Literal complaints and revisits for the pure service tests (no Temporal, no database).

Times are Asia/Shanghai, cut-off 18:00. Around National Day 2026: Thu Sep 24 is a working
day, Fri Sep 25 (Mid-Autumn) and Oct 1–7 are off, Sun Sep 20 and Sat Oct 10 are make-up
working days.
"""

from __future__ import annotations

from datetime import datetime

from domain.models import Actor, Channel, Role
from domain.service_models import (
    ComplaintConfirmationIn,
    ComplaintReplyIn,
    ComplaintStart,
    ConfirmCommand,
    ReplyCommand,
    RevisitCommand,
    RevisitIn,
    RevisitStart,
)
from domain.steps import BaseOutcome
from tests.domain.lifecycle_data import AGENT, CUSTOMER, DATES, HEAD, POLICY, at

WED_SEP_30 = at(2026, 9, 30, 10)


def complaint(*, project: bool = True, customer: bool = True, filed: datetime = WED_SEP_30,
              by: Actor = CUSTOMER) -> ComplaintStart:  # fmt: skip
    return ComplaintStart(
        complaint_id="c-001", project_id="flat-001" if project else None, department="sales" if project else None,
        agent=AGENT if project else None, customer_user_id=CUSTOMER.user_id if customer else None,
        channel=Channel.online, filed_by=by, filed_at=filed, policy=POLICY, calendar=DATES,
    )  # fmt: skip


def reply(text: str = "We called the seller", *, resolved: bool = False, reason: str | None = None,
          rectification: tuple[str, ...] = (), by: Actor = HEAD) -> ReplyCommand:  # fmt: skip
    return ReplyCommand(actor=by, body=ComplaintReplyIn(reply=text, resolved=resolved, unresolved_reason=reason,
                                                        rectification=list(rectification)))  # fmt: skip


def confirmation(satisfied: bool = True, rating: int = 5, by: Actor = CUSTOMER,
                 suggestions: tuple[str, ...] = ()) -> ConfirmCommand:  # fmt: skip
    return ConfirmCommand(actor=by, body=ComplaintConfirmationIn(satisfied=satisfied, rating=rating, comment="ok",
                                                                 suggestions=list(suggestions)))  # fmt: skip


def revisit(completed: datetime = WED_SEP_30) -> RevisitStart:
    return RevisitStart(project_id="flat-001", department="sales", agent=AGENT, customer_user_id=CUSTOMER.user_id,
                        completed_at=completed, policy=POLICY, calendar=DATES)  # fmt: skip


def revisited(rating: int = 5, by: Actor = AGENT, *suggestions: str) -> RevisitCommand:
    return RevisitCommand(actor=by, body=RevisitIn(rating=rating, comments="Happy with the flat",
                                                   suggestions=list(suggestions)))  # fmt: skip


def kinds(out: BaseOutcome) -> list[str]:  # type: ignore[type-arg]
    return [s.kind for s in out.steps]


def notices(out: BaseOutcome) -> list[tuple[str, Role, str | None]]:  # type: ignore[type-arg]
    return [(n.key, n.to_role, n.to_user_id) for n in out.notices]
