"""The risk register's steps (domain/risks.py), kinds of domain/step_kinds.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from domain.models import Level
from domain.risk import RiskCategory, RiskResponse
from domain.step_kinds import Facts, Time


class RiskAdded(Facts):
    """The description is the step's comment."""

    kind: Literal["risk_added"] = "risk_added"
    risk_id: str
    level: Level
    category: RiskCategory
    likelihood: Level
    impact: Level
    probability: Decimal | None = None
    loss_amount: Decimal | None = None
    expected_loss: Decimal | None = None
    response: RiskResponse
    measures: str = ""
    review_on: date
    owner: str | None = None
    owner_id: str
    due_at: Time


class RiskUpdated(Facts):
    """Only what changed is given (and a new description as the step's comment); a new owner
    or review date comes with the review's new `due_at`."""

    kind: Literal["risk_updated"] = "risk_updated"
    risk_id: str
    level: Level
    expected_loss: Decimal | None = None
    category: RiskCategory | None = None
    likelihood: Level | None = None
    impact: Level | None = None
    probability: Decimal | None = None
    loss_amount: Decimal | None = None
    response: RiskResponse | None = None
    measures: str | None = None
    review_on: date | None = None
    owner: str | None = None
    owner_id: str | None = None
    due_at: Time | None = None

    # A change is what is not null: a value is changed, never cleared.
    omit_empty = frozenset({"category", "likelihood", "impact", "probability", "loss_amount", "response", "measures",
                            "review_on", "owner", "owner_id", "due_at"})  # fmt: skip


class RiskOccurred(Facts):
    kind: Literal["risk_occurred"] = "risk_occurred"
    risk_id: str
    loss_amount: Decimal | None = None


class RiskClosed(Facts):
    """`reason` is `project_<stage>` when the project's end closed it."""

    kind: Literal["risk_closed"] = "risk_closed"
    risk_id: str
    reason: str | None = None
