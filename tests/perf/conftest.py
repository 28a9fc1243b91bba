"""A small dataset made like bench/bench_data.py's: a few projects driven through the real
API, worker and record activity, then copied set-based (bench/data_seed.py), behind an app
whose pool counts every SQL statement (tests/perf/counting.py)."""

from __future__ import annotations

import random
import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest_asyncio

from api.app import create_app
from bench.data_seed import copy_projects, drive_project, shape_of
from domain.policy import ProjectPolicy
from jindu.settings import Settings
from store.sessions import issue_signin_link
from store.users import create_user, token_hash
from tests.perf.counting import StatementCounter, counting_pool
from worker import build_worker

QUEUE = "jindu-perf-test"
SEEDS = 8
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Dataset:
    app: Any
    pool: Any
    counter: StatementCounter
    http: httpx.AsyncClient
    tokens: dict[str, str]
    web: dict[str, httpx.AsyncClient]
    grow: Any = None
    size: int = SEEDS
    made: list[str] = field(default_factory=list)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def dataset(local_env, pg_url, pool, cipher):
    counter = StatementCounter()
    counted = await counting_pool(pg_url, counter)
    settings = Settings(task_queue=QUEUE, metrics_cache_seconds=0)
    app = create_app(settings, client=local_env.client, pool=counted, cipher=cipher, policy=ProjectPolicy())
    tag = uuid.uuid4().hex[:6]
    seed_dept, prefix = f"perf-seed-{tag}", f"perf{tag}"
    people = {
        "agent": await create_user(pool, name=f"perf-agent-{tag}", role="agent", department=seed_dept),
        "head": await create_user(pool, name=f"perf-head-{tag}", role="dept_head", department=seed_dept),
        "customer": await create_user(pool, name=f"perf-customer-{tag}", role="customer"),
    }
    tokens = {k: v[1] for k, v in people.items()}
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://perf", timeout=60)

    async def post(path: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
        r = await http.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code in (200, 201), r.text
        return r.json()

    async def get(path: str, token: str) -> dict[str, Any]:
        return (await http.get(path, headers={"Authorization": f"Bearer {token}"})).json()

    async with build_worker(local_env.client, pool=pool, task_queue=QUEUE), app.router.lifespan_context(app):
        ids = [f"{prefix}{i:02d}" for i in range(SEEDS)]
        shapes = {pid: shape_of(i) for i, pid in enumerate(ids)}
        for i, pid in enumerate(ids):
            await drive_project(post, get, pid, shapes[pid], tokens, people["customer"][0].name, i)
        async with pool.acquire() as conn:
            staff = [(f"perf-{tag}-{d}", f"perf-{tag}-agent-{a}", f"业务员{tag}{a}") for a in range(6)
                     for d in [a % 2]]  # fmt: skip
            await conn.executemany(
                "INSERT INTO users (id, name, role, department, token_hash, created_at) "
                "VALUES ($1, $2, 'agent', $3, $4, now() - interval '3 years')",
                [(uid, name, dept, uuid.uuid4().hex) for dept, uid, name in staff])  # fmt: skip
        agent_token, agent_id = f"perf-agent-token-{tag}", staff[0][1]
        await pool.execute("UPDATE users SET token_hash = $1 WHERE id = $2", token_hash(agent_token), agent_id)
        dept = staff[0][0]
        staff_tokens = {
            "agent": agent_token,
            "head": (await create_user(pool, name=f"perf-h-{tag}", role="dept_head", department=dept))[1],
            "exec": (await create_user(pool, name=f"perf-x-{tag}", role="executive"))[1],
            "ops": (await create_user(pool, name=f"perf-o-{tag}", role="operations"))[1],
        }
        rng = random.Random(16)
        data = Dataset(app, counted, counter, http, staff_tokens, {})
        seed = {"agent_id": people["agent"][0].id, "agent_name": people["agent"][0].name, "dept": seed_dept}

        async def grow(size: int) -> None:
            async with pool.acquire() as conn:
                await copy_projects(conn, ids, shapes, start=data.size, count=size - data.size, staff=staff,
                                    seed=seed, span_days=400, rng=rng)  # fmt: skip
                await conn.execute("ANALYZE")
            data.size = size

        data.grow = grow
        for who, user_id in (("web-agent", agent_id),
                             ("web-exec", await pool.fetchval("SELECT id FROM users WHERE name = $1",
                                                              f"perf-x-{tag}"))):  # fmt: skip
            web = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://perf", timeout=60)
            code = await issue_signin_link(pool, user_id, timedelta(hours=1))
            page = await web.get(f"/signin/link?code={code}")
            await web.post("/signin/link", data={"code": code, "csrf": CSRF.search(page.text).group(1)})
            data.web[who] = web
        yield data
        for web in data.web.values():
            await web.aclose()
        await http.aclose()
    await counted.close()
