"""What people send to keep a project's risk register (domain/risks.py, docs/risks.md): the
bodies of `POST` and `PATCH /v1/projects/{id}/risks…` and the commands that carry them.
Bounded and storable like every command (domain/commands.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field, model_validator

from domain.commands import TASK_ID_PATTERN, Command, Strict
from domain.models import Actor, Level
from domain.risk import RiskCategory, RiskResponse, RiskStatus
from domain.text import Comment, Name, RequiredComment


class RiskIn(Strict):
    """A risk for the register 风险登记 (RULES §Risk management)."""

    category: RiskCategory
    description: RequiredComment
    likelihood: Level
    impact: Level
    probability: Decimal | None = Field(default=None, ge=0, le=1, max_digits=5, decimal_places=4,
                                        description="Probability it occurs, 0–1")  # fmt: skip
    loss_amount: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2,
                                        description="Loss if it occurs, in yuan")  # fmt: skip
    response: RiskResponse
    measures: Comment = ""
    owner: Name = Field(description="User name of the staff member who owns the risk")
    review_on: date = Field(description="Next review date (local), from today up to ten years ahead")


class RiskPatchIn(Strict):
    """Changes to a risk; `status` occurred records a risk event (with `loss_amount`), closed ends it."""

    category: RiskCategory | None = None
    description: RequiredComment | None = None
    likelihood: Level | None = None
    impact: Level | None = None
    probability: Decimal | None = Field(default=None, ge=0, le=1, max_digits=5, decimal_places=4)
    loss_amount: Decimal | None = Field(
        default=None, ge=0, max_digits=14, decimal_places=2,
        description="Loss in yuan; when the risk occurred, the loss it caused")  # fmt: skip
    response: RiskResponse | None = None
    measures: Comment | None = None
    owner: Name | None = Field(default=None, description="User name of the staff member who owns the risk")
    review_on: date | None = None
    status: RiskStatus | None = None

    @model_validator(mode="after")
    def _something(self) -> RiskPatchIn:
        if all(value is None for _, value in self):
            raise ValueError("a change gives at least one field")
        return self


class AddRiskCommand(Command):
    body: RiskIn
    owner: Actor


class UpdateRiskCommand(Command):
    risk_id: str = Field(pattern=TASK_ID_PATTERN)
    body: RiskPatchIn
    owner: Actor | None = None
