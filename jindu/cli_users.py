"""`jindu user …`: create (with a one-time sign-in link), list, deactivate, reactivate,
rotate-token, link, contact. Each change is recorded in `user_events` as done by
`cli:<login>`; tokens and links are printed once, a token alone on the last line."""

from __future__ import annotations

import argparse
import getpass
from datetime import timedelta

from domain.models import Role

CREATE_HELP = (
    "Create a user and print their bearer token, alone on the last line, with a one-time sign-in link for the "
    "web workspace on the line before it (base URL JINDU_PUBLIC_URL). The token is shown once and only its hash "
    "is stored. Agents and department heads need --department; customers, executives, operations and auditors "
    "may have none. "
)


def add_user_commands(user_commands: argparse._SubParsersAction, fallback_note: str) -> None:
    note = " " + fallback_note.replace("\n", " ")
    create = user_commands.add_parser("create", help="Create a user and print their API token.",
                                      description=CREATE_HELP + note)
    create.add_argument("--name", required=True, help="unique user name, e.g. 'Li Wei'")
    create.add_argument("--role", required=True, metavar="ROLE", help="one of: " + ", ".join(r.value for r in Role))
    create.add_argument("--department", help="the department an agent or dept_head works for, e.g. sales")
    _contact_arguments(create)

    listing = user_commands.add_parser("list", help="List users (name, role, department, status, id).",
                                       description="List users by name." + note)
    listing.add_argument("--role", help="only this role")
    listing.add_argument("--deactivated", action="store_true", help="only deactivated users")
    for name, summary in (("deactivate", "Deactivate a user: their token and web sessions stop working at once."),
                          ("reactivate", "Reactivate a deactivated user: their token works again."),
                          ("rotate-token", "Give a user a new API token (printed alone on the last line); "
                                           "the old token and their web sessions stop working."),
                          ("link", "Print a new one-time sign-in link for the web workspace."),
                          ("signout", "Sign a user out everywhere: every web session of theirs ends.")):
        sub = user_commands.add_parser(name, help=summary, description=summary + note)
        sub.add_argument("--name", required=True, help="the user's name")
        if name != "link":
            sub.add_argument("--reason", default="", help="why (recorded)")
    move = user_commands.add_parser("move", help="Move an agent or dept_head to another department.",
                                    description="Move an agent or dept_head to another department; their "
                                                "projects stay where they are." + note)  # fmt: skip
    move.add_argument("--name", required=True, help="the user's name")
    move.add_argument("--department", required=True, help="the department code")
    move.add_argument("--reason", default="", help="why (recorded)")
    contact = user_commands.add_parser(
        "contact", help="Set a user's mobile, e-mail, preferred channels and language (stored encrypted).",
        description="Replace a user's contact details used for notifications." + note)
    contact.add_argument("--name", required=True, help="the user's name")
    _contact_arguments(contact)


def _contact_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mobile", help="mobile number, for robot @mentions")
    parser.add_argument("--email", help="e-mail address")
    parser.add_argument(
        "--channels", default="", help="preferred channels, comma-separated: wecom,dingtalk,feishu,email"
    )
    parser.add_argument("--lang", default="zh", choices=["zh", "en"], help="language of messages (default zh)")


def needs_data_key(args: argparse.Namespace) -> bool:
    """Contacts are stored encrypted with JINDU_DATA_KEY."""
    contact = [getattr(args, name, None) for name in ("mobile", "email", "channels")]
    return args.user_command == "contact" or (args.user_command == "create" and any(contact))


def _contact_body(args: argparse.Namespace) -> dict:
    from api.routes.users import ContactIn

    channels = [c.strip() for c in (args.channels or "").split(",") if c.strip()]
    return ContactIn(mobile=args.mobile, email=args.email, channels=channels, lang=args.lang).model_dump()


def _by():
    from store.people import By

    return By(name=f"cli:{getpass.getuser()}")


async def run(settings, args: argparse.Namespace) -> None:
    from store.db import create_pool

    pool = await create_pool(settings.database_url, min_size=1, max_size=2)
    try:
        await COMMANDS[args.user_command](pool, settings, args)
    finally:
        await pool.close()


