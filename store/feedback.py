"""Revisits and suggestions in PostgreSQL: the reads behind their routes, and the decision on
a suggestion (adopted or not), which belongs to no workflow."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
from pydantic import BaseModel, Field

from store.reads import HistoryEvent

Db = asyncpg.Pool | asyncpg.Connection


class RevisitView(BaseModel):
    """A completed project's revisit 回访."""

    id: str
    project_id: str
    department: str
    agent_id: str = Field(description="The project's agent: a revisit's rating counts for them (appraisal)")
    assignee_role: str = Field(default="agent", description="Who records it: `agent` (the project's, "
                               "`assignee_user_id`) or `customer_service` of the department (policy revisit.assignee)")
    assignee_user_id: str | None = Field(default=None, description="The agent who records it; null for customer "
                                         "service")
    status: str = Field(description="scheduled, open or done")
    completed_at: datetime | None = Field(default=None, description="When the project completed")
    opens_at: datetime = Field(description="When the revisit task opens (working days after completion)")
    due_at: datetime | None = Field(default=None, description="Deadline, counted in working days")
    escalations: int = Field(default=0, description="Reminders and escalations fired")
    overdue: bool = False
    rating: int | None = Field(default=None, description="1 very dissatisfied … 5 very satisfied")
    comments: str | None = None
    done_at: datetime | None = None
    done_by_id: str | None = None
    suggestions: list[SuggestionView] = Field(default_factory=list)
    history: list[HistoryEvent] = Field(default_factory=list, description="Recorded events in order")


class SuggestionView(BaseModel):
    """A suggestion 建议 from a complaint's confirmation or a revisit (003 §4.3 adoption rate)."""

    id: str
    source: str = Field(description="complaint or revisit")
    source_id: str = Field(description="The complaint id, or the revisit id")
    project_id: str | None = None
    department: str | None = None
    agent_id: str | None = None
    text: str
    created_at: datetime
    adopted: bool | None = Field(default=None, description="Null until decided")
    decided_by: str | None = Field(default=None, description="Name of who decided")
    decided_at: datetime | None = None
    decision_comment: str | None = None


RevisitView.model_rebuild()


class SuggestionPage(BaseModel):
    items: list[SuggestionView]
    total: int
    limit: int
    offset: int


REVISIT_COLUMNS = ("id, project_id, department, agent_id, assignee_role, assignee_user_id, status, completed_at,"
                   " opens_at, due_at, escalations, overdue, rating, comments, done_at, done_by_id")  # fmt: skip
SUGGESTION_COLUMNS = ("id, source, source_id, project_id, department, agent_id, text, created_at, adopted, decided_by,"
                      " decided_at, decision_comment")  # fmt: skip


async def revisit_of(db: Db, project_id: str, *, history: bool = False) -> RevisitView | None:
    row = await db.fetchrow(f"SELECT {REVISIT_COLUMNS} FROM revisits WHERE project_id = $1", project_id)
    if row is None:
        return None
    view = RevisitView(**dict(row))
    if history:
        rows = await db.fetch("SELECT seq, kind, at, actor_name, actor_role, comment, data FROM revisit_events "
                              "WHERE project_id = $1 ORDER BY seq", project_id)  # fmt: skip
        view.history = [HistoryEvent(**{**dict(r), "data": r["data"] or {}}) for r in rows]
        view.suggestions = await suggestions_of(db, "revisit", view.id)
    return view


async def suggestions_of(db: Db, source: str, source_id: str) -> list[SuggestionView]:
    rows = await db.fetch(f"SELECT {SUGGESTION_COLUMNS} FROM suggestions WHERE source = $1 AND source_id = $2 "
                          "ORDER BY created_at, id", source, source_id)  # fmt: skip
    return [SuggestionView(**dict(r)) for r in rows]


async def suggestion(db: Db, suggestion_id: str) -> SuggestionView | None:
    row = await db.fetchrow(f"SELECT {SUGGESTION_COLUMNS} FROM suggestions WHERE id = $1", suggestion_id)
    return None if row is None else SuggestionView(**dict(row))


LIST_FILTER = """
FROM suggestions
WHERE ($1::text IS NULL OR department = $1)
  AND ($2::text IS NULL OR source = $2)
  AND ($3::text IS NULL OR ($3 = 'undecided' AND adopted IS NULL) OR ($3 = 'adopted' AND adopted)
       OR ($3 = 'not_adopted' AND NOT adopted))
"""


async def list_suggestions(db: Db, *, department: str | None, source: str | None, decision: str | None,
                           limit: int, offset: int) -> SuggestionPage:  # fmt: skip
    args: tuple[Any, ...] = (department, source, decision)
    total = await db.fetchval("SELECT count(*) " + LIST_FILTER, *args)
    rows = await db.fetch(f"SELECT {SUGGESTION_COLUMNS} " + LIST_FILTER + " ORDER BY created_at DESC, id"
                          " LIMIT $4 OFFSET $5", *args, limit, offset)  # fmt: skip
    return SuggestionPage(items=[SuggestionView(**dict(r)) for r in rows], total=total, limit=limit, offset=offset)


async def decide_suggestion(db: Db, suggestion_id: str, *, adopted: bool, by_id: str, by_name: str,
                            comment: str) -> bool:  # fmt: skip
    """Mark it adopted or not, once: False when it was decided before."""
    row = await db.fetchrow(
        """UPDATE suggestions SET adopted = $2, decided_by = $3, decided_by_id = $4, decided_at = now(),
               decision_comment = $5
           WHERE id = $1 AND adopted IS NULL RETURNING id""",
        suggestion_id, adopted, by_name, by_id, comment or None,
    )  # fmt: skip
    return row is not None
