"""What the benchmarks share: servers and worker processes they start, RSS, percentiles, tables."""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from jindu.temporal import temporal_cli_path  # noqa: E402
from workflows.search_attributes import dev_server_flags  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


def machine() -> str:
    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (f"{os.cpu_count()} cores ({cpu}), {psutil.virtual_memory().total / 2**30:.0f} GiB, "
            f"Python {platform.python_version()}, load {os.getloadavg()[0]:.2f}")


def table(title: str, rows: list[tuple[str, float, float]], higher_is_better: set[str] = frozenset()) -> str:
    lines = [title, f"{'metric':<34}{'raw SDK':>12}{'Jindu':>12}{'Jindu/raw':>11}"]
    for name, raw, jindu in rows:
        ratio = jindu / raw if raw else float("nan")
        lines.append(f"{name:<34}{raw:>12.1f}{jindu:>12.1f}{ratio:>11.2f}")
    return "\n".join(lines)


class Process:
    """A child process (own session, log file), stopped with SIGTERM then SIGKILL."""

    def __init__(self, argv: list[str], log: Path, env: dict[str, str] | None = None) -> None:
        self.argv, self.log, self.env = argv, log, {**os.environ, **(env or {})}
        self.proc: subprocess.Popen | None = None

    def start(self) -> Process:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(self.argv, env=self.env, cwd=REPO, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_for_line(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.log.read_text(errors="replace"):
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.argv} exited:\n{self.log.read_text(errors='replace')[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.argv}: no {text!r} in {timeout:.0f} s")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class DevServer(Process):
    """`temporal server start-dev` (in memory unless `db_file`) on a free port."""

    def __init__(self, workdir: Path, db_file: Path | None = None) -> None:
        self.port = free_port()
        argv = [str(temporal_cli_path()), "server", "start-dev", "--ip", "127.0.0.1", "--port", str(self.port),
                "--headless", "--log-level", "error", *dev_server_flags()]
        if db_file is not None:
            argv += ["--db-filename", str(db_file)]
        super().__init__(argv, workdir / "temporal.log")

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def ready(self):
        from temporalio.client import Client

        from jindu.temporal import data_converter

        deadline = time.monotonic() + 60
        while True:
            try:
                client = await Client.connect(self.address, data_converter=data_converter)
                await client.service_client.check_health()
                return client
            except Exception:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)


def python(*args: str) -> list[str]:
    return [sys.executable, *args]