async def _person(pool, name: str):
    from domain.errors import NotFound
    from store.people import person_by_name

    found = await person_by_name(pool, name)
    if found is None:
        raise NotFound(f"no user named {name!r}", "no_one_named", who=name)
    return found


async def _link(pool, settings, user_id: str) -> str:
    from api.routes.users import signin_url
    from store.people import record_user_event
    from store.sessions import issue_signin_link

    code = await issue_signin_link(pool, user_id, timedelta(hours=settings.signin_link_hours))
    await record_user_event(pool, user_id, "signin_link_issued", _by())
    return signin_url(settings.public_url, code)


async def _create(pool, settings, args) -> None:
    from store.crypto import DataCipher
    from store.people import record_user_event
    from store.users import create_user

    contact = _contact_body(args) if needs_data_key(args) else None
    user, token = await create_user(pool, name=args.name, role=args.role, department=args.department)
    await record_user_event(pool, user.id, "created", _by())
    if contact is not None:
        from store.contacts import set_contact

        await set_contact(pool, user.id, DataCipher(settings.data_key_bytes()), **contact)
    link = await _link(pool, settings, user.id)
    where = f" in {user.department}" if user.department else ""
    print(f"created {user.role.value} {user.name!r}{where} (id {user.id}); their API token is on the last line")
    print(f"one-time sign-in link (expires in {settings.signin_link_hours:g} h): {link}")
    print(token)


async def _list(pool, settings, args) -> None:
    from store.people import list_people

    people, total = await list_people(pool, role=args.role, active=False if args.deactivated else None, limit=10_000)
    for p in people:
        status = "active" if p.active else "deactivated"
        print(f"{p.name}\t{p.role.value}\t{p.department or '-'}\t{status}\t{','.join(p.channels) or '-'}\t{p.id}")
    print(f"{total} user(s)")


async def _deactivate(pool, settings, args) -> None:
    from store.people import deactivate

    p = await deactivate(pool, (await _person(pool, args.name)).id, _by(), args.reason)
    print(f"deactivated {p.name!r}: their token and web sessions no longer work")


async def _reactivate(pool, settings, args) -> None:
    from store.people import reactivate

    p = await reactivate(pool, (await _person(pool, args.name)).id, _by(), args.reason)
    print(f"reactivated {p.name!r}")


async def _rotate(pool, settings, args) -> None:
    from store.people import rotate_token

    p, token = await rotate_token(pool, (await _person(pool, args.name)).id, _by(), args.reason)
    print(f"new API token of {p.name!r} on the last line; the old one and their web sessions no longer work")
    print(token)


async def _print_link(pool, settings, args) -> None:
    from domain.errors import Conflict

    p = await _person(pool, args.name)
    if not p.active:
        raise Conflict(f"{p.name!r} is deactivated", "deactivated_user", who=p.name)
    print(await _link(pool, settings, p.id))


async def _signout(pool, settings, args) -> None:
    from store.people import record_user_event
    from store.sessions import end_all_sessions

    p = await _person(pool, args.name)
    ended = await end_all_sessions(pool, p.id, by="operations")
    await record_user_event(pool, p.id, "sessions_ended", _by(), args.reason)
    print(f"signed {p.name!r} out of {ended} session(s)")


async def _move(pool, settings, args) -> None:
    from jindu.services.staffing import MoveIn, move

    p = await _person(pool, args.name)
    moved = await move(pool, p.id, MoveIn(department=args.department, reason=args.reason), _by())
    print(f"moved {moved.name!r} to {moved.department}")


async def _contact(pool, settings, args) -> None:
    from store.contacts import set_contact
    from store.crypto import DataCipher
    from store.people import record_user_event

    p = await _person(pool, args.name)
    await set_contact(pool, p.id, DataCipher(settings.data_key_bytes()), **_contact_body(args))
    await record_user_event(pool, p.id, "contact_changed", _by())
    print(f"contact of {p.name!r} saved")


COMMANDS = {"create": _create, "list": _list, "deactivate": _deactivate, "reactivate": _reactivate,
            "rotate-token": _rotate, "link": _print_link, "contact": _contact,
            "signout": _signout, "move": _move}
