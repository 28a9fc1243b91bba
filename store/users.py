"""Users and their bearer tokens (DESIGN.md §HTTP API contract: one token, one user, one role).

Only the SHA-256 of a token is stored: a leaked table grants nobody access.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

import asyncpg
from pydantic import BaseModel

from domain.errors import Conflict, Invalid
from domain.models import Role
from store.reads import ProjectAccess

# RULES §Roles: these roles act for one department.
DEPARTMENT_ROLES = frozenset({Role.agent, Role.dept_head})


class User(BaseModel):
    id: str
    name: str
    role: Role
    department: str | None = None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_user(
    pool: asyncpg.Pool | asyncpg.Connection,
    *,
    name: str,
    role: Role | str,
    department: str | None = None,
) -> tuple[User, str]:
    """Create a user; return it with its token, which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise Invalid("a user needs a name", "name_needed")
    try:
        role = Role(role)
    except ValueError:
        raise Invalid(f"unknown role {role!r}; one of {', '.join(r.value for r in Role)}",
                      "unknown_role", role=role) from None
    department = (department or "").strip() or None
    if role in DEPARTMENT_ROLES and department is None:
        raise Invalid(f"a {role.value} needs a department", "department_needed", role=role.value)
    user = User(id=str(uuid.uuid4()), name=name, role=role, department=department)
    token = secrets.token_urlsafe(32)
    try:
        await pool.execute(
            "INSERT INTO users (id, name, role, department, token_hash) VALUES ($1, $2, $3, $4, $5)",
            user.id, user.name, user.role.value, user.department, token_hash(token),
        )
    except asyncpg.UniqueViolationError:
        raise Conflict(f"a user named {name!r} already exists", "name_taken", who=name) from None
    return user, token


def _user(row: asyncpg.Record | None) -> User | None:
    return None if row is None else User(id=row["id"], name=row["name"], role=row["role"], department=row["department"])


async def user_by_token(pool: asyncpg.Pool | asyncpg.Connection, token: str) -> User | None:
    # A deactivated user's token stops working (issue 8: safe operator actions).
    row = await pool.fetchrow(
        "SELECT id, name, role, department FROM users WHERE token_hash = $1 AND deactivated_at IS NULL",
        token_hash(token),
    )
    return _user(row)


async def user_and_project_by_token(pool: asyncpg.Pool | asyncpg.Connection, token: str,
                                    project_id: str) -> tuple[User | None, ProjectAccess | None]:  # fmt: skip
    """`user_by_token` and `store.reads.project_access` in one statement (one round trip
    for a request on one project)."""
    row = await pool.fetchrow(
        """SELECT u.id, u.name, u.role, u.department, p.id AS project_id, p.department AS project_department,
                  p.customer_user_id, p.agent_id, p.stage
           FROM users u LEFT JOIN projects p ON p.id = $2
           WHERE u.token_hash = $1 AND u.deactivated_at IS NULL""",
        token_hash(token), project_id,
    )  # fmt: skip
    if row is None or row["project_id"] is None:
        return _user(row), None
    return _user(row), ProjectAccess(id=row["project_id"], department=row["project_department"],
                                     customer_user_id=row["customer_user_id"], agent_id=row["agent_id"],
                                     stage=row["stage"])  # fmt: skip


async def user_by_name(pool: asyncpg.Pool | asyncpg.Connection, name: str) -> User | None:
    row = await pool.fetchrow("SELECT id, name, role, department FROM users WHERE name = $1", name)
    return _user(row)


async def active_users_by_names(pool: asyncpg.Pool | asyncpg.Connection, names: list[str]) -> dict[str, User]:
    """Users who may be given work (a measure, a risk): active ones; a deactivated user is
    not found, like one who never existed."""
    rows = await pool.fetch("SELECT id, name, role, department FROM users WHERE name = ANY($1::text[]) "
                            "AND deactivated_at IS NULL", list(names))  # fmt: skip
    return {row["name"]: _user(row) for row in rows}


async def departments_unserved(db: asyncpg.Pool | asyncpg.Connection, role: str) -> list[str]:
    """The departments of active agents where no active user of `role` would see their work:
    none in the department, and none without a department (serving the whole company)."""
    return list(await db.fetchval(
        """SELECT coalesce(array_agg(DISTINCT a.department ORDER BY a.department), '{}') FROM users a
           WHERE a.role = 'agent' AND a.deactivated_at IS NULL AND a.department IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM users c WHERE c.role = $1 AND c.deactivated_at IS NULL
                                                     AND (c.department = a.department OR c.department IS NULL))""",
        role))  # fmt: skip
