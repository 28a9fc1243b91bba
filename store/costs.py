"""Costs 成本 recorded against a project's budget (issue 14, domain/costs.py; migration 0691)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

import asyncpg
from pydantic import BaseModel, Field

from domain.costs import Against, CostIn, against
from store.customer_changes import notify


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


async def record_cost(pool: asyncpg.Pool, project_id: str, department: str, body: CostIn, by_id: str) -> Against:
    """One statement order per project (its row locked), so two costs cannot both miss the
    moment the budget is passed; the dept head is told once, in the same transaction."""
    async with pool.acquire() as conn, conn.transaction():
        budget = await conn.fetchval("SELECT (view->'assessment'->>'budget')::numeric FROM projects WHERE id = $1 "
                                     "FOR UPDATE", project_id)  # fmt: skip
        before = await conn.fetchval("SELECT coalesce(sum(amount), 0) FROM project_costs WHERE project_id = $1",
                                     project_id)  # fmt: skip
        cost_id = "cost-" + uuid.uuid4().hex[:12]
        await conn.execute("INSERT INTO project_costs (id, project_id, amount, description, spent_on, recorded_by_id) "
                           "VALUES ($1, $2, $3, $4, $5, $6)", cost_id, project_id, body.amount, body.description,
                           body.spent_on, by_id)  # fmt: skip
        result = against(budget, before, body.amount)
        if result.newly_over:
            await notify(conn, f"{cost_id}:over_budget", "notify.budget_exceeded", "dept_head", None, department,
                         {"project_id": project_id, "total": str(result.total), "budget": str(budget)},
                         path=f"/projects/{project_id}")  # fmt: skip
    return result


async def project_costs(db: asyncpg.Pool | asyncpg.Connection, project_id: str) -> CostsView:
    budget = await db.fetchval("SELECT (view->'assessment'->>'budget')::numeric FROM projects WHERE id = $1",
                               project_id)  # fmt: skip
    rows = await db.fetch("SELECT id, amount, description, spent_on, recorded_by_id, recorded_at FROM project_costs "
                          "WHERE project_id = $1 ORDER BY recorded_at DESC, id", project_id)  # fmt: skip
    total = sum((r["amount"] for r in rows), Decimal("0"))
    return CostsView(project_id=project_id, budget=budget, total=total,
                     over_budget=budget is not None and total > budget, items=[CostRecord(**dict(r)) for r in rows])
