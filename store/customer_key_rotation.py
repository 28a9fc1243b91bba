"""`jindu rotate-data-key` for the customer master: every personal field, follow-up and
change-log value re-encrypted under the new key and every blind index recomputed with the
new key's index key, in one transaction. A repeated run leaves rows that already open
with the new key alone; a row neither key opens aborts the whole rotation."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from cryptography.exceptions import InvalidTag

from store.crypto import DISPOSED, DataCipher
from store.customer_master import ENCRYPTED, blind
from store.key_rotation import UnreadableCustomer

INDEXED = {"phone": "phone_index", "email": "email_index"}
# (table, key column, encrypted columns)
VALUES = (("customer_follow_ups", "id", ("content_enc",)), ("customer_changes", "id", ("values_enc",)))


@dataclass(frozen=True)
class MasterRotation:
    rotated: int
    already_new: int


def _plain(cipher: DataCipher, blobs: list[bytes | None]) -> list[str | None] | None:
    try:
        return [cipher.decrypt(b) for b in blobs]
    except (InvalidTag, ValueError):
        return None


def _seal(cipher: DataCipher, text: str | None, blob: bytes | None) -> bytes | None:
    return blob if blob is None or bytes(blob) == DISPOSED else cipher.encrypt(text)


async def rotate_customer_master(conn: asyncpg.Connection, old: DataCipher, new: DataCipher) -> MasterRotation:
    rotated = already = 0
    columns = [f"{f}_enc" for f in ENCRYPTED]
    async with conn.transaction():
        await conn.execute("LOCK TABLE customer_master, customer_follow_ups, customer_changes IN EXCLUSIVE MODE")
        for row in await conn.fetch(f"SELECT id, {', '.join(columns)} FROM customer_master ORDER BY id"):
            blobs = [row[c] for c in columns]
            plain = _plain(old, blobs)
            if plain is None:
                if _plain(new, blobs) is None:
                    raise UnreadableCustomer(f"customer {row['id']} opens with neither the old nor the new key")
                already += 1
                continue
            values = dict(zip(ENCRYPTED, plain, strict=True))
            sealed = [_seal(new, values[f], b) for f, b in zip(ENCRYPTED, blobs, strict=True)]
            sets = ", ".join(f"{c} = ${i + 2}" for i, c in enumerate(columns))
            await conn.execute(
                f"UPDATE customer_master SET {sets}, phone_index = ${len(columns) + 2}, email_index = "
                f"${len(columns) + 3} WHERE id = $1", row["id"], *sealed,
                blind(new, "phone", values["phone"]), blind(new, "email", values["email"]))  # fmt: skip
            rotated += 1
        for table, key, cols in VALUES:
            for row in await conn.fetch(f"SELECT {key}, {', '.join(cols)} FROM {table}"):
                blobs = [row[c] for c in cols]
                plain = _plain(old, blobs)
                if plain is None:
                    if _plain(new, blobs) is None:
                        raise UnreadableCustomer(f"{table} {row[key]} opens with neither the old nor the new key")
                    continue
                sets = ", ".join(f"{c} = ${i + 2}" for i, c in enumerate(cols))
                await conn.execute(f"UPDATE {table} SET {sets} WHERE {key} = $1", row[key],
                                   *[_seal(new, p, b) for p, b in zip(plain, blobs, strict=True)])  # fmt: skip
    return MasterRotation(rotated, already)
