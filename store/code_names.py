"""Departments and business types by code, with their Chinese and English names
(migration 0650). A handful of rows: read whole, kept by each process (web/code_names.py)."""

from __future__ import annotations

from typing import Literal, TypeAlias

import asyncpg
from pydantic import BaseModel, Field

from domain.text import Name

Db: TypeAlias = asyncpg.Pool | asyncpg.Connection
ListName = Literal["department", "business_type"]
CODE_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,63}$"


class CodeNameIn(BaseModel):
    """A code's names; `active: false` keeps it for old records but leaves it out of choices."""

    name_zh: Name = Field(description="Chinese name, e.g. 销售部")
    name_en: Name = Field(description="English name, e.g. Sales")
    active: bool = True


class CodeName(CodeNameIn):
    code: str


async def all_of(db: Db, list_name: ListName) -> list[CodeName]:
    rows = await db.fetch("SELECT code, name_zh, name_en, active FROM code_names WHERE list = $1 ORDER BY code",
                          list_name)  # fmt: skip
    return [CodeName(**dict(r)) for r in rows]


async def everything(db: Db) -> dict[str, list[CodeName]]:
    # A department a user was created in since is listed too, by its code, until it is named.
    rows = await db.fetch(
        """SELECT list, code, name_zh, name_en, active FROM code_names
           UNION ALL
           SELECT DISTINCT 'department', department, department, department, true FROM users u
           WHERE department IS NOT NULL AND deactivated_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM code_names c WHERE c.list = 'department' AND c.code = u.department)
           ORDER BY 1, 2""")  # fmt: skip
    out: dict[str, list[CodeName]] = {"department": [], "business_type": []}
    for r in rows:
        out[r["list"]].append(CodeName(code=r["code"], name_zh=r["name_zh"], name_en=r["name_en"], active=r["active"]))
    return out


async def put(db: Db, list_name: ListName, code: str, names: CodeNameIn, by: str) -> CodeName:
    await db.execute(
        """INSERT INTO code_names (list, code, name_zh, name_en, active, updated_by) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (list, code) DO UPDATE SET name_zh = $3, name_en = $4, active = $5, updated_by = $6,
           updated_at = now()""",
        list_name, code, names.name_zh, names.name_en, names.active, by,
    )  # fmt: skip
    return CodeName(code=code, **names.model_dump())
