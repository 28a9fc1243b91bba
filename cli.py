"""The `jindu` command: dev stack, worker, API, migrations, users, calendar, operator actions.

User mistakes (bad role, no database, port in use) end with one line on stderr and exit
code 2; no traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from domain.errors import JinduError
from domain.models import Role
from jindu.settings import Settings, get_settings

USAGE_ERROR = 2


class UsageError(Exception):
    """Something the person running `jindu` can fix; printed as one line."""


DESCRIPTION = """\
Jindu: progress management for intermediary businesses. Each client project is a
long-lived Temporal workflow; people act through the web workspace and the HTTP API,
operations also through `jindu project` and `jindu user`.

Configuration comes from JINDU_* environment variables (see README.md), e.g.
JINDU_DATABASE_URL, JINDU_TEMPORAL_ADDRESS, JINDU_DATA_KEY, JINDU_POLICY_FILE."""

FALLBACK_NOTE = """\
Needs JINDU_DATABASE_URL. Without it, the embedded PostgreSQL of a running `jindu dev`
in the same data dir (JINDU_DATA_DIR, default .jindu) is used, with the data key that
`jindu dev` keeps there."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jindu", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, summary: str, details: str = "") -> argparse.ArgumentParser:
        return commands.add_parser(
            name, help=summary, description=summary + ("\n\n" + details if details else ""),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )  # fmt: skip

    dev = command(
        "dev",
        "Run everything on this machine: Temporal dev server with its Web UI, embedded "
        "PostgreSQL, migrations, the worker and the API.",
        "State is kept in the data dir (JINDU_DATA_DIR, default .jindu): temporal.db, the pg/\n"
        "PostgreSQL cluster and data.key, so a later start finds the same projects.\n"
        "Set JINDU_DATABASE_URL to use your own PostgreSQL instead of the embedded one.\n"
        "Ports: API JINDU_API_PORT (8000), Temporal JINDU_TEMPORAL_PORT (7233),\n"
        "Temporal UI JINDU_TEMPORAL_UI_PORT (8233). Ctrl-C stops everything.\n\n"
        "Without --workers/--api-replicas the worker and the API run inside this process.\n"
        "With either, each worker and each API is its own OS process (`jindu worker`,\n"
        "`jindu api --reuse-port`): the APIs share JINDU_API_PORT through SO_REUSEPORT, logs\n"
        "go to <data dir>/logs/, and a child that exits stops the whole stack.",
    )
    dev.add_argument("--workers", type=int, metavar="N",
                     help="run N worker processes (default with --api-replicas: 1)")
    dev.add_argument("--api-replicas", type=int, metavar="M",
                     help="run M API processes on one port (default with --workers: 1)")
    command(
        "postgres",
        "Run the embedded PostgreSQL of the data dir in the foreground until interrupted.",
        "Starts (and initialises, the first time) the server in <data dir>/pg, creates the\n"
        "`jindu` database and prints its URL alone on the last line. `jindu worker`, `api`,\n"
        "`migrate` and `user create` with the same JINDU_DATA_DIR find it without\n"
        "JINDU_DATABASE_URL. Ctrl-C (or SIGTERM) stops the server. With `jindu worker` and\n"
        "`jindu api` against a Temporal server, it starts the stack part by part, each part a\n"
        "process that can be stopped on its own.",
    )
    command(
        "worker",
        "Run the Temporal worker (ProjectWorkflow and its activities) until interrupted.",
        "Connects to JINDU_TEMPORAL_ADDRESS (namespace JINDU_TEMPORAL_NAMESPACE, task queue\n"
        "JINDU_TASK_QUEUE) and needs JINDU_DATA_KEY.\n" + FALLBACK_NOTE,
    )
    api = command(
        "api",
        "Serve the HTTP API (OpenAPI docs at /docs) on JINDU_API_HOST:JINDU_API_PORT.",
        "Starts workflows and sends decisions to Temporal at JINDU_TEMPORAL_ADDRESS; reads\n"
        "PostgreSQL. Needs JINDU_DATA_KEY.\n" + FALLBACK_NOTE,
    )
    api.add_argument("--reuse-port", action="store_true",
                     help="bind with SO_REUSEPORT, so several API processes can serve one port")
    command(
        "migrate",
        "Apply the database migrations not applied yet (store/migrations/*.sql) and list them.",
        FALLBACK_NOTE,
    )
    command(
        "rotate-data-key",
        "Re-encrypt every customer's personal data under JINDU_NEW_DATA_KEY, in one transaction.",
        "The old key is JINDU_DATA_KEY (or the key `jindu dev` keeps in the data dir, which is\n"
        "then replaced by the new one). Stop the API and the workers first, and start them\n"
        "again with JINDU_DATA_KEY set to the new key. A repeated run changes nothing.\n"
        + FALLBACK_NOTE,
    )
    user = command("user", "Manage the people who use the API and the web workspace.")
    user_commands = user.add_subparsers(dest="user_command", metavar="USER_COMMAND", required=True)
    from jindu import cli_calendar, cli_projects
    from jindu.cli_users import add_user_commands

    add_user_commands(user_commands, FALLBACK_NOTE)
    cli_calendar.add_parser(commands)
    cli_projects.add_parser(commands)
    return parser


