"""The stack's parts as real OS processes the fault tests start, kill and restart one by one.

Temporal: `temporal server start-dev --db-filename` (state survives a kill). PostgreSQL:
`jindu postgres` (the embedded server of a data dir, stopped on SIGTERM). Workers and the
API: `jindu worker`, `jindu api`. Every part logs to its own file under the test's tmp dir.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from pathlib import Path

import httpx
from temporalio.client import Client

from jindu.supervisor import die_with_parent
from jindu.temporal import temporal_cli_path
from workflows.search_attributes import dev_server_flags

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Part:
    """One process: started with `start()`, ended with `stop()` (SIGTERM) or `kill()` (SIGKILL)."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.argv, self.env, self.log = name, argv, env, log
        self.proc: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    async def start(self, *, stdout=None) -> None:
        with open(self.log, "ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                *self.argv, env=self.env, cwd=REPO, stdin=asyncio.subprocess.DEVNULL,
                stdout=stdout or log, stderr=log, start_new_session=True, preexec_fn=die_with_parent,
            )  # fmt: skip

    async def kill(self) -> None:
        if self.alive:
            self.proc.send_signal(signal.SIGKILL)
            await self.proc.wait()

    async def stop(self, timeout: float = 20) -> None:
        if not self.alive:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.proc.wait(), timeout)
        except TimeoutError:
            await self.kill()

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


class TemporalServer(Part):
    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        argv = [str(temporal_cli_path()), "server", "start-dev", "--db-filename", str(workdir / "temporal.db"),
                "--ip", "127.0.0.1", "--port", str(self.port), "--headless", "--log-level", "error",
                *dev_server_flags()]  # fmt: skip
        super().__init__("temporal", argv, dict(os.environ), workdir / "temporal.log")

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def start(self, **_) -> None:
        await super().start()
        deadline = time.monotonic() + 60
        while True:
            if not self.alive:
                raise RuntimeError(f"temporal exited:\n{self.tail()}")
            with contextlib.suppress(Exception):
                client = await Client.connect(self.address)
                await client.service_client.check_health()
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"temporal did not start:\n{self.tail()}")
            await asyncio.sleep(0.2)


def jindu(*args: str) -> list[str]:
    return [sys.executable, "-m", "cli", *args]


class Postgres(Part):
    """`jindu postgres`: prints the database URL on its last stdout line once it is up."""

    def __init__(self, data_dir: Path, env: dict[str, str]) -> None:
        super().__init__("postgres", jindu("postgres"), env, data_dir / "postgres.log")
        self.url: str | None = None

    async def start(self, **_) -> None:
        await super().start(stdout=asyncio.subprocess.PIPE)
        while True:
            line = await asyncio.wait_for(self.proc.stdout.readline(), 60)
            if not line:
                raise RuntimeError(f"jindu postgres exited ({await self.proc.wait()}):\n{self.tail()}")
            if line.startswith(b"postgresql://"):
                self.url = line.decode().strip()
                return


class Api(Part):
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        super().__init__("api", jindu("api"), {**env, "JINDU_API_PORT": str(self.port)}, log)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self, **_) -> None:
        await super().start()
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient(timeout=2) as http:
            while True:
                if not self.alive:
                    raise RuntimeError(f"jindu api exited:\n{self.tail()}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get(f"{self.url}/healthz")).status_code == 200:
                        return
                if time.monotonic() > deadline:
                    raise RuntimeError(f"jindu api did not start:\n{self.tail()}")
                await asyncio.sleep(0.2)


class Worker(Part):
    def __init__(self, env: dict[str, str], log: Path) -> None:
        super().__init__("worker", jindu("worker"), env, log)

    async def start(self, **_) -> None:
        before = self.log.stat().st_size if self.log.exists() else 0  # the log is kept across restarts
        await super().start()
        deadline = time.monotonic() + 60
        while b"worker starting" not in self.log.read_bytes()[before:]:
            if not self.alive:
                raise RuntimeError(f"jindu worker exited:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"jindu worker did not start:\n{self.tail()}")
            await asyncio.sleep(0.1)
