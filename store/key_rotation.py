"""Re-encrypt every customer's personal fields under a new data key, in one transaction.

Each row is read under the old key and written under the new one. A row that already
opens with the new key (a repeated run) is left alone; a row that opens with neither
aborts the whole rotation, so nothing is half rotated.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from cryptography.exceptions import InvalidTag

from store.crypto import DISPOSED, DataCipher

FIELDS = ("name_enc", "phone_enc", "email_enc", "company_enc")


class UnreadableCustomer(ValueError):
    """A customer row that neither key opens: the old key is not the one it was stored with."""


@dataclass(frozen=True)
class Rotation:
    rotated: int
    already_new: int
    disposed: int


def _opens(cipher: DataCipher, blobs: list[bytes | None]) -> bool:
    try:
        for blob in blobs:
            cipher.decrypt(blob)
    except (InvalidTag, ValueError):
        return False
    return True


async def rotate_customer_key(conn: asyncpg.Connection, old: DataCipher, new: DataCipher) -> Rotation:
    """Run inside no transaction of the caller's: this one locks `customers` until it commits."""
    rotated = already = disposed = 0
    async with conn.transaction():
        # EXCLUSIVE blocks writers (an intake storing under the old key) but not readers.
        await conn.execute("LOCK TABLE customers IN EXCLUSIVE MODE")
        rows = await conn.fetch(f"SELECT id, {', '.join(FIELDS)}, disposed_at FROM customers ORDER BY id")
        for row in rows:
            blobs = [row[f] for f in FIELDS]
            if all(b is None or bytes(b) == DISPOSED for b in blobs):
                disposed += 1
                continue
            if _opens(old, blobs):
                fresh = [new.encrypt(old.decrypt(b)) if b is not None and bytes(b) != DISPOSED else b for b in blobs]
                await conn.execute(
                    "UPDATE customers SET name_enc = $2, phone_enc = $3, email_enc = $4, company_enc = $5 "
                    "WHERE id = $1",
                    row["id"],
                    *fresh,
                )
                rotated += 1
            elif _opens(new, blobs):
                already += 1
            else:
                raise UnreadableCustomer(f"customer {row['id']} opens with neither the old nor the new key")
    return Rotation(rotated, already, disposed)
