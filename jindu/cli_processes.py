"""`jindu process-templates`: load the company's process templates (issue 15) from a folder of
JSON files into PostgreSQL, each as a new version of its key when it changed, or list them."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

HELP = "Load or list process templates (审批流程)."
DETAILS = """\
`load` validates every *.json file of --dir (default: the processes/ folder Jindu ships:
考勤制度制定, 考勤月统计, 缺勤人员处理, 费用报销, 合同审批, 佣金分配, 审计发现整改) and stores each
as the next version of its key; an unchanged file adds no version. Running processes keep
the version they started with. An invalid file stops the load with errors pointing at the
node (nodes[3].approvers: unknown role "hr"). Operations may also upload one template with
POST /v1/process-templates. `list` shows the latest version of each."""


def add_parser(commands: Any) -> None:
    p = commands.add_parser("process-templates", help=HELP, description=HELP + "\n\n" + DETAILS,
                            formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    sub = p.add_subparsers(dest="process_templates_command", metavar="COMMAND", required=True)
    load = sub.add_parser("load", help="Load the templates of a folder")
    load.add_argument("--dir", type=Path, default=None, help="folder of *.json templates (default: processes/)")
    sub.add_parser("list", help="List the latest version of each template")


async def run(settings: Any, args: argparse.Namespace) -> None:
    from domain.process_template import TemplateInvalid
    from store import process_templates
    from store.db import create_pool

    pool = await create_pool(settings.database_url)
    try:
        if args.process_templates_command == "list":
            for t in await process_templates.latest_all(pool):
                print(f"{t.key} v{t.version}: {t.name}")
            return
        try:
            loaded = await process_templates.load_dir(pool, args.dir or process_templates.SHIPPED)
        except TemplateInvalid as err:
            raise ValueError("; ".join(err.errors)) from None
        for key, version, created in loaded:
            print(f"{key} v{version}" + ("" if created else " (unchanged)"))
    finally:
        await pool.close()
