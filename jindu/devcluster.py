"""`jindu dev --workers N --api-replicas M`: the dev stack with every part its own process.

This process starts the Temporal dev server and PostgreSQL (as `jindu dev` does), applies
the migrations, then runs N `jindu worker` and M `jindu api --reuse-port` child processes.
The API processes all bind JINDU_API_PORT with SO_REUSEPORT, so the kernel spreads
connections over them: one port, M processes. Ctrl-C (or SIGTERM) stops the APIs, then the
workers, then Temporal and PostgreSQL. A child that exits on its own stops the whole stack
(its log under `<data dir>/logs/` says why); kill single processes of a stack started part
by part (`jindu postgres`, `jindu worker`, `jindu api`) to inject faults.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

import httpx
import structlog

from jindu.datadir import DevError, data_dir, exclusive, write_state
from jindu.devstack import banner, start_servers
from jindu.settings import Settings
from jindu.supervisor import Child, Children, child_env, jindu_argv, stopped_by_signals

log = structlog.get_logger("jindu.dev")

API_READY_TIMEOUT = 60.0


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A listening socket that other processes may bind too (SO_REUSEPORT): one port, many APIs."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def child_settings_env(settings: Settings) -> dict[str, str]:
    """What every child needs to find the servers this process started."""
    return child_env(
        JINDU_TEMPORAL_ADDRESS=settings.temporal_address,
        JINDU_TEMPORAL_NAMESPACE=settings.temporal_namespace,
        JINDU_TASK_QUEUE=settings.task_queue,
        JINDU_DATABASE_URL=settings.database_url or "",
        JINDU_DATA_KEY=settings.data_key or "",
        JINDU_DATA_DIR=str(data_dir(settings)),
        JINDU_API_HOST=settings.api_host,
        JINDU_API_PORT=str(settings.api_port),
    )


async def run_cluster(settings: Settings, *, workers: int, api_replicas: int,
                      stop: asyncio.Event | None = None) -> None:
    """Run the stack as separate processes until SIGINT/SIGTERM (or `stop`)."""
    if workers < 1 or api_replicas < 1:
        raise DevError("--workers and --api-replicas must be at least 1")
    with stopped_by_signals(stop or asyncio.Event()) as stopping, exclusive(settings):
        await _run(settings, workers, api_replicas, stopping)


async def _run(settings: Settings, workers: int, api_replicas: int, stop: asyncio.Event) -> None:
    logs = data_dir(settings) / "logs"
    async with contextlib.AsyncExitStack() as cleanup:
        settings, _client, temporal, database_url, pgdata = await start_servers(settings, cleanup)
        env = child_settings_env(settings)
        children = Children()
        worker_children = [Child(f"worker-{i}", jindu_argv("worker"), env, logs / f"worker-{i}.log")
                           for i in range(1, workers + 1)]
        api_children = [Child(f"api-{i}", jindu_argv("api", "--reuse-port"), env, logs / f"api-{i}.log")
                        for i in range(1, api_replicas + 1)]
        # Stopped first: APIs (no new requests), then workers (finish their tasks).
        cleanup.push_async_callback(children.stop_all, [api_children, worker_children])
        for child in [*worker_children, *api_children]:
            await children.start(child)

        exited = asyncio.ensure_future(children.first_exit())
        stopping = asyncio.ensure_future(stop.wait())
        try:
            ready = asyncio.ensure_future(_wait_for_api(settings))
            done, _ = await asyncio.wait({ready, exited, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if ready in done:
                ready.result()
                write_state(settings, database_url, temporal.pid,
                            workers={c.name: c.pid for c in worker_children},
                            apis={c.name: c.pid for c in api_children}, logs=str(logs))
                print(banner(settings, database_url, pgdata is not None), flush=True)
                print(f"  Processes      {workers} worker(s), {api_replicas} API process(es) on one port "
                      f"(SO_REUSEPORT); logs in {logs}\n", flush=True)
                done, _ = await asyncio.wait({exited, stopping}, return_when=asyncio.FIRST_COMPLETED)
            else:
                ready.cancel()
            log.info("jindu dev stopping")
            if exited in done:
                child = exited.result()
                raise DevError(f"{child.name} (pid {child.pid}) exited with code "
                               f"{child.process.returncode}; see {child.log_path}")
        finally:
            exited.cancel()
            stopping.cancel()
            (data_dir(settings) / "dev.json").unlink(missing_ok=True)
    log.info("jindu dev stopped")


async def _wait_for_api(settings: Settings) -> None:
    url = f"http://{settings.api_host}:{settings.api_port}/healthz"
    deadline = asyncio.get_running_loop().time() + API_READY_TIMEOUT
    async with httpx.AsyncClient(timeout=2) as http:
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get(url)).status_code == 200:
                    return
            if asyncio.get_running_loop().time() > deadline:
                raise DevError(f"the API did not answer {url} within {API_READY_TIMEOUT:.0f} s")
            await asyncio.sleep(0.2)
