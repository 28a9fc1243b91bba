"""A deal's 成交 own steps (domain/deal_steps.py), kinds of domain/step_kinds.py: recorded
with its money in fen and each agent's part, then confirmed by the dept head. Ids and
money only: no customer personal data (the step travels in DealWorkflow's history)."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.step_kinds import Facts, Time


class PartFen(BaseModel):
    """One agent's part of a deal (domain/deals.py `parts`), in fen."""

    model_config = ConfigDict(frozen=True)

    agent_id: str
    share: str = Field(description="Percent of the deal, as a decimal string (e.g. \"70.00\")")
    value_fen: int = Field(ge=0)
    commission_fen: int = Field(ge=0)


class DealRecorded(Facts):
    """The agent recorded the deal; the dept head owes its confirmation by `due_at`."""

    kind: Literal["deal_recorded"] = "deal_recorded"
    omit_empty: ClassVar[frozenset[str]] = frozenset({"attachment_ids"})
    deal_date: date
    value_fen: int
    commission_fen: int
    parts: list[PartFen]
    attachment_ids: list[str] = Field(default_factory=list)
    due_at: Time


class DealConfirmed(Facts):
    """The project's dept head confirmed the deal: from now on it counts."""

    kind: Literal["deal_confirmed"] = "deal_confirmed"
    on_time: bool
