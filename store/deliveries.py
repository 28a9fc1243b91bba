"""Each delivery of a notification on its own schedule (issue 17): planned when the notification
is first handled, sent, retried with its own backoff, and finally sent or given up. Operations
read them on 通知记录 (web/routes/notifications.py), a page at a time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg
from pydantic import BaseModel

Db = asyncpg.Pool | asyncpg.Connection
STATES = ("pending", "sent", "given_up")


class Planned(BaseModel):
    outbox_id: str
    project_id: str | None
    delivery: str
    channel: str
    lang: str
    recipients: list[str]


async def plan(db: Db, planned: Sequence[Planned]) -> None:
    """Book the deliveries notifications need, a whole batch in one statement (issue 16); a person
    added later gets theirs on the next pass."""
    if not planned:
        return
    # A delivery sent before this table existed (an upgrade mid-retry) is booked as sent, not sent again.
    await db.execute(
        """INSERT INTO notification_deliveries (outbox_id, delivery, channel, project_id, lang, recipients, state)
           SELECT p.outbox_id, p.delivery, p.channel, p.project_id, p.lang,
                  ARRAY(SELECT jsonb_array_elements_text($6::jsonb -> (p.n::int - 1))),
                  CASE WHEN EXISTS (SELECT 1 FROM deliveries d
                                    WHERE d.outbox_id = p.outbox_id AND d.channel = p.delivery)
                       THEN 'sent' ELSE 'pending' END
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY
                AS p(outbox_id, delivery, channel, project_id, lang, n)
           ON CONFLICT DO NOTHING""",
        [p.outbox_id for p in planned], [p.delivery for p in planned], [p.channel for p in planned],
        [p.project_id for p in planned], [p.lang for p in planned], [p.recipients for p in planned],
    )  # fmt: skip


async def due(db: Db, outbox_ids: Sequence[str]) -> dict[str, dict[str, int]]:
    """The deliveries of these notifications to try now, each with how often it was tried, by
    notification (one round trip for the batch)."""
    found: dict[str, dict[str, int]] = {}
    if not outbox_ids:
        return found
    rows = await db.fetch("SELECT outbox_id, delivery, attempts FROM notification_deliveries WHERE outbox_id = "
                          "ANY($1::text[]) AND state = 'pending' AND next_attempt_at <= now()",
                          list(outbox_ids))  # fmt: skip
    for r in rows:
        found.setdefault(r["outbox_id"], {})[r["delivery"]] = r["attempts"]
    return found


async def sent(db: Db, done: Sequence[tuple[str, str]]) -> None:
    """The deliveries (outbox id, delivery) that went out, booked as sent and their records updated:
    one statement, so one transaction, for the batch."""
    if not done:
        return
    ids, keys = zip(*done, strict=True)
    await db.execute(
        """WITH s AS (SELECT * FROM unnest($1::text[], $2::text[]) AS s(outbox_id, delivery)),
                booked AS (INSERT INTO deliveries (outbox_id, channel) SELECT outbox_id, delivery FROM s
                           ON CONFLICT DO NOTHING)
           UPDATE notification_deliveries n SET state = 'sent', attempts = n.attempts + 1, errcode = NULL,
               last_error = NULL, updated_at = now()
           FROM s WHERE n.outbox_id = s.outbox_id AND n.delivery = s.delivery""",
        list(ids), list(keys))  # fmt: skip


async def failed(db: Db, outbox_id: str, delivery: str, *, errcode: str | None, error: str,
                 retry_in: float | None) -> None:  # fmt: skip
    """A failed attempt: retried in `retry_in` seconds, or given up (None)."""
    await db.execute(
        """UPDATE notification_deliveries SET attempts = attempts + 1, errcode = $3, last_error = $4,
               updated_at = now(),
               state = CASE WHEN $5::float8 IS NULL THEN 'given_up' ELSE 'pending' END,
               next_attempt_at = CASE WHEN $5::float8 IS NULL THEN next_attempt_at
                                      ELSE now() + make_interval(secs => $5::float8) END
           WHERE outbox_id = $1 AND delivery = $2""",
        outbox_id, delivery, errcode, error[:500], retry_in)  # fmt: skip


async def settle(db: Db, outbox_ids: Sequence[str]) -> dict[str, str]:
    """Each notification's own state from its deliveries: `sent` when all went out (or it has
    none), `given_up` when none is pending and one was given up, else `pending` with the next
    attempt of the soonest (read and written in one statement for the batch)."""
    if not outbox_ids:
        return {}
    rows = await db.fetch(
        """WITH d AS (SELECT o.id, count(*) FILTER (WHERE n.state = 'pending') AS pending,
                             count(*) FILTER (WHERE n.state = 'given_up') AS given_up,
                             min(n.next_attempt_at) FILTER (WHERE n.state = 'pending') AS next_at,
                             (array_agg(n.last_error ORDER BY n.updated_at DESC)
                                FILTER (WHERE n.last_error IS NOT NULL))[1] AS error
                      FROM unnest($1::text[]) AS o(id) LEFT JOIN notification_deliveries n ON n.outbox_id = o.id
                      GROUP BY o.id),
                s AS (SELECT d.*, CASE WHEN d.pending > 0 THEN 'pending' WHEN d.given_up > 0 THEN 'given_up'
                                       ELSE 'sent' END AS state FROM d),
                o AS (UPDATE outbox SET
                          next_attempt_at = CASE WHEN s.state = 'pending' THEN s.next_at ELSE next_attempt_at END,
                          failed_at = CASE WHEN s.state = 'given_up' THEN now() ELSE failed_at END,
                          sent_at = CASE WHEN s.state = 'sent' THEN now() ELSE sent_at END,
                          last_error = CASE WHEN s.state = 'sent' THEN NULL ELSE s.error END
                      FROM s WHERE outbox.id = s.id)
           SELECT id, state FROM s""", list(outbox_ids))  # fmt: skip
    return {r["id"]: r["state"] for r in rows}


class DeliveryRow(BaseModel):
    outbox_id: str
    delivery: str
    channel: str
    project_id: str | None
    key: str
    kind: str
    params: dict[str, Any]
    lang: str
    recipients: list[str]
    state: str
    attempts: int
    errcode: str | None
    last_error: str | None
    created_at: datetime
    updated_at: datetime
    next_attempt_at: datetime


async def page_of(db: Db, *, state: str | None, channel: str | None, project_id: str | None,
                  limit: int, offset: int) -> tuple[list[DeliveryRow], int]:  # fmt: skip
    """One page of deliveries, newest first, and how many match: two queries whatever the page shows."""
    where = """($1::text IS NULL OR d.state = $1) AND ($2::text IS NULL OR d.channel = $2)
               AND ($3::text IS NULL OR d.project_id = $3)"""
    args: list[Any] = [state, channel, project_id]
    rows = await db.fetch(
        f"""SELECT d.*, o.key, o.kind, o.params FROM notification_deliveries d JOIN outbox o ON o.id = d.outbox_id
            WHERE {where} ORDER BY d.created_at DESC, d.outbox_id, d.delivery LIMIT $4 OFFSET $5""",
        *args, limit, offset)  # fmt: skip
    total = await db.fetchval(f"SELECT count(*) FROM notification_deliveries d WHERE {where}", *args)
    return [DeliveryRow(**dict(r)) for r in rows], total


async def counts(db: Db) -> dict[str, int]:
    rows = await db.fetch("SELECT state, count(*) AS n FROM notification_deliveries GROUP BY state")
    return {s: 0 for s in STATES} | {r["state"]: r["n"] for r in rows}
