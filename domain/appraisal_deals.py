"""Deals 成交 in the appraisal scorecard (001 业务质量考核 §1 业务完成率; 003 3.4 业务完成度:
成交数量或金额), pure: docs/appraisal.md §Deals and follow-ups.

A count or an amount is not a rate, so it is scored against a par: the company's target
per agent per month from the policy (`appraisal.deal_targets`, times the months of the
period) when it sets one, else the department's average of the period (its members'
total ÷ its members on the scorecard). score = min(100, member ÷ par × 100): at or above
par 100, half of par 50, nothing 0. With no target and no confirmed deal in the department
the par is missing and so are the scores (nothing to measure).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

from pydantic import BaseModel, Field


class DealTargets(BaseModel):
    """既定业务任务: what one agent is expected to close in a month (policy)."""

    deals: float = Field(default=0, ge=0, description="Confirmed deals per agent per month (0: no target)")
    value: Decimal = Field(default=Decimal(0), ge=0, description="Deal value per agent per month, yuan (0: none)")
    commission: Decimal = Field(default=Decimal(0), ge=0, description="Commission per agent per month, yuan")


class DealPars(BaseModel):
    """The par of each deal figure for one department and period; None: nothing to measure."""

    deals: float | None = None
    value: float | None = None
    commission: float | None = None


class HasDeals(Protocol):
    @property
    def department(self) -> str: ...
    @property
    def deals(self) -> int: ...
    @property
    def deal_value(self) -> Decimal: ...
    @property
    def commission(self) -> Decimal: ...


def deal_score(amount: float, par: float | None) -> float | None:
    """min(100, amount ÷ par × 100), two decimals; None without a par (or a par of 0)."""
    return None if not par else round(min(100.0, amount / par * 100), 2)


def _par(target: float, months: int, total: float, members: int) -> float | None:
    if target > 0:
        return target * months
    return total / members if total > 0 else None


def deal_pars(facts: Sequence[HasDeals], targets: DealTargets | None, months: int) -> dict[str, DealPars]:
    """Each department's pars: the policy's monthly targets × months, or the department's
    average per member (members: its rows on the scorecard) when no target is set."""
    t = targets or DealTargets()
    out: dict[str, DealPars] = {}
    for department in {f.department for f in facts}:
        mine = [f for f in facts if f.department == department]
        n = len(mine)
        out[department] = DealPars(
            deals=_par(t.deals, months, sum(f.deals for f in mine), n),
            value=_par(float(t.value), months, float(sum(f.deal_value for f in mine)), n),
            commission=_par(float(t.commission), months, float(sum(f.commission for f in mine)), n),
        )
    return out
