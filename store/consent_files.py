"""The files of a customer's consent (issue 14; 001 客户信息管理 §3): the signed consent and the
NDA with the recipient, scanned or photographed. A member of staff uploads each first
(`POST /v1/attachments`, their own upload under the attachments' rules: type from the bytes,
the policy's limits), then sends the ids with the consent; `bind` makes them the consent's in
the transaction that records it, under the same checks as a process form's (store/attachments.py
`lock_own_uploads`). A bound upload is no longer unsent: retention keeps it (store/retention.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg
from pydantic import BaseModel, Field

from store.attachments import lock_own_uploads

Db = asyncpg.Connection | asyncpg.Pool


class ConsentFile(BaseModel):
    """A file sent with a consent (no bytes; `GET /v1/attachments/{id}` downloads it)."""

    id: str = Field(description="The attachment's id")
    name: str
    size: int
    content_type: str = Field(description="Decided from the bytes on upload")
    uploaded_at: datetime


async def bind(conn: asyncpg.Connection, ids: Sequence[str], *, consent_id: str, by: str) -> list[str]:
    """Make `by`'s own unsent uploads the consent's (inside the caller's transaction, so a
    refusal records neither). An id that is no upload (unknown, a project's document, disposed
    of) is `Refused` (422); another person's upload, or one already sent with a process or
    another consent, is `Forbidden` (403). Answers the ids in their order, without repeats."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    await lock_own_uploads(conn, wanted, by=by, holder="consent_id", holder_id=consent_id)
    await conn.execute("UPDATE attachments SET consent_id = $1 WHERE id = ANY($2)", consent_id, wanted)
    return wanted


async def files_of(db: Db, customer_id: str) -> dict[str, list[ConsentFile]]:
    """Each of the customer's consents' files, oldest first (one statement for all of them)."""
    rows = await db.fetch(
        "SELECT a.consent_id, a.id, a.name, a.size, a.content_type, a.uploaded_at FROM attachments a "
        "JOIN customer_consents c ON c.id = a.consent_id WHERE c.customer_id = $1 AND a.disposed_at IS NULL "
        "ORDER BY a.uploaded_at, a.id", customer_id)  # fmt: skip
    out: dict[str, list[ConsentFile]] = {}
    for r in rows:
        out.setdefault(r["consent_id"], []).append(ConsentFile(**{k: r[k] for k in ConsentFile.model_fields}))
    return out


async def customer_of(db: Db, attachment_id: str) -> str | None:
    """The customer whose consent holds the attachment, if a consent does."""
    return await db.fetchval("SELECT c.customer_id FROM attachments a JOIN customer_consents c ON c.id = a.consent_id "
                             "WHERE a.id = $1", attachment_id)  # fmt: skip
