"""One Temporal dev server and one PostgreSQL for the fault tests, each its own process; every
test runs its own workers and API (`jindu worker`, `jindu api`) on its own task queue."""

from __future__ import annotations

import pytest_asyncio

from tests.faults.stack import FaultStack, Servers


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def servers(tmp_path_factory):
    servers = Servers(tmp_path_factory.mktemp("faults"))
    try:
        await servers.start()
        yield servers
    finally:
        await servers.close()


@pytest_asyncio.fixture(loop_scope="session")
async def stack(servers, tmp_path):
    stack = FaultStack(servers, tmp_path)
    try:
        yield stack
    finally:
        await stack.stop()
