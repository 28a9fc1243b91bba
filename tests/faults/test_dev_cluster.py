"""`jindu dev --workers 2 --api-replicas 2` and `jindu postgres`: real processes, one port for
the APIs, and nothing left running after Ctrl-C."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import uuid
from pathlib import Path

import asyncpg
import httpx
import psutil
import pytest

from tests.faults.parts import REPO, free_port


def alive(processes: list[psutil.Process]) -> list[str]:
    found = []
    for p in processes:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                found.append(f"{p.pid} {' '.join(p.cmdline()[:4])}")
        except psutil.NoSuchProcess:
            pass
    return found


def postmaster(pgdata: Path) -> psutil.Process:
    return psutil.Process(int((pgdata / "postmaster.pid").read_text().split()[0]))


async def jindu_user(env: dict[str, str], role: str, department: str) -> str:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cli", "user", "create", "--name", f"{role}-{uuid.uuid4().hex[:6]}", "--role", role,
        "--department", department, env=env, cwd=REPO, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return out.decode().strip().splitlines()[-1]


@pytest.mark.timeout(150)
async def test_dev_with_workers_and_api_replicas_runs_each_as_a_process_and_stops_them_all(tmp_path):
    data = tmp_path / "jindu"
    api_port = free_port()
    env = {**os.environ, "JINDU_DATA_DIR": str(data), "JINDU_API_PORT": str(api_port),
           "JINDU_TEMPORAL_PORT": str(free_port()), "JINDU_TEMPORAL_UI_PORT": str(free_port()),
           "JINDU_LOG_JSON": "true"}
    for name in ("JINDU_DATABASE_URL", "JINDU_DATA_KEY"):
        env.pop(name, None)
    with open(tmp_path / "dev.log", "wb") as log:
        dev = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "cli", "dev", "--workers", "2", "--api-replicas", "2", env=env, cwd=REPO,
            stdout=asyncio.subprocess.PIPE, stderr=log,
        )  # fmt: skip
    started: list[psutil.Process] = []
    try:
        banner = b""
        while b"Processes" not in banner:
            line = await asyncio.wait_for(dev.stdout.readline(), 90)
            assert line, (tmp_path / "dev.log").read_text()[-3000:]
            banner += line
        state = json.loads((data / "dev.json").read_text())
        assert len(state["workers"]) == 2 and len(state["apis"]) == 2
        children = psutil.Process(dev.pid).children(recursive=True)
        started = [*children, postmaster(data / "pg")]
        assert set(state["workers"].values()) | set(state["apis"].values()) <= {c.pid for c in children}

        token = await jindu_user(env, "agent", "sales")
        for _ in range(12):  # a new connection each time: the kernel spreads them over both APIs
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{api_port}", timeout=30) as http:
                created = await http.post("/v1/projects", headers={"Authorization": f"Bearer {token}"}, json={
                    "channel": "visit", "business_type": "rental", "requirement": "a flat",
                    "customer": {"name": "Chen"}})  # fmt: skip
                assert created.status_code == 201, created.text
        served = {name: (data / "logs" / f"{name}.log").read_text().count('"event": "request"')
                  for name in state["apis"]}
        assert all(count > 0 for count in served.values()), served
    finally:
        if dev.returncode is None:
            dev.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(dev.wait(), 60)
    assert code == 0
    await asyncio.sleep(0.5)
    assert alive(started) == []
    assert not (data / "dev.json").exists()


@pytest.mark.timeout(90)
async def test_jindu_postgres_prints_its_url_and_stops_on_sigterm(tmp_path):
    env = {**os.environ, "JINDU_DATA_DIR": str(tmp_path / "jindu")}
    env.pop("JINDU_DATABASE_URL", None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cli", "postgres", env=env, cwd=REPO, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        lines = [await asyncio.wait_for(proc.stdout.readline(), 60) for _ in range(2)]
        url = lines[-1].decode().strip()
        conn = await asyncpg.connect(url)
        assert await conn.fetchval("SELECT current_database()") == "jindu"
        await conn.close()
        server = postmaster(tmp_path / "jindu" / "pg")
    finally:
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), 30)
    assert code == 0
    assert alive([server]) == []
