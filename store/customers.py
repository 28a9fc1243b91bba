"""Customers: personal fields stored encrypted, readable only through these functions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from domain.commands import CustomerIn
from store.archive_search import phone_index
from store.crypto import DISPOSED, DataCipher

Conn = asyncpg.Connection | asyncpg.Pool


def customer_id(project_id: str) -> str:
    return f"customer-{project_id}"


CUSTOMER_INSERT = "id, project_id, name_enc, phone_enc, email_enc, company_enc, user_id, phone_index"


def customer_values(project_id: str, customer: CustomerIn, user_id: str | None, cipher: DataCipher) -> tuple:
    """The values of CUSTOMER_INSERT for a project's customer, personal fields encrypted."""
    return (customer_id(project_id), project_id, cipher.encrypt(customer.name), cipher.encrypt(customer.phone),
            cipher.encrypt(customer.email), cipher.encrypt(customer.company), user_id,
            phone_index(cipher, customer.phone))  # the archive finds the project by phone (store/archive_search.py)


async def insert_customer(
    conn: Conn, *, project_id: str, customer: CustomerIn, user_id: str | None, cipher: DataCipher
) -> bool:
    """Idempotent per project: a repeated intake keeps the first record. True if inserted."""
    row = await conn.fetchrow(
        f"""INSERT INTO customers ({CUSTOMER_INSERT}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (project_id) DO NOTHING RETURNING id""",
        *customer_values(project_id, customer, user_id, cipher),
    )
    return row is not None


async def read_customer(conn: Conn, project_id: str, cipher: DataCipher) -> dict | None:
    """Decrypted customer info, or None. After disposal the personal fields are None."""
    row = await conn.fetchrow(
        """SELECT id, name_enc, phone_enc, email_enc, company_enc, user_id, created_at, disposed_at
           FROM customers WHERE project_id = $1""",
        project_id,
    )
    return None if row is None else customer_from_row(row, cipher)


def customer_from_row(row: Any, cipher: DataCipher) -> dict:
    """The customers row (as `read_customer` selects it), decrypted."""
    return {
        "id": row["id"],
        "name": cipher.decrypt(row["name_enc"]),
        "phone": cipher.decrypt(row["phone_enc"]),
        "email": cipher.decrypt(row["email_enc"]),
        "company": cipher.decrypt(row["company_enc"]),
        "user_id": row["user_id"],
        "disposed_at": row["disposed_at"],
    }


async def dispose_customer(conn: Conn, project_id: str, *, at: datetime | None = None) -> bool:
    """Safe disposal when the relationship ends: the ciphertexts are overwritten, the row
    (and its id, referenced by archive bundles) stays. True if something was disposed now."""
    row = await conn.fetchrow(
        """UPDATE customers
           SET name_enc = $2, phone_enc = NULL, email_enc = NULL, company_enc = NULL, phone_index = NULL,
               disposed_at = coalesce($3, now())
           WHERE project_id = $1 AND disposed_at IS NULL
           RETURNING id""",
        project_id,
        DISPOSED,
        at,
    )
    return row is not None


async def dispose_after_relationship(pool: asyncpg.Pool, project_id: str, *, by_id: str, by_name: str,
                                     by_role: str) -> bool:
    """Dispose of a finished project's customer data and append the fact to its audit trail.

    The workflow has finished, so the next seq is free; the step key makes a repeat a no-op.
    """
    async with pool.acquire() as conn, conn.transaction():
        if not await dispose_customer(conn, project_id):
            return False
        # The contacts of complaints about the project are the customer's personal data too.
        await conn.execute("UPDATE complaints SET contact_enc = NULL, disposed_at = now() "
                           "WHERE project_id = $1 AND disposed_at IS NULL", project_id)  # fmt: skip
        # So are the project's documents (signed confirmations, contracts, photos): no longer served,
        # their blobs deleted after commit (store/attachments.py purge).
        await conn.execute("UPDATE attachments SET disposed_at = now() WHERE project_id = $1 AND disposed_at IS NULL",
                           project_id)  # fmt: skip
        await conn.execute(
            """INSERT INTO events (step_key, project_id, seq, kind, at, actor_id, actor_name, actor_role)
               SELECT $1, $2, p.seq, 'customer_data_disposed', now(), $3, $4, $5
               FROM projects p WHERE p.id = $2
               ON CONFLICT (step_key) DO NOTHING""",
            f"{project_id}:customer_data_disposed", project_id, by_id, by_name, by_role,
        )
        return True
