"""`jindu project`: the safe operator actions on one project from the command line —
reassign work, extend a deadline, decide for an absent approver (docs/workspace.md §Safe
operator actions). Each calls the same use case the API and the workspace call
(jindu/services/projects.py) as the named operations user, so the workflow's validators
decide and the project's history records who did it, and on whose behalf."""

from __future__ import annotations

import argparse
import textwrap
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from domain import results
from domain.models import Decision, Gate
from domain.steps import Ack

R = TypeVar("R", bound=Ack)

HELP = "Operator actions on a project: reassign work, extend a deadline, decide for an absent approver."
DETAILS = """\
Each command acts as the operations user named by --by (an active user with the role
operations) and sends the same workflow update as the API and the workspace: the
project's rules decide, and its history records the action as done by that user (for a
decision: by that user on behalf of the approver). It prints the outcome in one line; a
refusal (wrong stage, wrong role, unknown user …) is one line on stderr and exit code 2.

Needs PostgreSQL (JINDU_DATABASE_URL, or the embedded one of a running `jindu dev`) and
Temporal (JINDU_TEMPORAL_ADDRESS, JINDU_TEMPORAL_NAMESPACE). Whoever can run these
commands with that access is an administrator: the database and Temporal trust them.
People act through the workspace or the API, which authenticate them."""

TARGET_HELP = "what to act on: pending (the pending action), warning_analysis (the warning's cause analysis) " \
              "or task:<task id> (a rectification task)"
BY_METAVAR = "OPERATOR"
BY_HELP = "user name of the operations user acting (must be active, role operations)"
WHAT = {
    "reassign": ("Hand the pending action, the cause analysis or a task to another user of the same role.",
                 "The new assignee (--to) must be an active user of the role the work needs; for an agent's or a "
                 "dept head's work, of the project's department. They are notified and alone may act on it."),
    "extend": ("Move a deadline later by a number of working days, with a reason.",
               "The new deadline is --working-days working days (1–60, on the company's calendar) after the current "
               "one; its reminders and escalations start again from there. The assignee is notified."),
    "decide": ("Decide a pending approval gate on behalf of an absent approver.",
               "--on-behalf-of names the dept_head or executive the gate awaits; the decision counts as theirs and "
               "is recorded as made by the operations user on their behalf."),
}
# pydantic field → the option that gave it, for one-line errors
OPTIONS = {"target": "--target", "to": "--to", "reason": "--reason", "working_days": "--working-days",
           "gate": "--gate", "decision": "--decision", "comment": "--comment",
           "on_behalf_of": "--on-behalf-of"}  # fmt: skip


