"""Who a notification reaches: a named user, or the users of a role (in a department)."""

from __future__ import annotations

from typing import Any

import asyncpg

from domain.models import Role

# Executives, operations and customer service (客服) serve the whole company and may have no department.
COMPANY_WIDE = frozenset({Role.executive, Role.operations, Role.auditor, Role.customer_service})


async def recipients(
    conn: asyncpg.Connection | asyncpg.Pool, *, to_role: Role, to_user_id: str | None, department: str | None
) -> list[str]:
    """Names of the users a notification goes to."""
    if to_user_id is not None:
        name = await conn.fetchval("SELECT name FROM users WHERE id = $1", to_user_id)
        return [name] if name else []
    if department is None:
        return await _names(conn, "SELECT name FROM users WHERE role = $1 ORDER BY name", to_role.value)
    names = await _names(
        conn,
        "SELECT name FROM users WHERE role = $1 AND (department = $2 OR ($3 AND department IS NULL)) ORDER BY name",
        to_role.value, department, to_role in COMPANY_WIDE,
    )  # fmt: skip
    if not names and to_role in COMPANY_WIDE:
        names = await _names(conn, "SELECT name FROM users WHERE role = $1 ORDER BY name", to_role.value)
    return names


async def _names(conn: asyncpg.Connection | asyncpg.Pool, sql: str, *args: Any) -> list[str]:
    return [r["name"] for r in await conn.fetch(sql, *args)]
