"""The risk register's facts (domain/risks.py steps): the `risks` rows and `risk_events`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg

from domain.steps import Step

COLUMNS = ("category", "likelihood", "impact", "probability", "loss_amount", "response", "measures")


def _num(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


async def risk_added(conn: asyncpg.Connection, pid: str, at: datetime, step: Step) -> None:
    d = step.data
    await conn.execute(
        """INSERT INTO risks (id, project_id, category, description, likelihood, impact, level, probability,
               loss_amount, expected_loss, response, measures, owner_user_id, owner_name, review_on, review_due_at,
               status, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $17, 'open', $16, $16)
           ON CONFLICT (id) DO NOTHING""",
        d["risk_id"], pid, d["category"], step.comment, d["likelihood"], d["impact"], d["level"],
        _num(d.get("probability")), _num(d.get("loss_amount")), _num(d.get("expected_loss")), d["response"],
        d.get("measures", ""), d["owner_id"], d.get("owner") or "", date.fromisoformat(d["review_on"]), at,
        datetime.fromisoformat(d["due_at"]),
    )  # fmt: skip


async def risk_updated(conn: asyncpg.Connection, pid: str, at: datetime, step: Step) -> None:
    d = step.data
    sets, args = ["level = $3", "expected_loss = $4", "updated_at = $5"], [
        d["risk_id"], pid, d["level"], _num(d.get("expected_loss")), at]
    for name in COLUMNS:
        if name in d:
            args.append(_num(d[name]) if name in ("probability", "loss_amount") else d[name])
            sets.append(f"{name} = ${len(args)}")
    if step.comment:
        args.append(step.comment)
        sets.append(f"description = ${len(args)}")
    if "owner_id" in d:
        args += [d["owner_id"], d.get("owner") or ""]
        sets += [f"owner_user_id = ${len(args) - 1}", f"owner_name = ${len(args)}"]
    if "review_on" in d:
        args.append(date.fromisoformat(d["review_on"]))
        sets.append(f"review_on = ${len(args)}")
    if "due_at" in d:  # a new owner or review date: its reminders start over (domain.risks.review_wait)
        args.append(datetime.fromisoformat(d["due_at"]))
        sets += [f"review_due_at = ${len(args)}", "escalations = 0"]
    await conn.execute(f"UPDATE risks SET {', '.join(sets)} WHERE id = $1 AND project_id = $2", *args)


async def risk_occurred(conn: asyncpg.Connection, pid: str, at: datetime, step: Step) -> None:
    loss = _num(step.data.get("loss_amount"))
    await conn.execute("UPDATE risks SET status = 'occurred', occurred_at = $3, "
                       "loss_amount = coalesce($4, loss_amount) WHERE id = $1 AND project_id = $2",
                       step.data["risk_id"], pid, at, loss)  # fmt: skip
    await conn.execute(
        """INSERT INTO risk_events (step_key, risk_id, project_id, department, agent_id, loss_amount, at)
           SELECT $1, $2, $3, p.department, p.agent_id, $4, $5 FROM projects p WHERE p.id = $3
           ON CONFLICT (step_key) DO NOTHING""",
        f"{pid}:{step.seq}", step.data["risk_id"], pid, loss, at,
    )


async def risk_closed(conn: asyncpg.Connection, pid: str, at: datetime, step: Step) -> None:
    await conn.execute("UPDATE risks SET status = 'closed', closed_at = $3 WHERE id = $1 AND project_id = $2",
                       step.data["risk_id"], pid, at)  # fmt: skip


async def risk_escalated(conn: asyncpg.Connection, pid: str, step: Step) -> None:
    if risk_id := step.data.get("risk_id"):
        await conn.execute("UPDATE risks SET escalations = $3 WHERE id = $1 AND project_id = $2",
                           risk_id, pid, int(step.data["step"]))  # fmt: skip


WRITERS = {"risk_added": risk_added, "risk_updated": risk_updated, "risk_occurred": risk_occurred,
           "risk_closed": risk_closed}  # fmt: skip
