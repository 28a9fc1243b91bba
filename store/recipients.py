"""Who a notification reaches: a named user, or the users of a role (in a department).

The rule is one pure function (`addressees`) over the users one statement reads
(`candidates`), so the outbox addresses a whole claimed batch of notices in one round trip
(issue 16), and a notice alone by the very same rule."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from domain.models import Role
from store.contacts import SELECT_CONTACTS

# Executives, operations and customer service (客服) serve the whole company and may have no department.
COMPANY_WIDE = frozenset({Role.executive, Role.operations, Role.auditor, Role.customer_service})


@dataclass(frozen=True)
class Addressing:
    """Whom a notice is for, as the outbox row says it."""

    to_role: Role
    to_user_id: str | None = None
    department: str | None = None


def addressees(users: Sequence[Mapping[str, Any]], to: Addressing) -> list[Mapping[str, Any]]:
    """The users `to` names among `users` (in their order: by name), deactivated ones included —
    the contacts drop those after, so a department whose only head left is not widened to the
    whole company. A company-wide role also reaches its users of no department, and all of its
    users when the department has none."""
    if to.to_user_id is not None:
        return [u for u in users if u["id"] == to.to_user_id]
    of_role = [u for u in users if u["role"] == to.to_role.value]
    if to.department is None:
        return of_role
    wide = to.to_role in COMPANY_WIDE
    chosen = [u for u in of_role if u["department"] == to.department or (wide and u["department"] is None)]
    return of_role if wide and not chosen else chosen


async def candidates(db: asyncpg.Connection | asyncpg.Pool, addressed: Iterable[Addressing]) -> list[asyncpg.Record]:
    """Every user that any of `addressed` may reach, with their contacts, ordered by name (one
    statement whatever their number): a department's role is read for that department, a
    company-wide role or one addressed without a department whole (the fallback needs it)."""
    ids: set[str] = set()
    whole: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for to in addressed:
        if to.to_user_id is not None:
            ids.add(to.to_user_id)
        elif to.department is None or to.to_role in COMPANY_WIDE:
            whole.add(to.to_role.value)
        else:
            pairs.add((to.to_role.value, to.department))
    if not (ids or whole or pairs):
        return []
    return list(await db.fetch(
        SELECT_CONTACTS + """ WHERE id = ANY($1::text[]) OR role = ANY($2::text[])
                               OR (role, department) IN (SELECT * FROM unnest($3::text[], $4::text[]))
                             ORDER BY name""",
        sorted(ids), sorted(whole), [r for r, _ in sorted(pairs)], [d for _, d in sorted(pairs)]))  # fmt: skip
