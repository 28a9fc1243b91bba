"""The asyncpg pool and the migration runner (plain numbered SQL files)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import structlog

log = structlog.get_logger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any fixed 64-bit number; every Jindu process migrating the same database takes it.
MIGRATION_LOCK = 0x4A494E44555F4D49  # "JINDU_MI"


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, UUID):
        return str(value)
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dump_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_default)


async def _init_connection(conn: asyncpg.Connection) -> None:
    # jsonb/json columns take and give Python dicts and lists (never pre-dumped strings).
    for name in ("jsonb", "json"):
        await conn.set_type_codec(name, schema="pg_catalog", encoder=dump_json, decoder=json.loads)


class PooledConnection(asyncpg.Connection):
    """No reset query on release: Jindu keeps no session state on a pooled connection (no
    SET, LISTEN, cursors or advisory locks outlive a `with` block; the migration runner
    unlocks its own), so the round trip asyncpg makes on every release is saved. A
    connection released inside a transaction is still rolled back by asyncpg."""

    def get_reset_query(self) -> str:
        return ""


async def create_pool(url: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    """Connections time out after 5 s and statements after 30 s, so an unreachable or hung
    server surfaces as an error (503 at the API, a retried activity) instead of a hang."""
    return await asyncpg.create_pool(url, min_size=min_size, max_size=max_size, init=_init_connection, timeout=5,
                                     command_timeout=30, connection_class=PooledConnection)  # fmt: skip


async def connect(url: str) -> asyncpg.Connection:
    """One connection with the same codecs as the pool (scripts, the migration runner)."""
    conn = await asyncpg.connect(url)
    await _init_connection(conn)
    return conn


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path


_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


def migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found = []
    for path in directory.iterdir():
        m = _FILE.match(path.name)
        if m:
            found.append(Migration(int(m.group(1)), path.stem, path))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a version number in {directory}")
    return found


async def migrate(url_or_pool: str | asyncpg.Pool, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply the migrations not applied yet, each in its own transaction; return their names.

    A session advisory lock serialises concurrent runners (worker and API starting together).
    """
    if isinstance(url_or_pool, str):
        conn = await asyncpg.connect(url_or_pool)
        try:
            return await _migrate(conn, directory)
        finally:
            await conn.close()
    async with url_or_pool.acquire() as conn:
        return await _migrate(conn, directory)


async def _migrate(conn: asyncpg.Connection, directory: Path) -> list[str]:
    applied_now: list[str] = []
    await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
    try:
        await conn.execute(
            """CREATE TABLE IF NOT EXISTS schema_migrations (
                   version    integer PRIMARY KEY,
                   name       text NOT NULL,
                   applied_at timestamptz NOT NULL DEFAULT now())"""
        )
        done = {r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")}
        for migration in migrations(directory):
            if migration.version in done:
                continue
            async with conn.transaction():
                await conn.execute(migration.path.read_text(encoding="utf-8"))
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", migration.version, migration.name
                )
            applied_now.append(migration.name)
            log.info("migration applied", migration=migration.name)
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
    return applied_now
