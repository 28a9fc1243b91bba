"""What `record_deal` writes: one batch of a deal's steps (DealWorkflow) in one transaction,
fenced like a revisit's (store/service_records.py, store/service_fencing.py).

Each step lands in `deal_events` under its step key (`deal:<project_id>:<seq>`); the
`deal_recorded` step writes the `deals` row and each agent's part (`deal_parts`, yuan from
the step's fen) the first time only; the read model (`due_at`, escalations, confirmation)
takes the batch's view unless a newer batch got there first; notices go to the outbox. A
retried batch changes nothing; a refused update sends no batch, so nothing is written.
"""

from __future__ import annotations

import asyncpg

from domain.deal_facts import DealRecorded
from domain.deal_steps import yuan
from domain.service_models import ServiceBatch
from domain.steps import Step
from store.service_records import Records, _write


async def _nothing(conn: asyncpg.Connection, batch: ServiceBatch, key: str, step: Step) -> None:
    return None


async def _recorded(conn: asyncpg.Connection, batch: ServiceBatch, key: str, step: Step) -> None:
    """The deal and its parts; the assessment's expected revenue and budget kept with it for the
    appraisal (migration 0706)."""
    f = DealRecorded.model_validate(step.data)
    actor = step.actor
    done = await conn.fetchval(
        """INSERT INTO deals (project_id, department, deal_date, value, commission, attachment_ids, recorded_by,
                              recorded_at, expected_revenue, budget, run_id, task)
           SELECT p.id, p.department, $2, $3, $4, $5, $6, $7, (p.view->'assessment'->>'expected_revenue')::numeric,
                  (p.view->'assessment'->>'budget')::numeric, $8, $9
           FROM projects p WHERE p.id = $1 ON CONFLICT (project_id) DO NOTHING RETURNING project_id""",
        batch.subject_id, f.deal_date, yuan(f.value_fen), yuan(f.commission_fen),
        list(f.attachment_ids), actor.user_id if actor else None, batch.at, batch.run_id or None, batch.task,
    )  # fmt: skip
    if done is None:
        return
    await conn.executemany(
        "INSERT INTO deal_parts (project_id, agent_id, share, value, commission) VALUES ($1, $2, $3, $4, $5)",
        [(batch.subject_id, p.agent_id, p.share, yuan(p.value_fen), yuan(p.commission_fen)) for p in f.parts],
    )  # fmt: skip


APPLY_DEAL_VIEW = """
WITH merged AS (SELECT project_id, view || $2::jsonb AS v FROM deals WHERE project_id = $1 AND view_version < $3
                FOR UPDATE)
UPDATE deals d SET
    view = m.v, view_version = $3, seq = greatest(d.seq, $4),
    due_at = (m.v->>'due_at')::timestamptz,
    escalations = coalesce((m.v->>'escalations')::int, 0),
    overdue = coalesce((m.v->>'overdue')::boolean, false),
    confirmed_at = (m.v->>'confirmed_at')::timestamptz,
    confirmed_by = m.v->>'confirmed_by'
FROM merged m WHERE d.project_id = m.project_id
"""

DEALS = Records("deal", "deal_events", "project_id", _nothing, {"deal_recorded": _recorded}, APPLY_DEAL_VIEW,
                "/projects/{id}")  # fmt: skip


async def write_deal_batch(conn: asyncpg.Connection, batch: ServiceBatch) -> list[str]:
    """Record one batch of one deal inside a transaction; returns the step keys recorded before."""
    return await _write(conn, batch, DEALS)
