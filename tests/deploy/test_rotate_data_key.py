"""`jindu rotate-data-key`: every customer re-encrypted under the new key, in one transaction."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest_asyncio

from domain.commands import CustomerIn
from store.crypto import DataCipher, decode_data_key, new_data_key
from store.customers import dispose_customer, insert_customer, read_customer
from store.db import create_pool, migrate
from store.embedded import database_url, drop_database, ensure_database

REPO = Path(__file__).resolve().parents[2]


@pytest_asyncio.fixture(loop_scope="session")
async def own_database(pg_url):
    """A database of its own: rotating the session database would re-key other tests' customers."""
    server = database_url(pg_url, "postgres")
    name = f"jindu_rotate_{uuid.uuid4().hex[:8]}"
    url = await ensure_database(server, name)
    await migrate(url)
    pool = await create_pool(url, max_size=2)
    try:
        yield url, pool
    finally:
        await pool.close()
        await drop_database(server, name)


def rotate(url: str, old: str, new: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "JINDU_DATABASE_URL": url, "JINDU_DATA_KEY": old, "JINDU_NEW_DATA_KEY": new,
           "JINDU_DATA_DIR": "/nonexistent-jindu"}
    return subprocess.run([sys.executable, "-m", "cli", "rotate-data-key"], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=60)


def cipher(key: str) -> DataCipher:
    return DataCipher(decode_data_key(key))


async def add(pool, key: str, name: str) -> str:
    project_id = f"rot-{uuid.uuid4().hex[:8]}"
    await insert_customer(pool, project_id=project_id, customer=CustomerIn(name=name, phone="13800000000"),
                          user_id=None, cipher=cipher(key))
    return project_id


async def test_rotation_re_encrypts_every_customer_and_a_repeat_changes_nothing(own_database):
    url, pool = own_database
    old, new = new_data_key(), new_data_key()
    kept = [await add(pool, old, f"陈杰 {i}") for i in range(3)]
    gone = await add(pool, old, "Disposed Person")
    await dispose_customer(pool, gone)

    done = rotate(url, old, new)
    assert done.returncode == 0, done.stderr
    assert "re-encrypted 3 customer(s)" in done.stdout and "1 disposed" in done.stdout
    for i, project_id in enumerate(kept):
        assert (await read_customer(pool, project_id, cipher(new)))["name"] == f"陈杰 {i}"
    assert (await read_customer(pool, gone, cipher(new)))["name"] is None

    again = rotate(url, old, new)
    assert again.returncode == 0, again.stderr
    assert "re-encrypted 0 customer(s) under the new key; 3 already were" in again.stdout


async def test_a_row_neither_key_opens_rotates_nothing(own_database):
    url, pool = own_database
    old, new, stranger = new_data_key(), new_data_key(), new_data_key()
    mine = await add(pool, old, "Li Wei")
    await add(pool, stranger, "Someone Else")

    done = rotate(url, old, new)
    assert done.returncode == 2
    assert "opens with neither the old nor the new key" in done.stderr
    assert (await read_customer(pool, mine, cipher(old)))["name"] == "Li Wei"  # rolled back


def test_the_new_key_must_be_given_and_differ():
    key = new_data_key()
    same = rotate("postgresql://unused/none", key, key)
    assert same.returncode == 2 and "is the key in use" in same.stderr
    missing = rotate("postgresql://unused/none", key, "")
    assert missing.returncode == 2 and "JINDU_NEW_DATA_KEY is not set" in missing.stderr


async def test_people_s_contacts_are_re_encrypted_and_found_under_the_new_key(own_database):
    from store.contacts import contact, contact_by_address, set_contact
    from store.users import create_user

    url, pool = own_database
    old, new = new_data_key(), new_data_key()
    user, _ = await create_user(pool, name=f"王芳-{uuid.uuid4().hex[:4]}", role="agent", department="sales")
    await set_contact(pool, user.id, cipher(old), mobile="13800001234", email="Wang@Example.com", channels=[],
                      lang="zh")  # fmt: skip
    done = rotate(url, old, new)
    assert done.returncode == 0, done.stderr
    assert "1 user(s)' contacts" in done.stdout
    assert (await contact(pool, user.id, cipher(new))).email == "Wang@Example.com"
    assert (await contact_by_address(pool, "wang@example.com", cipher(new))).user_id == user.id  # self sign-in
    assert await contact_by_address(pool, "13800001234", cipher(old)) is None  # the old key's index is gone
