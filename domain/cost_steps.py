"""A cost's step (domain/costs.py), a kind of domain/step_kinds.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from domain.step_kinds import Facts


class CostRecorded(Facts):
    """One cost 成本 against the budget; what it was spent on is the step's comment. `total` is
    the project's costs with it; `over_budget` says this cost took the total past the budget."""

    kind: Literal["cost_recorded"] = "cost_recorded"
    cost_id: str
    amount: Decimal
    spent_on: date
    total: Decimal
    budget: Decimal | None = None
    over_budget: bool = False
