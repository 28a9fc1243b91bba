"""Pruning operational rows by the policy's retention (domain/retention.py). Never `events`.

Each table is pruned in batches of `batch` rows, one short transaction each, oldest first,
through the indexes of migration 0400, so a first run on ten years of rows neither holds
locks long nor competes with the record activity for long.

Files uploaded for a process form and never sent with one (no project, process or customer's
consent: issue 14) go after `unsent_uploads_days`, and their bytes with them (store/files.py) when no other attachment
still held (not disposed of) has the same SHA-256: the store keeps one blob per content.
The period reports' repeated marks of one month are compacted to one (`MARK_DUPLICATES`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import asyncpg

from domain.retention import RetentionPolicy
from store.attachments import hold_blob
from store.files import FileStore

# (what, statement): $1 the cut-off instant, $2 the batch size; each answers the rows deleted.
PRUNES = {
    "outbox_sent": """
        WITH gone AS (SELECT id FROM outbox WHERE sent_at < $1 ORDER BY sent_at LIMIT $2),
             d AS (DELETE FROM deliveries WHERE outbox_id IN (SELECT id FROM gone))
        DELETE FROM outbox WHERE id IN (SELECT id FROM gone)""",
    "outbox_failed": """
        WITH gone AS (SELECT id FROM outbox WHERE failed_at < $1 AND sent_at IS NULL ORDER BY failed_at LIMIT $2),
             d AS (DELETE FROM deliveries WHERE outbox_id IN (SELECT id FROM gone))
        DELETE FROM outbox WHERE id IN (SELECT id FROM gone)""",
    "idempotency_keys": """
        DELETE FROM idempotency_keys WHERE (user_id, key) IN (
            SELECT user_id, key FROM idempotency_keys WHERE created_at < $1 ORDER BY created_at LIMIT $2)""",
    "web_sessions": """
        DELETE FROM web_sessions WHERE id_hash IN (
            SELECT id_hash FROM web_sessions WHERE expires_at < $1 ORDER BY expires_at LIMIT $2)""",
    "signin_links": """
        DELETE FROM signin_links WHERE code_hash IN (
            SELECT code_hash FROM signin_links WHERE expires_at < $1 ORDER BY expires_at LIMIT $2)""",
    "signin_attempts": """
        DELETE FROM signin_attempts WHERE key IN (
            SELECT key FROM signin_attempts WHERE window_start < $1 ORDER BY window_start LIMIT $2)""",
    "notification_failures": """
        DELETE FROM notification_failures WHERE id IN (
            SELECT id FROM notification_failures WHERE at < $1 ORDER BY at LIMIT $2)""",
}


# A batch of unsent uploads, locked so that a form sent meanwhile cannot bind them (store/attachments.py
# `bind` waits, then finds them gone), and the contents another live attachment still holds.
UNSENT_UPLOADS = """
    SELECT id, sha256 FROM attachments WHERE project_id IS NULL AND process_id IS NULL AND consent_id IS NULL
      AND uploaded_at < $1
    ORDER BY uploaded_at, id LIMIT $2 FOR UPDATE SKIP LOCKED"""
HELD_ELSEWHERE = """
    SELECT DISTINCT sha256 FROM attachments WHERE sha256 = ANY($1) AND NOT id = ANY($2) AND disposed_at IS NULL"""
UPLOAD_BATCH = 500  # blobs deleted while a batch's rows are locked

# The period reports' marks (store/rollups.py) are appended by every write to a month's facts
# (so writers never wait on each other) and deleted when a report recomputes the month: a
# month no report reads keeps one row per write. Compaction keeps one mark per month: the
# month stays marked, and a mark written meanwhile is not in the snapshot, so it stays too.
MARK_DUPLICATES = """
    DELETE FROM rollup_marks WHERE ctid IN (
        SELECT ctid FROM (SELECT ctid, row_number() OVER (PARTITION BY report, month ORDER BY ctid) AS n
                          FROM rollup_marks) marks
        WHERE n > 1 LIMIT $1)"""


def cutoffs(policy: RetentionPolicy, now: datetime) -> dict[str, datetime]:
    days = {"outbox_sent": policy.outbox_sent_days, "outbox_failed": policy.outbox_failed_days,
            "idempotency_keys": policy.idempotency_days, "web_sessions": policy.sessions_days,
            "signin_links": policy.sessions_days, "signin_attempts": policy.sessions_days,
            "notification_failures": policy.notification_failures_days}
    return {what: now - timedelta(days=n) for what, n in days.items()}  # fmt: skip


async def prune_unsent_uploads(pool: asyncpg.Pool, files: FileStore, cutoff: datetime, batch: int,
                               max_batches: int = 1000) -> tuple[int, int]:  # fmt: skip
    """Delete uploads older than `cutoff` never sent with a process or project, and the blobs
    nothing else holds; answers (rows, blobs) deleted. A blob that cannot be deleted keeps its
    batch's rows (the transaction rolls back), so the next round tries again."""
    rows_gone = blobs_gone = 0
    for _ in range(max_batches):
        async with pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(UNSENT_UPLOADS, cutoff, min(batch, UPLOAD_BATCH))
            ids, hashes = [r["id"] for r in rows], sorted({r["sha256"] for r in rows})
            for digest in hashes:  # in order: two prunes never wait on each other in a circle
                await hold_blob(conn, digest)
            held = {r["sha256"] for r in await conn.fetch(HELD_ELSEWHERE, hashes, ids)} if ids else set()
            for digest in hashes:
                if digest not in held:
                    await files.delete(digest)
                    blobs_gone += 1
            await conn.execute("DELETE FROM attachments WHERE id = ANY($1)", ids)
        rows_gone += len(ids)
        if len(ids) < min(batch, UPLOAD_BATCH):
            break
    return rows_gone, blobs_gone


async def prune(pool: asyncpg.Pool, policy: RetentionPolicy, now: datetime, *, files: FileStore | None = None,
                max_batches: int = 1000) -> dict[str, int]:
    """Delete what the policy no longer keeps; answers the rows deleted per table (and, with
    the attachments' `files`, the unsent uploads and their blobs)."""
    deleted: dict[str, int] = {}
    for what, cutoff in cutoffs(policy, now).items():
        total = 0
        for _ in range(max_batches):
            status = await pool.execute(PRUNES[what], cutoff, policy.batch)
            n = int(status.split()[-1])
            total += n
            if n < policy.batch:
                break
        deleted[what] = total
    deleted["rollup_marks"] = 0
    for _ in range(max_batches):
        n = int((await pool.execute(MARK_DUPLICATES, policy.batch)).split()[-1])
        deleted["rollup_marks"] += n
        if n < policy.batch:
            break
    if files is not None:
        cutoff = now - timedelta(days=policy.unsent_uploads_days)
        deleted["unsent_uploads"], deleted["unsent_upload_blobs"] = await prune_unsent_uploads(
            pool, files, cutoff, policy.batch, max_batches)
    return deleted
