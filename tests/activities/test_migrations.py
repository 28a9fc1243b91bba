import asyncio
import uuid

from store.db import connect, migrate, migrations
from store.embedded import drop_database, ensure_database

ALL = [m.name for m in migrations()]


async def test_second_run_applies_nothing(pg_url):
    assert ALL[:4] == ["0001_init", "0002_project_indexes", "0003_lean_records", "0004_service"]
    assert await migrate(pg_url) == []
    conn = await connect(pg_url)
    try:
        rows = await conn.fetch("SELECT version, name FROM schema_migrations ORDER BY version")
    finally:
        await conn.close()
    assert [r["name"] for r in rows] == ALL


async def test_concurrent_runners_apply_each_migration_once(pg_url):
    name = f"jindu_mig_{uuid.uuid4().hex[:8]}"
    url = await ensure_database(pg_url, name)
    try:
        first, second = await asyncio.gather(migrate(url), migrate(url))
        assert sorted(first + second) == sorted(ALL)
        assert await migrate(url) == []
    finally:
        await drop_database(pg_url, name)
