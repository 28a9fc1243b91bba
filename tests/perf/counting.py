"""Counting the SQL statements a request sends (issue 16: queries per request are bounded).

A pool made like store.db.create_pool's, whose every connection reports each statement it
executes (asyncpg's `Connection.add_query_logger`) to one counter; an app built on it
(`create_app(pool=...)`) counts what each request costs. Used by tests/perf and bench/bench_data.py.
"""

from __future__ import annotations

import asyncpg

from store.db import PooledConnection
from store.db import _init_connection as init_connection


class StatementCounter:
    def __init__(self) -> None:
        self.count = 0
        self.statements: list[str] = []
        self.keep = False

    def __call__(self, record: object) -> None:
        self.count += 1
        if self.keep:
            self.statements.append(str(getattr(record, "query", "")))

    def reset(self) -> None:
        self.count = 0
        self.statements = []


async def counting_pool(url: str, counter: StatementCounter, *, max_size: int = 10) -> asyncpg.Pool:
    """A pool like store.db.create_pool's (same codecs and connection class), counting."""

    async def init(conn: asyncpg.Connection) -> None:
        await init_connection(conn)
        conn.add_query_logger(counter)

    return await asyncpg.create_pool(url, min_size=1, max_size=max_size, init=init, timeout=5, command_timeout=30,
                                     connection_class=PooledConnection)  # fmt: skip
