"""`jindu postgres`: the embedded PostgreSQL of the data dir, in the foreground.

Starts (initialising it the first time) the server in `<data dir>/pg`, creates the
`jindu` database, prints its URL alone on a line and waits; SIGINT/SIGTERM stop the
server. `jindu worker`, `jindu api`, `jindu migrate` and `jindu user create` started with
the same JINDU_DATA_DIR find it without JINDU_DATABASE_URL, so a stack can be started
part by part and each part stopped or killed on its own.
"""

from __future__ import annotations

import asyncio

import structlog

from jindu.datadir import DATABASE_NAME, DevError, data_dir, running_embedded_url
from jindu.settings import Settings
from jindu.supervisor import stopped_by_signals

log = structlog.get_logger("jindu.postgres")


async def run_postgres(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    from store.embedded import ensure_database, start_embedded, stop_embedded

    pgdata = data_dir(settings) / "pg"
    if running_embedded_url(settings) is not None:
        raise DevError(f"a PostgreSQL server is already running in {pgdata} (another `jindu postgres` or `jindu dev`)")
    with stopped_by_signals(stop or asyncio.Event()) as stopping:
        try:
            server_url = await asyncio.to_thread(start_embedded, pgdata)
        except Exception as err:
            raise DevError(f"embedded PostgreSQL in {pgdata} did not start ({err}); see {pgdata / 'log'}") from err
        try:
            url = await ensure_database(server_url, DATABASE_NAME)
            print(f"PostgreSQL is running in {pgdata}. Ctrl-C stops it. Its URL:", flush=True)
            print(url, flush=True)
            await stopping.wait()
        finally:
            await asyncio.to_thread(stop_embedded, pgdata)