# ------------------------------------------------------------------------ commands


def _settings_for_database(settings: Settings, *, need_key: bool) -> Settings:
    """JINDU_DATABASE_URL, or else the embedded PostgreSQL of a running `jindu dev`."""
    from jindu.devstack import running_embedded_url, stored_data_key

    update: dict = {}
    if not settings.database_url:
        url = running_embedded_url(settings)
        if url is None:
            raise UsageError(
                "JINDU_DATABASE_URL is not set and no `jindu dev` PostgreSQL is running in "
                f"{settings.data_dir}/pg; set it or start `jindu dev`"
            )
        update["database_url"] = url
    if need_key and not settings.data_key:
        key = stored_data_key(settings)
        if key is None:
            raise UsageError("JINDU_DATA_KEY is not set (urlsafe base64 of 32 random bytes)")
        update["data_key"] = key
    if need_key:
        try:
            settings.model_copy(update=update).data_key_bytes()
        except ValueError as err:
            raise UsageError(f"JINDU_DATA_KEY: {err}") from None
    return settings.model_copy(update=update)


async def _dev(settings: Settings, args: argparse.Namespace) -> None:
    from jindu.devstack import DevError, run_dev

    try:
        if args.workers is None and args.api_replicas is None:
            await run_dev(settings)
        else:
            from jindu.devcluster import run_cluster

            await run_cluster(settings, workers=args.workers or 1, api_replicas=args.api_replicas or 1)
    except DevError as err:
        raise UsageError(str(err)) from None


async def _postgres(settings: Settings, args: argparse.Namespace) -> None:
    from jindu.devstack import DevError
    from jindu.postgres import run_postgres

    try:
        await run_postgres(settings)
    except DevError as err:
        raise UsageError(str(err)) from None


async def _rotate_data_key(settings: Settings, args: argparse.Namespace) -> None:
    from jindu.data_key import new_key_from_env, rotate
    from jindu.devstack import data_key_file

    new_key = new_key_from_env()
    key_file = None if settings.data_key else data_key_file(settings)
    settings = _settings_for_database(settings, need_key=True)
    print(await rotate(settings, new_key, key_file=key_file))


async def _connect(settings: Settings, runtime=None):
    """Temporal client and PostgreSQL pool, or one clear line saying which is unreachable."""
    import asyncpg

    from jindu.temporal import connect_temporal
    from store.db import create_pool

    try:
        client = await connect_temporal(settings, runtime=runtime)
    except RuntimeError as err:
        raise UsageError(f"cannot reach Temporal at {settings.temporal_address}: {err}") from None
    try:
        pool = await create_pool(settings.database_url)
    except (OSError, asyncpg.PostgresError) as err:
        raise UsageError(f"cannot reach PostgreSQL: {err}") from None
    return client, pool


