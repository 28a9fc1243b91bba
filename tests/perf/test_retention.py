"""Retention (issue 16): delivered outbox rows, old idempotency keys, sessions, links and
failed sends go by the policy's days; undelivered rows and the audit trail stay. Uploads for
a process form never sent with one go too, their bytes unless another attachment holds them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.attachments import AttachmentKind, AttachmentPolicy
from domain.retention import RetentionPolicy
from store import attachments
from store.attachments import Attachment
from store.files import local_files
from store.retention import prune
from store.users import create_user
from tests.process_files import a_pdf

pytestmark = pytest.mark.asyncio(loop_scope="session")
NOW = datetime.now(UTC)


async def outbox_row(pool, *, sent_days: float | None = None, failed_days: float | None = None) -> str:
    oid = f"r-{uuid.uuid4().hex[:10]}"
    sent = NOW - timedelta(days=sent_days) if sent_days is not None else None
    failed = NOW - timedelta(days=failed_days) if failed_days is not None else None
    await pool.execute("INSERT INTO outbox (id, seq, kind, key, to_role, created_at, sent_at, failed_at) "
                       "VALUES ($1, 1, 'assigned', 'k', 'agent', $2, $3, $4)",
                       oid, NOW - timedelta(days=400), sent, failed)  # fmt: skip
    if sent is not None:
        await pool.execute("INSERT INTO deliveries (outbox_id, channel, sent_at) VALUES ($1, 'log', $2)", oid, sent)
    return oid


async def test_prune_keeps_what_the_policy_keeps(pool):
    policy = RetentionPolicy(outbox_sent_days=30, outbox_failed_days=180, idempotency_days=7, batch=100)
    old_sent = [await outbox_row(pool, sent_days=31 + i) for i in range(250)]  # three batches
    recent = await outbox_row(pool, sent_days=29)
    waiting = await outbox_row(pool)
    old_failed, new_failed = await outbox_row(pool, failed_days=181), await outbox_row(pool, failed_days=10)
    user, _ = await create_user(pool, name=f"ret-{uuid.uuid4().hex[:6]}", role="agent", department="ret")
    for key, days in (("old", 8), ("new", 1)):
        await pool.execute("INSERT INTO idempotency_keys (user_id, key, request_hash, status_code, response, "
                           "created_at) VALUES ($1, $2, 'h', 200, '{}', $3)", user.id, key, NOW - timedelta(days=days))
    events = await pool.fetchval("SELECT count(*) FROM events")

    deleted = await prune(pool, policy, NOW)

    left = {r["id"] for r in await pool.fetch("SELECT id FROM outbox WHERE id = ANY($1)",
                                              [*old_sent, recent, waiting, old_failed, new_failed])}  # fmt: skip
    assert left == {recent, waiting, new_failed}
    assert deleted["outbox_sent"] >= 250 and deleted["outbox_failed"] >= 1
    assert await pool.fetchval("SELECT count(*) FROM deliveries WHERE outbox_id = ANY($1)", old_sent) == 0
    keys = {r["key"] for r in await pool.fetch("SELECT key FROM idempotency_keys WHERE user_id = $1", user.id)}
    assert keys == {"new"}
    assert await pool.fetchval("SELECT count(*) FROM events") == events  # the audit trail is never pruned
    assert (await prune(pool, policy, NOW))["outbox_sent"] == 0


async def test_uploads_never_sent_with_a_process_go_with_their_bytes_unless_held(pool, tmp_path):
    """Issue 15: a process form's uploads left unsent go after `unsent_uploads_days`; a blob
    goes only when no other live attachment has the same content."""
    files = local_files(tmp_path / "attachments")
    policy = RetentionPolicy(unsent_uploads_days=7, batch=100)
    me, other = f"ret-{uuid.uuid4().hex[:6]}", f"ret-{uuid.uuid4().hex[:6]}"
    lone, shared, recent, sent = a_pdf(), a_pdf(), a_pdf(), a_pdf()

    async def upload(data: bytes, by: str, days: int) -> Attachment:
        att = await attachments.add(pool, files, AttachmentPolicy(), project_id=None, kind=AttachmentKind.other,
                                    filename="票据.pdf", data=data, by=by)  # fmt: skip
        await pool.execute("UPDATE attachments SET uploaded_at = $2 WHERE id = $1", att.id, NOW - timedelta(days=days))
        return att

    old_lone, old_shared = await upload(lone, me, 8), await upload(shared, me, 30)
    held_by_other = await upload(shared, other, 1)  # the same bytes, uploaded yesterday by someone else
    young, bound = await upload(recent, me, 6), await upload(sent, me, 40)
    await attachments.bind(pool, [bound.id], process_id=f"proc-{uuid.uuid4().hex[:8]}", by=me)

    deleted = await prune(pool, policy, NOW, files=files)

    left = {r["id"] for r in await pool.fetch("SELECT id FROM attachments WHERE uploaded_by = ANY($1)", [me, other])}
    assert left == {held_by_other.id, young.id, bound.id}
    assert deleted["unsent_uploads"] >= 2 and deleted["unsent_upload_blobs"] >= 1
    assert not await files.exists(old_lone.sha256)  # nothing else had these bytes
    assert await files.read(old_shared.sha256) == shared  # still held by the other person's upload
    assert await files.exists(young.sha256) and await files.exists(bound.sha256)
    again = await prune(pool, policy, NOW, files=files)
    assert (again["unsent_uploads"], again["unsent_upload_blobs"]) == (0, 0)


async def test_repeated_marks_of_a_month_are_compacted_to_one(pool):
    """Each write to a month's facts appends a mark; a month no report reads keeps one, not
    one per write, and a month marked once stays marked."""
    months = [date(1990, 1, 1), date(1990, 2, 1)]
    await pool.executemany("INSERT INTO rollup_marks (report, month) VALUES ('kpis', $1)",
                           [(months[0],)] * 250 + [(months[1],)])  # fmt: skip
    deleted = await prune(pool, RetentionPolicy(batch=100), NOW)
    assert deleted["rollup_marks"] >= 249
    counts = await pool.fetch("SELECT month, count(*) AS n FROM rollup_marks WHERE report = 'kpis' "
                              "AND month = ANY($1::date[]) GROUP BY month ORDER BY month", months)  # fmt: skip
    assert [(r["month"], r["n"]) for r in counts] == [(months[0], 1), (months[1], 1)]
    await pool.execute("DELETE FROM rollup_marks WHERE month = ANY($1::date[])", months)
