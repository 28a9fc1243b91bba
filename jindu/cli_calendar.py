"""`jindu calendar`: publish a newly published year's official holidays to every project
(docs/calendar.md). The only way new dates reach running projects: an authorised, recorded
operation, never a package upgrade or an edited file."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

from domain.calendar import YearDates

HELP = "Publish a year's official holidays (节假日) to new and running projects."
DETAILS = """\
Stores the year's holidays and make-up working days (调休) in PostgreSQL, where new projects
take them when they start, and sends them to every running project as a recorded
`publish_calendar` update: later deadlines count on them, those already set stay. The dates
come from --file (JSON {"holidays": [ISO dates on weekdays], "workdays": [ISO dates on
weekends]}) or, with --from-package, from the installed chinese-calendar package and
jindu/calendar_extra.json. --by names the active operations user it is recorded for. It reaches
the projects on JINDU_TASK_QUEUE. Repeating it changes nothing. `jindu calendar show`
lists the published years."""


def add_parser(commands: Any) -> None:
    calendar = commands.add_parser("calendar", help=HELP, description=HELP + "\n\n" + DETAILS,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    sub = calendar.add_subparsers(dest="calendar_command", metavar="CALENDAR_COMMAND", required=True)
    publish = sub.add_parser("publish", help="Publish one year's dates", description=DETAILS,
                             formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    publish.add_argument("year", type=int, help="the calendar year, e.g. 2027")
    source = publish.add_mutually_exclusive_group(required=True)
    source.add_argument("--file", type=Path, help="JSON with the year's holidays and workdays")
    source.add_argument("--from-package", action="store_true", help="take the dates chinese-calendar knows")
    publish.add_argument("--by", required=True, help="user name of the active operations user publishing it")
    sub.add_parser("show", help="List the published years")


def dates_from(args: argparse.Namespace) -> YearDates:
    if args.from_package:
        from jindu.holidays import PACKAGE_DAYS

        known = PACKAGE_DAYS.year(args.year)
        if known is None:
            raise ValueError(f"chinese-calendar knows no dates for {args.year}; publish them with --file")
        return known
    data = json.loads(args.file.read_text(encoding="utf-8"))
    unknown = set(data) - {"holidays", "workdays", "comment"}
    if unknown:
        raise ValueError(f"{args.file}: unknown keys {sorted(unknown)}")
    dates = YearDates(holidays=[date.fromisoformat(d) for d in data.get("holidays", [])],
                      workdays=[date.fromisoformat(d) for d in data.get("workdays", [])])  # fmt: skip
    dates.check_year(args.year)
    return dates


async def run(settings: Any, args: argparse.Namespace, connect: Any) -> None:
    from api.auth import actor
    from jindu.calendar_publish import publish
    from jindu.services.people import operations_user
    from store.intake import published_years

    client, pool = await connect(settings)
    try:
        if args.calendar_command == "show":
            for year, dates in sorted((await published_years(pool)).items()):
                print(f"{year}: {len(dates.holidays)} holidays, {len(dates.workdays)} make-up working days")
            return
        dates = dates_from(args)
        user = await operations_user(pool, args.by)
        if user is None:
            raise ValueError(f"--by: no active operations user named {args.by!r}")
        report = await publish(pool, client, args.year, dates, actor(user), settings.task_queue)
        print(f"published {args.year}: {len(dates.holidays)} holidays, {len(dates.workdays)} make-up working days; "
              f"running projects: {report.running}, updated {report.updated}, unchanged {report.unchanged}, "
              f"failed {len(report.failed)}")  # fmt: skip
        if report.failed:
            raise ValueError("not every running project took the dates; run it again: " + ", ".join(report.failed[:10]))
    finally:
        await pool.close()
