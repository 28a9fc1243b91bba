"""People's contacts for notifications: mobile and e-mail stored encrypted like customer
data (store.crypto), preferred channels and language in plain columns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import asyncpg
from pydantic import BaseModel, Field

from domain.customers import normalise_email, normalise_phone
from domain.models import Role
from store.crypto import DataCipher
from store.customer_master import blind

Db = asyncpg.Pool | asyncpg.Connection
CHANNELS = ("wecom", "dingtalk", "feishu", "email")


class Contact(BaseModel):
    """A person a message can reach, with what they have given."""

    user_id: str
    name: str
    role: Role
    department: str | None = None
    mobile: str | None = None
    email: str | None = None
    channels: list[str] = Field(default_factory=list)
    lang: str = "zh"


# Also read by store/recipients.py: the outbox addresses a batch and reads their contacts in one statement.
SELECT_CONTACTS = "SELECT id, name, role, department, mobile_enc, email_enc, channels, lang, deactivated_at FROM users"


def contact_of(row: Mapping[str, Any], cipher: DataCipher) -> Contact:
    """A user's row (SELECT_CONTACTS) with their contacts decrypted."""
    return Contact(
        user_id=row["id"], name=row["name"], role=row["role"], department=row["department"],
        mobile=cipher.decrypt(row["mobile_enc"]), email=cipher.decrypt(row["email_enc"]),
        channels=list(row["channels"] or []), lang=row["lang"],
    )  # fmt: skip


async def contact(db: Db, user_id: str, cipher: DataCipher) -> Contact | None:
    row = await db.fetchrow(SELECT_CONTACTS + " WHERE id = $1", user_id)
    return None if row is None else contact_of(row, cipher)


def address_index(cipher: DataCipher, typed: str | None) -> bytes | None:
    """The blind index a person is found by when they ask for a sign-in link: an e-mail
    (lower case) or a mobile number (digits, without +86); None for anything else."""
    if not typed or not typed.strip():
        return None
    try:
        if "@" in typed:
            return blind(cipher, "email", normalise_email(typed))
        return blind(cipher, "phone", normalise_phone(typed))
    except ValueError:
        return None


async def contact_by_address(db: Db, typed: str, cipher: DataCipher) -> Contact | None:
    """The active person whose e-mail or mobile is `typed`, or whose account name it is."""
    index = address_index(cipher, typed)
    row = None
    if index is not None:
        row = await db.fetchrow(SELECT_CONTACTS + " WHERE (email_blind = $1 OR mobile_blind = $1) "
                                "AND deactivated_at IS NULL ORDER BY created_at LIMIT 1", index)  # fmt: skip
    if row is None:
        row = await db.fetchrow(SELECT_CONTACTS + " WHERE name = $1 AND deactivated_at IS NULL", typed.strip()[:200])
    return None if row is None else contact_of(row, cipher)


async def index_addresses(db: Db, cipher: DataCipher, batch: int = 500) -> int:
    """Give contacts saved before migration 0670 their blind indexes (run at start-up;
    nothing to do once done); how many people were indexed."""
    rows = await db.fetch("SELECT id, mobile_enc, email_enc FROM users WHERE (email_enc IS NOT NULL AND email_blind "
                          "IS NULL) OR (mobile_enc IS NOT NULL AND mobile_blind IS NULL) LIMIT $1", batch)  # fmt: skip
    for row in rows:
        await db.execute("UPDATE users SET mobile_blind = $2, email_blind = $3 WHERE id = $1", row["id"],
                         address_index(cipher, cipher.decrypt(row["mobile_enc"])),
                         address_index(cipher, cipher.decrypt(row["email_enc"])))  # fmt: skip
    return len(rows)


async def set_contact(db: Db, user_id: str, cipher: DataCipher, *, mobile: str | None, email: str | None,
                      channels: list[str], lang: str) -> bool:  # fmt: skip
    """Replace a person's contact details; True if the user exists."""
    unknown = sorted(set(channels) - set(CHANNELS))
    if unknown:
        raise ValueError(f"unknown channels: {', '.join(unknown)}")
    row = await db.fetchrow(
        "UPDATE users SET mobile_enc = $2, email_enc = $3, channels = $4, lang = $5, mobile_blind = $6, "
        "email_blind = $7 WHERE id = $1 RETURNING id",
        user_id, cipher.encrypt(mobile), cipher.encrypt(email), sorted(set(channels)), lang,
        address_index(cipher, mobile), address_index(cipher, email),
    )  # fmt: skip
    return row is not None
