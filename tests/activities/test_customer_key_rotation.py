"""Rotating the data key re-encrypts the customer master and recomputes its blind index."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import pytest_asyncio

from domain.customers import CustomerCreateIn
from store.crypto import DataCipher, decode_data_key, new_data_key
from store.customer_changes import add_follow_up, follow_ups_of
from store.customer_key_rotation import rotate_customer_master
from store.customer_master import find_by_contact, insert_customer, read_customer
from store.db import connect, create_pool, migrate
from store.embedded import database_url, drop_database, ensure_database
from store.key_rotation import UnreadableCustomer
from store.users import create_user


@pytest_asyncio.fixture(loop_scope="session")
async def own_database(pg_url):
    server = database_url(pg_url, "postgres")
    name = f"jindu_rotate_master_{uuid.uuid4().hex[:8]}"
    url = await ensure_database(server, name)
    await migrate(url)
    pool = await create_pool(url, max_size=2)
    try:
        yield url, pool
    finally:
        await pool.close()
        await drop_database(server, name)


async def test_rotation_re_encrypts_and_reindexes_and_a_repeat_changes_nothing(own_database):
    url, pool = own_database
    old, new = (DataCipher(decode_data_key(new_data_key())) for _ in range(2))
    agent, _ = await create_user(pool, name=f"agent-{uuid.uuid4().hex[:6]}", role="agent", department="sales")
    async with pool.acquire() as conn:
        cid = await insert_customer(conn, old, CustomerCreateIn(name="王小明", phone="13800138000",
                                                                email="wxm@example.com"),
                                    department="sales", owner_id=agent.id, by=agent.id)  # fmt: skip
    await add_follow_up(pool, old, cid, follow_up_id="f1", way="call", content="约看房", happened_at=datetime.now(UTC),
                        next_on=None, grade=None, by=agent, on_time=True)  # fmt: skip
    conn = await connect(url)
    try:
        done = await rotate_customer_master(conn, old, new)
        assert (done.rotated, done.already_new) == (1, 0)
        again = await rotate_customer_master(conn, old, new)
        assert (again.rotated, again.already_new) == (0, 1)
        with pytest.raises(UnreadableCustomer):
            await rotate_customer_master(conn, DataCipher(decode_data_key(new_data_key())),
                                         DataCipher(decode_data_key(new_data_key())))  # fmt: skip
    finally:
        await conn.close()
    c = await read_customer(pool, cid, new)
    assert (c.name, c.phone, c.email) == ("王小明", "13800138000", "wxm@example.com")
    assert (await find_by_contact(pool, new, phone="13800138000", email=None)).id == cid
    assert await find_by_contact(pool, old, phone="13800138000", email=None) is None
    assert [f.content for f in await follow_ups_of(pool, new, cid)] == ["约看房"]
