"""A workspace action applied once per submitted form, when no workflow update id can carry the
key (issue 14: 整体转交, a transaction of the database alone). The form's key
(web/api.py `FormKeys.key`) is claimed in the `idempotency_keys` table the API's
`Idempotency-Key` uses, inside the action's own transaction: a second submission of the
same form waits on the key's row until the first commits, then answers the first's outcome;
if the first was refused (rolled back) the key is free and the second applies."""

from __future__ import annotations

import hashlib
from typing import Any

import asyncpg

from domain.errors import Invalid

CLAIM = """INSERT INTO idempotency_keys (user_id, key, request_hash, status_code, response)
           VALUES ($1, $2, $3, 200, 'null'::jsonb) ON CONFLICT (user_id, key) DO NOTHING RETURNING true"""


def request_hash(request: str) -> str:
    return hashlib.sha256(request.encode()).hexdigest()


async def first_answer(conn: asyncpg.Connection, user_id: str, key: str, request: str) -> dict[str, Any] | None:
    """None: the key is this transaction's, go on (then `keep`); else the first outcome."""
    digest = request_hash(request)
    if await conn.fetchval(CLAIM, user_id, key, digest):
        return None
    row = await conn.fetchrow("SELECT request_hash, response FROM idempotency_keys WHERE user_id = $1 AND key = $2",
                              user_id, key)  # fmt: skip
    if row["request_hash"] != digest:
        raise Invalid("this form was already sent with other values", "form_resent_changed")
    return dict(row["response"])


async def keep(conn: asyncpg.Connection, user_id: str, key: str, response: dict[str, Any]) -> None:
    await conn.execute("UPDATE idempotency_keys SET response = $3 WHERE user_id = $1 AND key = $2",
                       user_id, key, response)  # fmt: skip
