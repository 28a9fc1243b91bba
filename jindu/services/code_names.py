"""Departments and business types as managed lists (issue 17): list them (any staff), name a
code (operations). The API (api/routes/code_names.py) and `jindu names` call these; pages read
the names through web/code_names.py."""

from __future__ import annotations

import re

import asyncpg

from domain.errors import Invalid
from domain.models import Role
from jindu.services.projects import Permit
from store import code_names
from store.code_names import CodeName, CodeNameIn, ListName
from store.users import User

NAME_CODES = Permit((Role.operations,), "name departments and business types")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


async def listing(pool: asyncpg.Pool, list_name: ListName) -> list[CodeName]:
    return await code_names.all_of(pool, list_name)


async def set_name(pool: asyncpg.Pool, list_name: ListName, code: str, names: CodeNameIn, by: str) -> CodeName:
    """Name a code (a new one joins the list); the code itself never changes."""
    if not CODE.match(code):
        raise Invalid(f"code: {code!r} is not a code (letters, digits, _ . -; up to 100)", "not_a_code", code=code)
    return await code_names.put(pool, list_name, code, names, by)


async def name_code(pool: asyncpg.Pool, user: User, list_name: ListName, code: str, names: CodeNameIn) -> CodeName:
    NAME_CODES.check(user)
    return await set_name(pool, list_name, code, names, user.name)