def add_parser(commands: Any) -> None:
    project = commands.add_parser("project", help=HELP, description=HELP + "\n\n" + DETAILS,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    sub = project.add_subparsers(dest="project_command", metavar="PROJECT_COMMAND", required=True)

    def command(name: str) -> argparse.ArgumentParser:
        summary, details = WHAT[name]
        parser = sub.add_parser(name, help=summary, description=f"{textwrap.fill(summary + ' ' + details, 88)}\n\n"
                                f"{DETAILS}", formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
        parser.add_argument("project", metavar="PROJECT", help="the project id")
        return parser

    reassign = command("reassign")
    reassign.add_argument("--target", required=True, help=TARGET_HELP)
    reassign.add_argument("--to", required=True, help="user name of the new assignee")
    reassign.add_argument("--reason", required=True, help="why (recorded in the project's history)")
    reassign.add_argument("--by", required=True, metavar=BY_METAVAR, help=BY_HELP)

    extend = command("extend")
    extend.add_argument("--target", required=True, help=TARGET_HELP)
    extend.add_argument("--working-days", required=True, type=int, metavar="N", help="working days to add (1–60)")
    extend.add_argument("--reason", required=True, help="why (recorded in the project's history)")
    extend.add_argument("--by", required=True, metavar=BY_METAVAR, help=BY_HELP)

    decide = command("decide")
    decide.add_argument("--gate", required=True, choices=[g.value for g in Gate], help="the pending approval gate")
    decide.add_argument("--decision", required=True, choices=[d.value for d in Decision], help="approve or reject")
    decide.add_argument("--comment", default="", help="the decision's comment (recorded)")
    decide.add_argument("--on-behalf-of", required=True, metavar="NAME",
                        help="user name of the absent approver (dept_head or executive)")  # fmt: skip
    decide.add_argument("--by", required=True, metavar=BY_METAVAR, help=BY_HELP)


def body(model: type[BaseModel], **values: Any) -> Any:
    """The API's request model, its errors named by the options that gave the values."""
    try:
        return model(**values)
    except ValidationError as err:
        problems = [f"{OPTIONS.get(str(e['loc'][0]), e['loc'][0]) if e['loc'] else 'input'}: {e['msg']}"
                    for e in err.errors()]  # fmt: skip
        raise ValueError("; ".join(problems)) from None


async def run(settings: Any, args: argparse.Namespace, connect: Any) -> None:
    from temporalio.service import RPCError

    from domain.errors import JinduError
    from jindu.services.office import Office
    from jindu.services.people import operations_user
    from jindu.services.projects import visible_project

    client, pool = await connect(settings)
    try:
        user = await operations_user(pool, args.by)
        if user is None:
            raise ValueError(f"--by: no active operations user named {args.by!r}")
        # No data key here, and the line printed needs the new stage alone: the use cases
        # answer briefly, without reading the project back.
        answers: list[Any] = []  # what each update answered: what it made (domain/results.py)
        policy = settings.policy()
        office = Office(pool=pool, client=client, cipher=None, tz=ZoneInfo(policy.calendar.timezone),
                        timeout=settings.update_timeout_seconds, on_answer=answers.append,
                        allow_zero_budget=policy.allow_zero_budget, answer_with_view=False)  # fmt: skip
        action = Action(office, await visible_project(office, user, args.project), answers)
        try:
            print(await COMMANDS[args.project_command](action, user, args))
        except (JinduError, RPCError) as err:
            raise refusal(err) from None
    finally:
        await pool.close()


def refusal(err: Exception) -> Exception:
    """A refusal of the project's workflow names its code (`wrong_stage: …`); Temporal itself
    failing is one line too."""
    from temporalio.client import WorkflowUpdateFailedError
    from temporalio.service import RPCError

    if isinstance(err.__cause__, WorkflowUpdateFailedError):
        return type(err)(f"{getattr(err, 'code', 'refused')}: {err}")
    if isinstance(err, RPCError):
        return ValueError(f"Temporal: {err.message}")
    return err


class Action:
    """The project acted on, and what its updates answered they made."""

    def __init__(self, office: Any, project: Any, answers: list[Any]) -> None:
        self.office, self.project, self.answers = office, project, answers
        self.project_id: str = project.id
        self.tz = office.tz

    def made(self, kind: type[R]) -> R:
        """The update's answer, by its type: what it made (an empty one if another type came)."""
        return next((a for a in reversed(self.answers) if isinstance(a, kind)), None) or kind.model_validate(
            {"seq": 0, "stage": self.project.stage})

    def time(self, value: datetime | None) -> str:
        return value.astimezone(self.tz).strftime("%Y-%m-%d %H:%M") if value else "?"


async def _reassign(action: Action, user: Any, args: argparse.Namespace) -> str:
    from domain.operator_commands import ReassignIn
    from jindu.services import projects as uc

    ask = body(ReassignIn, target=args.target, to=args.to, reason=args.reason)
    view = await uc.reassign(action.office, user, action.project, ask)
    made = action.made(results.Reassigned)
    return (
        f"project {action.project_id}: {ask.target} reassigned by {user.name} "
        f"from {made.previous or '?'} to {made.to or ask.to}; stage {view.stage.value}"
    )


async def _extend(action: Action, user: Any, args: argparse.Namespace) -> str:
    from domain.operator_commands import ExtendDeadlineIn
    from jindu.services import projects as uc

    ask = body(ExtendDeadlineIn, target=args.target, working_days=args.working_days, reason=args.reason)
    await uc.extend_deadline(action.office, user, action.project, ask)
    made = action.made(results.DeadlineExtended)
    return (
        f"project {action.project_id}: {ask.target} deadline extended by {user.name}"
        f" from {action.time(made.previous_due_at)} to {action.time(made.due_at)} "
        f"({ask.working_days} working days, {action.tz.key})"
    )


async def _decide(action: Action, user: Any, args: argparse.Namespace) -> str:
    from jindu.services import projects as uc

    decision = body(uc.DecisionRequest, gate=args.gate, decision=args.decision, comment=args.comment,
                    on_behalf_of=args.on_behalf_of)  # fmt: skip
    view = await uc.decide(action.office, user, action.project, decision)
    behalf = action.made(results.Decided).on_behalf_of
    verb = "approved" if decision.decision == Decision.approve else "rejected"
    return (
        f"project {action.project_id}: {decision.gate.value} {verb} by {user.name} "
        f"on behalf of {behalf.name if behalf else args.on_behalf_of} ({behalf.role.value if behalf else '?'}); "
        f"stage now {view.stage.value}"
    )


COMMANDS = {"reassign": _reassign, "extend": _extend, "decide": _decide}
