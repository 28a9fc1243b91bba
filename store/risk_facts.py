"""The risk register's facts (domain/risks.py steps): the `risks` rows and `risk_events`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from domain.risk_steps import RiskAdded, RiskClosed, RiskOccurred, RiskUpdated
from domain.steps import Step

COLUMNS = ("category", "likelihood", "impact", "probability", "loss_amount", "response", "measures")


async def risk_added(conn: asyncpg.Connection, pid: str, at: datetime, step: Step, f: RiskAdded) -> None:
    await conn.execute(
        """INSERT INTO risks (id, project_id, category, description, likelihood, impact, level, probability,
               loss_amount, expected_loss, response, measures, owner_user_id, owner_name, review_on, review_due_at,
               status, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $17, 'open', $16, $16)
           ON CONFLICT (id) DO NOTHING""",
        f.risk_id, pid, f.category.value, step.comment, f.likelihood.value, f.impact.value, f.level.value,
        f.probability, f.loss_amount, f.expected_loss, f.response.value, f.measures, f.owner_id, f.owner or "",
        f.review_on, at, f.due_at,
    )  # fmt: skip


async def risk_updated(conn: asyncpg.Connection, pid: str, at: datetime, step: Step, f: RiskUpdated) -> None:
    sets = ["level = $3", "expected_loss = $4", "updated_at = $5"]
    args: list[Any] = [f.risk_id, pid, f.level.value, f.expected_loss, at]
    for name in COLUMNS:
        if (value := getattr(f, name)) is not None:
            args.append(getattr(value, "value", value))  # an enum's value, a number or a text as it is
            sets.append(f"{name} = ${len(args)}")
    if step.comment:
        args.append(step.comment)
        sets.append(f"description = ${len(args)}")
    if f.owner_id is not None:
        args += [f.owner_id, f.owner or ""]
        sets += [f"owner_user_id = ${len(args) - 1}", f"owner_name = ${len(args)}"]
    if f.review_on is not None:
        args.append(f.review_on)
        sets.append(f"review_on = ${len(args)}")
    if f.due_at is not None:  # a new owner or review date: its reminders start over (domain.risks.review_wait)
        args.append(f.due_at)
        sets += [f"review_due_at = ${len(args)}", "escalations = 0"]
    await conn.execute(f"UPDATE risks SET {', '.join(sets)} WHERE id = $1 AND project_id = $2", *args)


async def risk_occurred(conn: asyncpg.Connection, pid: str, key: str, at: datetime, f: RiskOccurred) -> None:
    await conn.execute("UPDATE risks SET status = 'occurred', occurred_at = $3, "
                       "loss_amount = coalesce($4, loss_amount) WHERE id = $1 AND project_id = $2",
                       f.risk_id, pid, at, f.loss_amount)  # fmt: skip
    await conn.execute(
        """INSERT INTO risk_events (step_key, risk_id, project_id, department, agent_id, loss_amount, at)
           SELECT $1, $2, $3, p.department, p.agent_id, $4, $5 FROM projects p WHERE p.id = $3
           ON CONFLICT (step_key) DO NOTHING""",
        key, f.risk_id, pid, f.loss_amount, at,
    )


async def risk_closed(conn: asyncpg.Connection, pid: str, at: datetime, f: RiskClosed) -> None:
    await conn.execute("UPDATE risks SET status = 'closed', closed_at = $3 WHERE id = $1 AND project_id = $2",
                       f.risk_id, pid, at)  # fmt: skip
