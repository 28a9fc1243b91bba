"""The fault tests' stack: shared servers (Temporal, PostgreSQL) and each test's workers and API."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from store.crypto import new_data_key
from store.db import create_pool, migrate
from store.users import create_user
from tests.faults.burst import Team
from tests.faults.parts import Api, Postgres, TemporalServer, Worker


class Servers:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.data_key = new_data_key()
        self.env = {**os.environ, "JINDU_DATA_DIR": str(workdir / "jindu"), "JINDU_DATA_KEY": self.data_key,
                    "JINDU_LOG_JSON": "true"}
        self.env.pop("JINDU_DATABASE_URL", None)
        self.temporal = TemporalServer(workdir)
        self.postgres = Postgres(workdir, self.env)

    async def start(self) -> None:
        (self.workdir / "jindu").mkdir(parents=True, exist_ok=True)
        await asyncio.gather(self.temporal.start(), self.postgres.start())
        await migrate(self.postgres.url)
        self.pool = await create_pool(self.postgres.url, max_size=4)
        self.client = await Client.connect(self.temporal.address, data_converter=pydantic_data_converter)

    async def close(self) -> None:
        await self.pool.close()
        await self.postgres.stop()
        await self.temporal.stop()


class FaultStack:
    """Workers and an API of one test, on their own task queue, against the shared servers."""

    def __init__(self, servers: Servers, workdir: Path) -> None:
        self.servers, self.workdir = servers, workdir
        self.env = {**servers.env, "JINDU_DATABASE_URL": servers.postgres.url,
                    "JINDU_TEMPORAL_ADDRESS": servers.temporal.address,
                    "JINDU_TASK_QUEUE": f"faults-{uuid.uuid4().hex[:8]}",
                    # Answer 503 soon while a worker is gone, so clients retry instead of waiting.
                    "JINDU_UPDATE_TIMEOUT_SECONDS": "5"}
        self.workers: list[Worker] = []
        self.api: Api | None = None

    async def start(self, workers: int = 1) -> None:
        self.api = Api(self.env, self.workdir / "api.log")
        self.workers = [Worker(self.env, self.workdir / f"worker-{i}.log") for i in range(1, workers + 1)]
        await asyncio.gather(self.api.start(), *(w.start() for w in self.workers))

    async def team(self) -> Team:
        dept = f"dept-{uuid.uuid4().hex[:6]}"

        async def person(role: str) -> dict[str, str]:
            user, token = await create_user(self.servers.pool, name=f"{role}-{uuid.uuid4().hex[:6]}", role=role,
                                            department=dept)
            return {"id": user.id, "token": token}

        return Team(agent=await person("agent"), head=await person("dept_head"))

    async def stop(self) -> None:
        parts = [p for p in [self.api, *self.workers] if p is not None]
        await asyncio.gather(*(p.stop() for p in parts))

    def logs(self) -> str:
        parts = [p for p in [self.api, *self.workers] if p is not None]
        return "\n".join(f"--- {p.log.name}\n{p.tail(15)}" for p in parts)
