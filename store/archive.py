"""归档 (RULES lifecycle 10, 001 业务归档流程): one bundle per project, built from its records —
customer reference, plan, operation records, results, acceptance, the list of its documents —
indexed by keyword and, for 档案查询, by its text (store/archive_search.py).
Personal data stays encrypted in `customers`; the bundle only points at it.
"""

from __future__ import annotations

import json
from typing import Any

import asyncpg

from store.archive_search import index_project

QUERIES = {
    "operation_records": "SELECT * FROM events WHERE project_id = $1 ORDER BY seq, superseded_at NULLS FIRST, at",
    "milestones": "SELECT * FROM milestones WHERE project_id = $1 ORDER BY due_date, name",
    "weekly_reports": "SELECT * FROM weekly_reports WHERE project_id = $1 ORDER BY at, step_key",
    "result_submissions": "SELECT * FROM result_submissions WHERE project_id = $1 ORDER BY submission, at",
    "approvals": "SELECT * FROM approvals WHERE project_id = $1 ORDER BY at, step_key",
    "rectification_tasks": "SELECT * FROM rectification_tasks WHERE project_id = $1 ORDER BY created_at, id",
    "warnings": "SELECT * FROM warnings WHERE project_id = $1 ORDER BY at, step_key",
    "ratings": "SELECT * FROM ratings WHERE project_id = $1 ORDER BY at, step_key",
    "risk_register": "SELECT * FROM risks WHERE project_id = $1 ORDER BY created_at, id",
    "risk_events": "SELECT * FROM risk_events WHERE project_id = $1 ORDER BY at, step_key",
    # The documents themselves stay in the file store, by hash (store/files.py); the bundle lists them.
    "documents": "SELECT id, kind, name, size, sha256, content_type, uploaded_by, uploaded_at, disposed_at "
                 "FROM attachments WHERE project_id = $1 ORDER BY uploaded_at, id",
}
SUMMARY = ("department", "business_type", "channel", "requirement", "agent_id", "agent_name", "created_at",
           "completed_at", "customer_user_id")  # fmt: skip


class NoProject(LookupError):
    pass


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _rows(records: list[asyncpg.Record]) -> list[dict[str, Any]]:
    return [{k: _json(v) if k in ("data", "view") else v for k, v in r.items() if k != "project_id"} for r in records]


def keywords(project: dict[str, Any], events: list[dict[str, Any]]) -> list[str]:
    view = project["view"] or {}
    stages = [(e["data"] or {}).get("to") for e in events if e["kind"] == "stage_changed"]
    words = [project["id"], project["department"], project["business_type"], project["agent_name"],
             view.get("risk_level"), project["channel"], *stages]  # fmt: skip
    return list(dict.fromkeys(str(w) for w in words if w))


def bundle(bundle_id: str, project: dict[str, Any], stored: dict[str, Any], customer_id: str | None) -> dict[str, Any]:
    view, ratings = project["view"] or {}, stored["ratings"]
    return {
        "bundle_id": bundle_id,
        "project_id": project["id"],
        "customer": {"customer_id": customer_id, "project_id": project["id"],
                     "customer_user_id": project["customer_user_id"]},  # fmt: skip
        "summary": {k: project[k] for k in SUMMARY} | {
            "assessment": view.get("assessment"), "kpis": view.get("kpis"), "risk_level": view.get("risk_level"),
        },  # fmt: skip
        "plan": project["plan"],
        **{name: rows for name, rows in stored.items() if name != "ratings"},
        "acceptance": {
            "accepted": bool(ratings),
            "rating": ratings[-1]["rating"] if ratings else None,
            "confirmation": ratings[-1] if ratings else None,
        },
    }


async def archive(conn: asyncpg.Connection, project_id: str, step_key: str) -> tuple[str, list[str]]:
    """Build and store the bundle once; later calls return the stored one. In a transaction."""
    row = await conn.fetchrow("SELECT * FROM projects WHERE id = $1", project_id)
    if row is None:
        raise NoProject(f"project {project_id} has no record to archive")
    done = await conn.fetchrow("SELECT id, keywords FROM archive_bundles WHERE project_id = $1", project_id)
    if done is not None:
        return done["id"], list(done["keywords"])
    project = {k: _json(v) if k in ("view", "plan", "state") else v for k, v in row.items()}
    stored = {name: _rows(await conn.fetch(sql, project_id)) for name, sql in QUERIES.items()}
    customer_id = await conn.fetchval("SELECT id FROM customers WHERE project_id = $1", project_id)
    bundle_id, words = f"archive-{project_id}", keywords(project, stored["operation_records"])
    await conn.execute(
        """INSERT INTO archive_bundles (id, project_id, step_key, created_at, keywords, bundle)
           VALUES ($1, $2, $3, coalesce($4, now()), $5, $6) ON CONFLICT (project_id) DO NOTHING""",
        bundle_id, project_id, step_key, project["updated_at"], words, bundle(bundle_id, project, stored, customer_id),
    )  # fmt: skip
    await index_project(conn, project_id, bundle_id)  # found by 档案查询 (store/archive_search.py)
    return bundle_id, words


async def read_bundle(db: asyncpg.Connection | asyncpg.Pool, project_id: str) -> dict[str, Any] | None:
    """The stored bundle, its documents as they are now (a disposal since archiving shows)."""
    row = await db.fetchrow("SELECT bundle FROM archive_bundles WHERE project_id = $1", project_id)
    if row is None:
        return None
    documents = _rows(await db.fetch(QUERIES["documents"], project_id))
    return {**_json(row["bundle"]), "documents": documents}
