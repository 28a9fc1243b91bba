"""The `jindu` command line's arguments and `--help` texts (cli.py runs them)."""

from __future__ import annotations

import argparse

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
    reconcile = command(
        "reconcile",
        "Compare every open project's records in PostgreSQL with its workflow in Temporal.",
        "Temporal is the truth. For each project the records show open, the stage, last step\n"
        "and pending action are compared with the workflow's state; a workflow terminated,\n"
        "cancelled or reset in Temporal is found too. Each difference is printed, one line a\n"
        "project. With --fix it is repaired: the records take the workflow's state, steps\n"
        "the workflow never completed are marked superseded (kept for auditors), an ended\n"
        "workflow's project becomes `terminated`, and each repair is recorded as a step.\n"
        "The worker repairs terminations and resets by itself within JINDU_RECONCILE_SECONDS;\n"
        "run this after restoring a backup, after an outage of PostgreSQL or when a page and\n"
        "the Temporal UI disagree. It looks at the projects run on JINDU_TASK_QUEUE, and at\n"
        "the processes (审批) whose workflow ended in Temporal while their records say running.\n"
        "Exit status 1 when something differs and --fix was not given.\n"
        + FALLBACK_NOTE,
    )
    reconcile.add_argument("--fix", action="store_true", help="repair what differs")
    user = command("user", "Manage the people who use the API and the web workspace.")
    user_commands = user.add_subparsers(dest="user_command", metavar="USER_COMMAND", required=True)
    from jindu import cli_calendar, cli_names, cli_processes, cli_projects, cli_rollups
    from jindu.cli_users import add_user_commands

    add_user_commands(user_commands, FALLBACK_NOTE)
    cli_calendar.add_parser(commands)
    cli_projects.add_parser(commands)
    cli_processes.add_parser(commands)  # issue 15
    cli_names.add_parser(commands)  # issue 17: departments and business types
    cli_rollups.add_parser(commands)  # issue 16: period reports' rollups
    return parser
