"""`jindu names`: departments and business types with their Chinese and English names
(issue 17). The codes stay what the API and the records use; pages and messages show names."""

from __future__ import annotations

import argparse
from typing import Any, Literal

HELP = "List or set the names of departments and business types."
DETAILS = """\
`set department sales --zh 销售部 --en Sales` names a code (a new code joins the list);
`--inactive` keeps its name for old records and leaves it out of the workspace's choices
(the intake form's business types). `list` prints code, Chinese and English names.
Operations may do the same with PUT /v1/departments/{code} and PUT /v1/business-types/{code}."""
LISTS: dict[str, Literal["department", "business_type"]] = {"department": "department",
                                                           "business-type": "business_type"}


def add_parser(commands: Any) -> None:
    p = commands.add_parser("names", help=HELP, description=HELP + "\n\n" + DETAILS,
                            formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    sub = p.add_subparsers(dest="names_command", metavar="COMMAND", required=True)
    listing = sub.add_parser("list", help="List the codes and their names")
    listing.add_argument("list", choices=sorted(LISTS), nargs="?", default=None, help="only this list")
    put = sub.add_parser("set", help="Name a code")
    put.add_argument("list", choices=sorted(LISTS))
    put.add_argument("code", help="the code the API uses, e.g. sales")
    put.add_argument("--zh", required=True, help="Chinese name, e.g. 销售部")
    put.add_argument("--en", required=True, help="English name, e.g. Sales")
    put.add_argument("--inactive", action="store_true", help="leave it out of the workspace's choices")


async def run(settings: Any, args: argparse.Namespace) -> None:
    import getpass

    from jindu.services import code_names as uc
    from store.code_names import CodeNameIn
    from store.db import create_pool

    pool = await create_pool(settings.database_url)
    try:
        if args.names_command == "set":
            names = CodeNameIn(name_zh=args.zh, name_en=args.en, active=not args.inactive)
            done = await uc.set_name(pool, LISTS[args.list], args.code, names, f"cli:{getpass.getuser()}")
            print(f"{args.list} {done.code}: {done.name_zh} / {done.name_en}" + ("" if done.active else " (inactive)"))
            return
        for shown, list_name in sorted(LISTS.items()):
            if args.list in (None, shown):
                for c in await uc.listing(pool, list_name):
                    print(f"{shown}\t{c.code}\t{c.name_zh}\t{c.name_en}" + ("" if c.active else "\tinactive"))
    finally:
        await pool.close()
