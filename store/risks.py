"""The risk register as the API reads it (rows written by store/risk_facts.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import asyncpg
from pydantic import BaseModel, Field

from domain.models import Level
from domain.risk import RiskCategory, RiskResponse, RiskStatus

Db = asyncpg.Pool | asyncpg.Connection


class RiskView(BaseModel):
    id: str
    project_id: str
    category: RiskCategory
    description: str
    likelihood: Level
    impact: Level
    level: Level = Field(description="Likelihood × impact by the matrix in domain/risk.py")
    probability: Decimal | None = Field(default=None, description="Probability it occurs, 0–1")
    loss_amount: Decimal | None = Field(default=None, description="Loss in yuan (if it occurs / it caused)")
    expected_loss: Decimal | None = Field(default=None, description="Probability × loss, in yuan")
    response: RiskResponse
    measures: str = ""
    owner_user_id: str
    owner_name: str
    review_on: date = Field(description="Next review date (local)")
    review_due_at: datetime = Field(description="The review is due at that day's cut-off")
    status: RiskStatus
    escalations: int = Field(default=0, description="Reminders and escalations of a review gone past")
    created_at: datetime
    updated_at: datetime
    occurred_at: datetime | None = None
    closed_at: datetime | None = None


COLUMNS = ", ".join(RiskView.model_fields)


async def project_risks(db: Db, project_id: str) -> list[RiskView]:
    rows = await db.fetch(f"SELECT {COLUMNS} FROM risks WHERE project_id = $1 ORDER BY created_at, id", project_id)
    return [RiskView(**dict(r)) for r in rows]


async def risk(db: Db, risk_id: str) -> RiskView | None:
    row = await db.fetchrow(f"SELECT {COLUMNS} FROM risks WHERE id = $1", risk_id)
    return None if row is None else RiskView(**dict(row))
