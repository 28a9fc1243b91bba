"""`Idempotency-Key`: a retried action applies once and answers with the original outcome.

The key names the action: it is the Temporal update id (scoped to the caller and the
route), so a retry that reaches the workflow is recognised there even if its first answer
never came back; and the first successful answer is kept in PostgreSQL and replayed to any
retry. Reusing a key for a different request is 422.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import asyncpg
from fastapi import Header, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from api.errors import DB_OUTAGES
from domain.errors import Invalid, Unavailable

KEY_HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[\x21-\x7e]{1,200}$"

IdempotencyKey = Annotated[
    str | None,
    Header(alias=KEY_HEADER, pattern=KEY_PATTERN,
           description="Any string of 1–200 visible ASCII characters, new for each action; a retry with the same "
                       "key applies the action at most once and answers with the first outcome"),
]  # fmt: skip


def update_id(user_id: str, request: Request, key: str) -> str:
    """The Temporal update id of an action: the same for every retry of it."""
    raw = f"{user_id}|{request.method}|{request.url.path}|{key}"
    return "idem-" + hashlib.sha256(raw.encode()).hexdigest()[:40]


async def _request_hash(request: Request) -> str:
    return hashlib.sha256(request.method.encode() + request.url.path.encode() + await request.body()).hexdigest()


CLAIM = """INSERT INTO idempotency_keys (user_id, key, request_hash, status_code, response)
           VALUES ($1, $2, $3, 0, 'null'::jsonb) ON CONFLICT (user_id, key) DO NOTHING RETURNING true"""


async def once(request: Request, pool: asyncpg.Pool, user_id: str, key: str | None,
               act: Callable[[str | None], Awaitable[tuple[int, BaseModel]]]) -> Any:  # fmt: skip
    """Run `act(update_id)` once per key; answer retries with the stored first answer.

    The key is claimed before anything is sent (status 0 while in flight), so requests with
    one key that arrive together are told apart by their bodies: another body is 422, the same
    body waits on the same Temporal update (its id is the key's) and answers its outcome."""
    if key is None:
        status, body = await act(None)  # serialised by pydantic-core, without a dict in between
        return Response(body.model_dump_json(), status_code=status, media_type="application/json")
    digest = await _request_hash(request)
    try:
        claimed = await pool.fetchval(CLAIM, user_id, key, digest)
        stored = None if claimed else await pool.fetchrow(
            "SELECT request_hash, status_code, response FROM idempotency_keys WHERE user_id = $1 AND key = $2",
            user_id, key)  # fmt: skip
    except DB_OUTAGES as err:
        raise Unavailable("the database is unreachable; nothing was applied", "db_down") from err
    if stored is not None:
        if stored["request_hash"] != digest:
            raise Invalid(f"{KEY_HEADER} {key!r} was already used for a different request",
                          "key_reused", header=KEY_HEADER)
        if stored["status_code"]:
            response = stored["response"]
            content = json.loads(response) if isinstance(response, str) else response
            return JSONResponse(content, status_code=stored["status_code"], headers={"Idempotent-Replayed": "true"})
    try:
        status, body = await act(update_id(user_id, request, key))
    except BaseException:
        if claimed:  # refused or not known to have applied: the key is free for a retry
            with contextlib.suppress(*DB_OUTAGES):
                await pool.execute("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status_code = 0",
                                   user_id, key)  # fmt: skip
        raise
    content = body.model_dump(mode="json")
    try:
        await pool.execute(
            """UPDATE idempotency_keys SET status_code = $3, response = $4
               WHERE user_id = $1 AND key = $2 AND status_code = 0""",
            user_id, key, status, content,
        )  # fmt: skip
    except DB_OUTAGES as err:
        raise Unavailable("the action was applied but its answer could not be stored; retry with the same "
                          f"{KEY_HEADER} to read it", "answer_unstored", header=KEY_HEADER,
                          may_have_applied=True) from err  # fmt: skip
    return JSONResponse(content, status_code=status, headers=None if claimed else {"Idempotent-Replayed": "true"})
