"""Process templates by version (issue 15): an upload is a new version of its key (the same
body as the latest is that version again: a retried upload adds none); running instances keep
theirs, carried in their workflow input. Loaded from `processes/*.json` by
`jindu process-templates load` (jindu/cli_processes.py).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
from pydantic import BaseModel

from domain.process_template import ProcessTemplate, parse

Db = asyncpg.Pool | asyncpg.Connection
SHIPPED = Path(__file__).resolve().parents[1] / "processes"


class TemplateVersion(BaseModel):
    key: str
    version: int
    name: str
    uploaded_at: datetime
    uploaded_by: str | None = None
    template: dict[str, Any]


def _digest(t: ProcessTemplate) -> str:
    body = t.model_dump(mode="json", exclude={"version"}, by_alias=True)
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _row(r: asyncpg.Record) -> TemplateVersion:
    body = r["body"]
    return TemplateVersion(key=r["key"], version=r["version"], name=r["name"], uploaded_at=r["uploaded_at"],
                           uploaded_by=r["uploaded_by_name"], template=json.loads(body) if isinstance(body, str)
                           else body)  # fmt: skip


async def upload(pool: asyncpg.Pool, t: ProcessTemplate, by_id: str | None, by_name: str | None) -> tuple[bool, int]:
    """Store `t` as the next version of its key; (created, version)."""
    digest = _digest(t)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('process_template:' || $1))", t.key)
        latest = await conn.fetchrow("SELECT version, digest FROM process_templates WHERE key = $1 "
                                     "ORDER BY version DESC LIMIT 1", t.key)  # fmt: skip
        if latest is not None and latest["digest"] == digest:
            return False, int(latest["version"])
        version = (latest["version"] if latest else 0) + 1
        body = t.model_copy(update={"version": version}).model_dump(mode="json", by_alias=True)
        await conn.execute(
            """INSERT INTO process_templates (key, version, name, body, digest, uploaded_by_id, uploaded_by_name)
               VALUES ($1, $2, $3, $4, $5, $6, $7)""",
            t.key, version, t.name, body, digest, by_id, by_name,
        )  # fmt: skip
    return True, version


async def latest_all(db: Db) -> list[TemplateVersion]:
    rows = await db.fetch("SELECT DISTINCT ON (key) * FROM process_templates ORDER BY key, version DESC")
    return [_row(r) for r in rows]


async def versions(db: Db, key: str) -> list[TemplateVersion]:
    rows = await db.fetch("SELECT * FROM process_templates WHERE key = $1 ORDER BY version", key)
    return [_row(r) for r in rows]


async def latest(db: Db, key: str) -> ProcessTemplate | None:
    row = await db.fetchrow("SELECT body FROM process_templates WHERE key = $1 ORDER BY version DESC LIMIT 1", key)
    if row is None:
        return None
    body = row["body"]
    return ProcessTemplate.model_validate(json.loads(body) if isinstance(body, str) else body)


async def load_dir(pool: asyncpg.Pool, directory: Path = SHIPPED) -> list[tuple[str, int, bool]]:
    """Upload every `*.json` template of `directory`; (key, version, created) each. An invalid
    file raises TemplateInvalid naming it."""
    done = []
    for path in sorted(directory.glob("*.json")):
        t = parse(json.loads(path.read_text("utf-8")))
        created, version = await upload(pool, t, None, f"file:{path.name}")
        done.append((t.key, version, created))
    return done
