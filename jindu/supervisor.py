"""Child OS processes for the multi-process dev stack: start, watch, stop, leave no orphans.

Each child runs in its own session, so a Ctrl-C in the terminal reaches only the parent,
which then stops the children in the order it chooses. On Linux each child also gets
SIGTERM from the kernel if the parent dies without cleaning up (`kill -9`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import structlog

log = structlog.get_logger("jindu.supervisor")

STOP_GRACE_SECONDS = 15.0


def die_with_parent() -> None:
    """preexec_fn: the child gets SIGTERM when its parent dies (Linux PR_SET_PDEATHSIG)."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)
    except OSError:
        pass


@dataclass
class Child:
    """One named child process and the log file its output goes to."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str]
    log_path: Path
    process: asyncio.subprocess.Process | None = field(default=None, repr=False)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as out:
            self.process = await asyncio.create_subprocess_exec(
                *self.argv,
                env=dict(self.env),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent if sys.platform == "linux" else None,
            )
        log.info("started", child=self.name, pid=self.process.pid, log=str(self.log_path))

    async def stop(self, grace: float = STOP_GRACE_SECONDS) -> int | None:
        """SIGTERM, then SIGKILL after `grace` seconds; returns the exit code."""
        if self.process is None:
            return None
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), grace)
            except TimeoutError:
                log.warning("did not stop; killing it", child=self.name, pid=self.process.pid)
                with contextlib.suppress(ProcessLookupError):
                    self.process.kill()
                await self.process.wait()
        return self.process.returncode


class Children:
    """Children started in order and stopped newest first."""

    def __init__(self) -> None:
        self.started: list[Child] = []

    async def start(self, child: Child) -> Child:
        await child.start()
        self.started.append(child)
        return child

    async def first_exit(self) -> Child:
        """Wait until any child exits; return it."""
        waits = {asyncio.ensure_future(c.process.wait()): c for c in self.started if c.process}
        try:
            done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waits:
                task.cancel()
        return waits[next(iter(done))]

    async def stop_all(self, groups: Sequence[Sequence[Child]] | None = None) -> None:
        """Stop `groups` one after another (each group concurrently), default newest first."""
        groups = groups or [[c] for c in reversed(self.started)]
        for group in groups:
            await asyncio.gather(*(c.stop() for c in group))


def jindu_argv(*args: str) -> list[str]:
    """The `jindu` command of this installation (works without the venv on PATH)."""
    return [sys.executable, "-m", "cli", *args]


def child_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()}
    env.update(overrides)
    return env


@contextlib.contextmanager
def stopped_by_signals(stop: asyncio.Event) -> Iterator[asyncio.Event]:
    """While the block runs, SIGINT and SIGTERM set `stop` (Ctrl-C ends the foreground run)."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        yield stop
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
