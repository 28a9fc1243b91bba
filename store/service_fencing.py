"""Which batch wins, for complaints, revisits and deals (store/fencing.py says why and how): a batch
that replaces one of a workflow task that never completed marks that task's steps
superseded and rebuilds the facts they wrote; a dead task's late batch is refused."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import asyncpg
import structlog

from domain.service_models import ServiceBatch
from store import fencing

if TYPE_CHECKING:
    from store.service_records import Records

log = structlog.get_logger(__name__)


def _subject_table(kind: Records) -> tuple[str, str]:
    """The subject's own table and the column naming it there."""
    tables = {"complaint": ("complaints", "id"), "deal": ("deals", "project_id")}
    return tables.get(kind.prefix, ("revisits", "project_id"))


async def verdict(conn: asyncpg.Connection, batch: ServiceBatch, kind: Records) -> fencing.Verdict:
    table, column = _subject_table(kind)
    row = await conn.fetchrow(f"SELECT run_id, task, view_version, retired_runs FROM {table} "
                              f"WHERE {column} = $1 FOR UPDATE", batch.subject_id)  # fmt: skip
    if row is None or not batch.run_id:
        return "new"
    rec = fencing.LastRecorded.of(row)
    rows = await conn.fetch(f"SELECT seq, kind, comment, data FROM {kind.table} WHERE {kind.owner} = $1 "
                            "AND seq > $2 AND superseded_at IS NULL", batch.subject_id, batch.base_seq)  # fmt: skip
    stored = {r["seq"]: fencing.content(r["kind"], r["comment"], r["data"]) for r in rows}
    fence = fencing.Fence(batch.run_id, batch.task, batch.version, batch.base_seq)
    return fencing.decide(fence, rec, stored, fencing.step_contents(batch.steps))


async def supersede(conn: asyncpg.Connection, batch: ServiceBatch, kind: Records) -> None:
    """Mark the live steps after the batch's `base_seq` superseded, drop their unsent notices,
    rebuild the subject's facts from the steps that remain."""
    table, column = _subject_table(kind)
    scope = f"{kind.prefix}:{batch.subject_id}:"
    for facts in ("ratings", "warnings"):
        await conn.execute(f"DELETE FROM {facts} WHERE starts_with(step_key, $1)", scope)
    await conn.execute("DELETE FROM suggestions WHERE starts_with(id, $1)", scope)
    if kind.prefix == "deal":  # the deal's rows are its recorded step's: written again if it stays
        await conn.execute("DELETE FROM deal_parts WHERE project_id = $1", batch.subject_id)
        await conn.execute("DELETE FROM deals WHERE project_id = $1", batch.subject_id)
    gone = await conn.fetch(
        f"""UPDATE {kind.table} SET superseded_at = now(), superseded_by = $3, step_key = step_key || $4
            WHERE {kind.owner} = $1 AND seq > $2 AND superseded_at IS NULL RETURNING seq, kind""",
        batch.subject_id, batch.base_seq, batch.run_id, f"~{uuid.uuid4().hex[:12]}",
    )  # fmt: skip
    await fencing.retract_notices(conn, scope, batch.base_seq)
    await conn.execute(f"UPDATE {table} SET view_version = $2 - 1, seq = $3, run_id = $4, task = $5 "
                       f"WHERE {column} = $1", batch.subject_id, batch.version, batch.base_seq, batch.run_id,
                       batch.task)  # fmt: skip
    rows = await conn.fetch(f"SELECT step_key, seq, kind, actor_id, actor_name, actor_role, comment, data "
                            f"FROM {kind.table} WHERE {kind.owner} = $1 AND superseded_at IS NULL ORDER BY seq",
                            batch.subject_id)  # fmt: skip
    for row in rows:
        if (write := kind.writers.get(row["kind"])) is not None:
            await write(conn, batch, row["step_key"], fencing.step_from_row(row))
    detail = {"subject": scope[:-1], "from_seq": batch.base_seq + 1, "steps": [f"{g['seq']}:{g['kind']}" for g in gone]}
    await fencing.note(conn, batch.project_id or scope[:-1], "superseded", batch.run_id, detail)
    log.warning("steps of a workflow task that never completed were superseded", **detail)


async def fenced(conn: asyncpg.Connection, batch: ServiceBatch, kind: Records) -> bool:
    """Apply the fence before a batch is written; False when it is a retry (nothing to write)."""
    match await verdict(conn, batch, kind):
        case "retry":
            return False
        case "stale":
            raise fencing.StaleBatch(f"batch {batch.version} of {kind.prefix} {batch.subject_id} comes from a "
                                     "workflow task that was replaced")  # fmt: skip
        case "diverged":
            await supersede(conn, batch, kind)
    if batch.run_id:
        table, column = _subject_table(kind)
        await conn.execute(f"UPDATE {table} SET run_id = $2, task = $3 WHERE {column} = $1",
                           batch.subject_id, batch.run_id, batch.task)  # fmt: skip
    return True

