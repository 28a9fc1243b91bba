"""Consultation intake 客户咨询: the project row and its customer, written together.

A project id is global: the first agent to claim it owns it, atomically, and the customer
row is written in the same transaction, so it can never be attached to another agent's
or department's project.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from domain.calendar import YearDates
from domain.commands import ProjectCreateIn
from store.crypto import DataCipher
from store.customers import CUSTOMER_INSERT, customer_values
from store.users import User

COLUMNS = "id, stage, department, business_type, channel, agent_id, customer_user_id, created_at, seq"


async def claim_project(pool: asyncpg.Pool, *, project_id: str, agent: User, body: ProjectCreateIn,
                        customer_user_id: str | None, cipher: DataCipher,
                        at: datetime) -> tuple[bool, dict[str, Any]]:  # fmt: skip
    """Write the project (stage `intake`) and its customer unless the id is taken. Returns
    whether this call wrote it, and the project row as stored.

    No conflict target: two claims racing for one id can meet on either unique index (`id`
    or `workflow_id`), and the loser must do nothing either way, not fail."""
    # One statement, so atomic: the customer row is written only with the project row.
    inserted = await pool.fetchrow(
        f"""WITH claimed AS (
                INSERT INTO projects (id, workflow_id, stage, department, business_type, channel, agent_id, agent_name,
                    customer_user_id, requirement, created_at, updated_at)
                VALUES ($1, 'project-' || $1, 'intake', $2, $3, $4, $5, $6, $7, $8, $9, $9)
                ON CONFLICT DO NOTHING RETURNING {COLUMNS}),
            customer AS (
                INSERT INTO customers ({CUSTOMER_INSERT})
                SELECT $10, $11, $12, $13, $14, $15, $16, $17 FROM claimed
                ON CONFLICT (project_id) DO NOTHING)
            SELECT {COLUMNS} FROM claimed""",
        project_id, agent.department, body.business_type, body.channel.value, agent.id, agent.name,
        customer_user_id, body.requirement, at, *customer_values(project_id, body.customer, customer_user_id, cipher),
    )  # fmt: skip
    row = inserted or await pool.fetchrow(f"SELECT {COLUMNS} FROM projects WHERE id = $1", project_id)
    return inserted is not None, dict(row)


async def published_years(pool: asyncpg.Pool) -> dict[int, YearDates]:
    rows = await pool.fetch("SELECT year, holidays, workdays FROM calendar_years")
    return {r["year"]: YearDates(holidays=list(r["holidays"]), workdays=list(r["workdays"])) for r in rows}


async def publish_year(pool: asyncpg.Pool, year: int, dates: YearDates, by: str) -> None:
    await pool.execute(
        """INSERT INTO calendar_years (year, holidays, workdays, published_by) VALUES ($1, $2, $3, $4)
           ON CONFLICT (year) DO UPDATE SET holidays = EXCLUDED.holidays, workdays = EXCLUDED.workdays,
               published_by = EXCLUDED.published_by, published_at = now()""",
        year, dates.holidays, dates.workdays, by,
    )
