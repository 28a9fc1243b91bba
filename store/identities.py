"""Single sign-on identities: a Jindu user is the person an OpenID provider names by its
issuer and stable subject (`sub`), never by display name, e-mail or phone."""

from __future__ import annotations

import asyncpg

from store.users import User

Db = asyncpg.Pool | asyncpg.Connection


async def user_by_subject(db: Db, issuer: str, subject: str) -> User | None:
    """The active user linked to (issuer, subject), or None."""
    row = await db.fetchrow(
        """SELECT u.id, u.name, u.role, u.department FROM oidc_identities i JOIN users u ON u.id = i.user_id
           WHERE i.issuer = $1 AND i.subject = $2 AND u.deactivated_at IS NULL""", issuer, subject)
    return None if row is None else User(**dict(row))


async def link_subject(db: Db, issuer: str, subject: str, user_id: str) -> bool:
    """Link (issuer, subject) to the user; False if it already names someone else."""
    linked = await db.fetchval(
        """INSERT INTO oidc_identities (issuer, subject, user_id) VALUES ($1, $2, $3)
           ON CONFLICT (issuer, subject) DO UPDATE SET linked_at = oidc_identities.linked_at
           RETURNING user_id""", issuer, subject, user_id)
    return bool(linked == user_id)


async def subjects_of(db: Db, user_id: str) -> list[tuple[str, str]]:
    rows = await db.fetch("SELECT issuer, subject FROM oidc_identities WHERE user_id = $1 ORDER BY linked_at",
                          user_id)
    return [(r["issuer"], r["subject"]) for r in rows]
