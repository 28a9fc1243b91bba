"""Costs 成本 recorded against a project's budget (issue 14, domain/costs.py; migrations 0691,
0713): each a row written with its workflow step, read back against the budget."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import asyncpg
from pydantic import BaseModel, Field

from domain.cost_steps import CostRecorded
from domain.steps import Step


class CostRecord(BaseModel):
    id: str = Field(description="The cost's id")
    amount: Decimal = Field(description="Yuan")
    description: str = Field(description="What it was spent on")
    spent_on: date = Field(description="The day it was spent")
    recorded_by_id: str = Field(description="Who recorded it (user id)")
    recorded_at: datetime = Field(description="When it was recorded")


class CostsView(BaseModel):
    """A project's costs against its budget."""

    project_id: str
    budget: Decimal | None = Field(default=None, description="The approved budget in yuan")
    total: Decimal = Field(description="The costs recorded so far, in yuan")
    over_budget: bool = Field(description="The total has passed the budget")
    items: list[CostRecord] = Field(default_factory=list, description="Newest first")


async def cost_recorded(conn: asyncpg.Connection, pid: str, key: str, at: datetime, step: Step,
                        f: CostRecorded) -> None:  # fmt: skip
    """The `cost_recorded` step's row (store/facts.py), in the step's transaction; what it was
    spent on is the step's comment, who recorded it its actor."""
    if step.actor is None:
        raise ValueError("who recorded the cost")
    await conn.execute(
        """INSERT INTO project_costs (id, project_id, amount, description, spent_on, recorded_by_id, recorded_at,
               step_key)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING""",
        f.cost_id, pid, f.amount, step.comment, f.spent_on, step.actor.user_id, at, key,
    )  # fmt: skip


async def project_costs(db: asyncpg.Pool | asyncpg.Connection, project_id: str) -> CostsView:
    budget = await db.fetchval("SELECT (view->'assessment'->>'budget')::numeric FROM projects WHERE id = $1",
                               project_id)  # fmt: skip
    rows = await db.fetch("SELECT id, amount, description, spent_on, recorded_by_id, recorded_at FROM project_costs "
                          "WHERE project_id = $1 ORDER BY recorded_at DESC, id", project_id)  # fmt: skip
    total = sum((r["amount"] for r in rows), Decimal("0"))
    return CostsView(project_id=project_id, budget=budget, total=total,
                     over_budget=budget is not None and total > budget, items=[CostRecord(**dict(r)) for r in rows])
