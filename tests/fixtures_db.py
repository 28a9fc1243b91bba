"""Real PostgreSQL for the test session: embedded, or a fresh database on JINDU_DATABASE_URL."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest
import pytest_asyncio

from store.crypto import DataCipher, decode_data_key, new_data_key
from store.db import create_pool, migrate
from store.embedded import drop_database, ensure_database, start_embedded, stop_embedded


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def pg_url(tmp_path_factory):
    server = os.environ.get("JINDU_DATABASE_URL")
    name = f"jindu_test_{uuid.uuid4().hex[:10]}"
    pgdata = None
    if not server:
        pgdata = tmp_path_factory.mktemp("postgres") / "data"
        server = await asyncio.to_thread(start_embedded, pgdata)
    url = await ensure_database(server, name)
    try:
        await migrate(url)
        yield url
    finally:
        if pgdata is not None:
            await asyncio.to_thread(stop_embedded, pgdata)
        else:
            await drop_database(server, name)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def pool(pg_url):
    pool = await create_pool(pg_url)
    yield pool
    await pool.close()


@pytest.fixture(scope="session")
def cipher() -> DataCipher:
    return DataCipher(decode_data_key(new_data_key()))