async def _worker(settings: Settings, args: argparse.Namespace) -> None:
    from worker import run_worker, sdk_metrics_runtime

    settings = _settings_for_database(settings, need_key=True)
    stop = _stop_on_signals()
    client, pool = await _connect(settings, sdk_metrics_runtime(settings))
    try:
        await run_worker(settings, client=client, pool=pool, stop=stop)
    finally:
        await pool.close()


async def _api(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn

    from api.app import create_app

    settings = _settings_for_database(settings, need_key=True)
    settings.policy()  # a broken policy file fails now, not at the first request
    client, pool = await _connect(settings)
    config = uvicorn.Config(
        create_app(settings, client=client, pool=pool),
        host=settings.api_host, port=settings.api_port, log_config=None, access_log=False,
    )  # fmt: skip
    sockets = None
    if args.reuse_port:
        from jindu.devcluster import reuse_port_socket

        sockets = [reuse_port_socket(settings.api_host, settings.api_port)]
    try:
        await uvicorn.Server(config).serve(sockets=sockets)
    except SystemExit:  # uvicorn's way of failing to start (port in use)
        raise UsageError(
            f"the API did not start on {settings.api_host}:{settings.api_port} (see the log above)"
        ) from None
    finally:
        await pool.close()


async def _migrate(settings: Settings, args: argparse.Namespace) -> None:
    from store.db import migrate

    settings = _settings_for_database(settings, need_key=False)
    applied = await migrate(settings.database_url)
    print("applied: " + ", ".join(applied) if applied else "the database is up to date")


async def _user(settings: Settings, args: argparse.Namespace) -> None:
    from jindu.cli_users import needs_data_key, run

    await run(_settings_for_database(settings, need_key=needs_data_key(args)), args)


def _check_user_args(args: argparse.Namespace) -> None:
    """The same rules store.users enforces, checked before touching any database."""
    from store.users import DEPARTMENT_ROLES

    if args.user_command != "create":
        return

    try:
        role = Role(args.role)
    except ValueError:
        raise UsageError(f"unknown role {args.role!r}; use one of: {', '.join(r.value for r in Role)}") from None
    if role in DEPARTMENT_ROLES and not (args.department or "").strip():
        raise UsageError(f"the role {role.value} needs --department")
    if not args.name.strip():
        raise UsageError("--name must not be empty")


def _stop_on_signals() -> asyncio.Event:
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


# ------------------------------------------------------------------------ entry point


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "user":
            _check_user_args(args)  # fail fast, before any settings or connection
        settings = get_settings()
        from jindu.logs import configure_logging

        configure_logging(settings)
        if args.command == "user":
            asyncio.run(_user(settings, args))
        elif args.command == "calendar":
            from jindu import cli_calendar

            asyncio.run(cli_calendar.run(_settings_for_database(settings, need_key=False), args, _connect))
        elif args.command == "project":
            from jindu import cli_projects

            asyncio.run(cli_projects.run(_settings_for_database(settings, need_key=False), args, _connect))
        else:
            commands = {"dev": _dev, "postgres": _postgres, "worker": _worker, "api": _api, "migrate": _migrate,
                        "rotate-data-key": _rotate_data_key}
            asyncio.run(commands[args.command](settings, args))
    except ValidationError as err:  # bad JINDU_* values
        problems = "; ".join(f"JINDU_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in err.errors())
        print(f"jindu: {problems}", file=sys.stderr)
        return USAGE_ERROR
    except (UsageError, JinduError, ValueError, OSError) as err:
        sub = next(filter(None, (getattr(args, f"{c}_command", None) for c in ("user", "calendar", "project"))), None)
        name = " ".join(filter(None, [args.command, sub]))
        print(f"jindu {name}: {err}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
