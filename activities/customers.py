"""CustomerWorkflow's recording: each batch's steps go to the customer's change log (one row
per step key, so a retried batch writes nothing twice), its follow-up view to the customer
row, and its notices to the outbox, addressed to the customer's owner at that moment (the
workflow knows no owner: a transfer changes only PostgreSQL). A `pooled` step takes the
customer from its owner into the department's pool; a `claimed` step gives it to the agent
who claimed it. The workflow decided both, so the owner PostgreSQL holds is the one the
workflow's history says (one truth: jindu/services/customer_desk.py `claim_customer`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import asyncpg
from temporalio import activity

from domain.models import Role
from store.customer_master import log_change
from workflows.customer import CustomerBatch


class CustomerActivities:
    def __init__(self, pool: asyncpg.Pool, on_notices: Callable[[], None] | None = None) -> None:
        self.pool, self.on_notices = pool, on_notices

    @activity.defn(name="record_customer")
    async def record_customer(self, batch: CustomerBatch) -> None:
        cid, view = batch.customer_id, batch.view
        async with self.pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                "SELECT c.owner_id, u.name AS owner FROM customer_master c LEFT JOIN users u ON u.id = c.owner_id "
                "WHERE c.id = $1 FOR UPDATE OF c", cid)  # fmt: skip
            if row is None:
                return  # the record is gone (disposed of): nothing left to follow
            owner_id, owner = row["owner_id"], row["owner"]
            pooled, claimed_by = False, None  # the batch's last change of owner decides
            for step in batch.steps:
                actor = step.actor
                data = {**step.data, "seq": step.seq, "owner_id": owner_id}
                if step.kind == "pooled":
                    pooled, claimed_by = True, None
                elif step.kind == "claimed" and actor is not None:
                    pooled, claimed_by = False, actor.user_id
                    data["to"] = actor.user_id
                await log_change(conn, cid, step.kind, actor.user_id if actor else None,
                                 actor_name=actor.name if actor else None,
                                 actor_role=actor.role.value if actor else None,
                                 data=data, step_key=f"customer-{cid}:{step.seq}")  # fmt: skip
            active = view.get("status") == "active"
            await conn.execute(
                """UPDATE customer_master SET grade = coalesce($2, grade), follow_up_stage = $3,
                       next_follow_up_at = $4::timestamptz, last_follow_up_at = coalesce($5::timestamptz,
                       last_follow_up_at), updated_at = now(),
                       owner_id = CASE WHEN $6 THEN NULL WHEN $8::text IS NOT NULL THEN $8 ELSE owner_id END,
                       pooled_at = CASE WHEN $6 THEN $7 WHEN $8::text IS NOT NULL THEN NULL ELSE pooled_at END
                   WHERE id = $1""",
                cid, view.get("grade"), view.get("stage"), _at(view.get("due_at")) if active else None,
                _at(view.get("last_follow_up_at")), pooled, batch.at, claimed_by,
            )  # fmt: skip
            for n in batch.notices:
                to_user = n.to_user_id or (owner_id if n.to_role == Role.agent else None)
                if n.to_role == Role.agent and to_user is None:
                    continue  # already pooled: nobody owns it
                params: dict[str, Any] = {**n.params, **({"assignee": owner} if "assignee" in n.params else {})}
                await conn.execute(
                    """INSERT INTO outbox (id, project_id, seq, kind, key, params, to_role, to_user_id, department,
                           path) VALUES ($1, '', $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING""",
                    f"customer-{cid}:{n.seq}:{n.kind}:{n.to_role.value}", n.seq, n.kind, n.key,
                    params, n.to_role.value, to_user, n.department, f"/customers/{cid}",
                )  # fmt: skip
        if batch.notices and self.on_notices is not None:
            self.on_notices()


def _at(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else value
