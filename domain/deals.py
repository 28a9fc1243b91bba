"""Deals 成交 and commission as pure rules (RULES §Customers before and around a project;
001 业务质量考核 §1, 003 3.4: deals and commission count in appraisal).

- The project's agent records the deal once the work is under way (from `execution` on):
  date, value, commission and how it is split between agents (percent, summing to 100).
- The project's dept head confirms it; only confirmed deals count in the figures.
- Each agent's part of a deal is their share of its value and commission, in fen, the
  rounding remainder going to the first agent so the parts add up exactly.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.errors import AlreadyDecided, Forbidden, Invalid, WrongStage
from domain.models import Role, Stage
from domain.text import Name, ShortText

DEAL_STAGES = frozenset({Stage.execution, Stage.result_review, Stage.rectification, Stage.customer_acceptance,
                         Stage.archiving, Stage.completed})  # fmt: skip
FEN = Decimal("0.01")


class SplitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agent: Name = Field(description="User name of an agent sharing the deal")
    share: Decimal = Field(gt=0, le=100, max_digits=5, decimal_places=2, description="Percent of the deal")


class DealIn(BaseModel):
    """`POST /v1/projects/{id}/deal`."""

    model_config = ConfigDict(extra="forbid")

    deal_date: date
    value: Decimal = Field(gt=0, max_digits=14, decimal_places=2, description="Deal value in yuan")
    commission: Decimal = Field(ge=0, max_digits=14, decimal_places=2, description="Commission in yuan")
    split: list[SplitIn] = Field(min_length=1, max_length=20, description="Agents' shares in percent, summing to 100")
    attachment_ids: list[ShortText] = Field(default_factory=list, max_length=20, description="Signed papers")

    @model_validator(mode="after")
    def _whole(self) -> DealIn:
        if sum(s.share for s in self.split) != 100:
            raise ValueError("split: the shares must sum to 100")
        if len({s.agent for s in self.split}) != len(self.split):
            raise ValueError("split: an agent appears twice")
        if self.commission > self.value:
            raise ValueError("commission: more than the deal's value")
        return self


class Part(BaseModel):
    agent_id: str
    share: Decimal
    value: Decimal
    commission: Decimal


def check_record(actor_id: str, actor_role: Role, agent_id: str, stage: Stage, today: date, deal_date: date) -> None:
    if actor_role != Role.agent or actor_id != agent_id:
        raise Forbidden("only the project's agent records its deal", "deal_by_agent")
    if stage not in DEAL_STAGES:
        raise WrongStage(f"a deal is recorded from execution on, not in {stage.value}", "deal_stage", stage=stage.value)
    if deal_date > today:
        raise Invalid("deal_date: in the future", "in_future")


def check_confirm(actor_role: Role, actor_department: str | None, department: str, confirmed: bool) -> None:
    if actor_role != Role.dept_head or actor_department != department:
        raise Forbidden("only the project's dept head confirms its deal", "deal_confirm_by")
    if confirmed:
        raise AlreadyDecided("the deal is already confirmed", "deal_confirmed")


def parts(value: Decimal, commission: Decimal, shares: list[tuple[str, Decimal]]) -> list[Part]:
    """Each agent's value and commission; the parts sum exactly to the whole."""
    out = [Part(agent_id=a, share=s, value=(value * s / 100).quantize(FEN, ROUND_DOWN),
                commission=(commission * s / 100).quantize(FEN, ROUND_DOWN)) for a, s in shares]  # fmt: skip
    out[0].value += value - sum(p.value for p in out)
    out[0].commission += commission - sum(p.commission for p in out)
    return out
