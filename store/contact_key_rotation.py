"""`jindu rotate-data-key` for people's own contacts (issue 17): each user's mobile and e-mail
re-encrypted under the new key and their blind indexes (how they are found when they ask for a
sign-in link) recomputed with it, in one transaction. A row already under the new key is left;
one that opens with neither key stops the rotation."""

from __future__ import annotations

import asyncpg
from cryptography.exceptions import InvalidTag

from store.contacts import address_index
from store.crypto import DataCipher


class UnreadableContact(ValueError):
    pass


def _plain(cipher: DataCipher, blobs: list[bytes | None]) -> list[str | None] | None:
    try:
        return [cipher.decrypt(b) for b in blobs]
    except (InvalidTag, ValueError):
        return None


async def rotate_contacts(conn: asyncpg.Connection, old: DataCipher, new: DataCipher) -> int:
    """How many people's contacts were re-encrypted."""
    rotated = 0
    async with conn.transaction():
        rows = await conn.fetch("SELECT id, mobile_enc, email_enc FROM users "
                                "WHERE mobile_enc IS NOT NULL OR email_enc IS NOT NULL ORDER BY id FOR UPDATE")
        for row in rows:
            blobs = [row["mobile_enc"], row["email_enc"]]
            plain = _plain(old, blobs)
            if plain is None:
                if _plain(new, blobs) is None:
                    raise UnreadableContact(f"user {row['id']}: contacts open with neither the old nor the new key")
                continue
            mobile, email = plain
            await conn.execute(
                "UPDATE users SET mobile_enc = $2, email_enc = $3, mobile_blind = $4, email_blind = $5 WHERE id = $1",
                row["id"], new.encrypt(mobile), new.encrypt(email), address_index(new, mobile),
                address_index(new, email))  # fmt: skip
            rotated += 1
    return rotated
