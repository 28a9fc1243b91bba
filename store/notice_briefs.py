"""What a message asking someone to act says about its project (issue 17): read from the
records when the message is sent, so nothing more than the notice's key travels through
Temporal. Never the customer's personal fields."""

from __future__ import annotations

from typing import Any

import asyncpg


async def project_brief(db: asyncpg.Pool | asyncpg.Connection, project_id: str | None) -> dict[str, Any] | None:
    if not project_id:
        return None
    row = await db.fetchrow(
        """SELECT id, stage, requirement, agent_name, risk_level, department, business_type, pending_gate,
                  pending_due_at, view->'assessment'->>'budget' AS budget
           FROM projects WHERE id = $1""", project_id)  # fmt: skip
    return dict(row) if row else None
