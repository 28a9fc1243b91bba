"""The `jindu` command: dev stack, worker, API, migrations, users, calendar, operator actions.

User mistakes (bad role, no database, port in use) end with one line on stderr and exit
code 2; no traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from pydantic import ValidationError

from domain.errors import JinduError
from domain.models import Role
from jindu.cli_parser import build_parser
from jindu.settings import Settings, get_settings

USAGE_ERROR = 2


class UsageError(Exception):
    """Something the person running `jindu` can fix; printed as one line."""


# ------------------------------------------------------------------------ commands


def _settings_for_database(settings: Settings, *, need_key: bool) -> Settings:
    """JINDU_DATABASE_URL, or else the embedded PostgreSQL of a running `jindu dev`."""
    from jindu.datadir import running_embedded_url, stored_data_key

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
    from jindu.datadir import data_key_file

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


def _settle_heap() -> None:
    """A serving process's imports and app (~200,000 objects) live as long as it does: frozen
    out of the cyclic collector (`gc.freeze`), so that its full passes under load walk only
    what requests made (each full pass over the whole heap cost ~90 ms of CPU)."""
    import gc

    gc.collect()
    gc.freeze()


async def _worker(settings: Settings, args: argparse.Namespace) -> None:
    from worker import run_worker, sdk_metrics_runtime

    settings = _settings_for_database(settings, need_key=True)
    stop = _stop_on_signals()
    client, pool = await _connect(settings, sdk_metrics_runtime(settings))
    _settle_heap()
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
    _settle_heap()
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


async def _reconcile(settings: Settings, args: argparse.Namespace) -> None:
    from jindu.process_sweep import ProcessSweep
    from jindu.reconcile import Reconciler

    settings = _settings_for_database(settings, need_key=False)
    client, pool = await _connect(settings)
    try:
        checked, found = await Reconciler(client, pool, settings.task_queue).every_open_project(fix=args.fix)
        ended = await ProcessSweep(client, pool, settings.task_queue).sweep(EVER, fix=args.fix)
    finally:
        await pool.close()
    for finding in found:
        print(finding.line())
    for pid in ended:
        print(f"process {pid}: its workflow ended in Temporal; the records said running"
              + (" — fixed" if args.fix else ""))  # fmt: skip
    fixed = sum(1 for f in found if f.fixed)
    print(f"checked {checked} open projects: {len(found)} differed from Temporal, {fixed} fixed")
    print(f"processes ended in Temporal but running in the records: {len(ended)}"
          + (", fixed" if args.fix and ended else ""))  # fmt: skip
    if (found or ended) and not args.fix:
        raise Differs()


EVER = datetime(2000, 1, 1, tzinfo=UTC)  # `jindu reconcile` looks at every process that ever ended


class Differs(Exception):
    """`jindu reconcile` found differences and was not asked to fix them: exit status 1."""


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
    """The `jindu` command. Run from the shell (no `argv`), it leaves with `os._exit` once its
    output is flushed: the Temporal SDK's native threads can crash the interpreter's own
    shutdown (SIGSEGV, seen after `jindu project` answered), which would turn an exit code
    of 0 or 2 into -11."""
    code = _main(argv)
    if argv is None:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _main(argv: Sequence[str] | None) -> int:
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
        elif args.command == "process-templates":  # issue 15
            from jindu import cli_processes

            asyncio.run(cli_processes.run(_settings_for_database(settings, need_key=False), args))
        elif args.command == "names":  # issue 17
            from jindu import cli_names

            asyncio.run(cli_names.run(_settings_for_database(settings, need_key=False), args))
        elif args.command == "rollups":  # issue 16
            from jindu import cli_rollups

            asyncio.run(cli_rollups.run(_settings_for_database(settings, need_key=False), args))
        elif args.command == "project":
            from jindu import cli_projects

            asyncio.run(cli_projects.run(_settings_for_database(settings, need_key=False), args, _connect))
        else:
            commands = {"dev": _dev, "postgres": _postgres, "worker": _worker, "api": _api, "migrate": _migrate,
                        "rotate-data-key": _rotate_data_key, "reconcile": _reconcile}
            asyncio.run(commands[args.command](settings, args))
    except Differs:
        return 1
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
