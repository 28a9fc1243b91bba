"""Departments' and business types' names for the pages: the whole table (a handful of rows)
kept by each process and read again at most every `TTL` seconds, by a page route's
dependency before it renders, or at once after this process changed a name. A code nobody named
reads as itself."""

from __future__ import annotations

import time

import asyncpg
import structlog
from fastapi import Request

from store import code_names
from store.code_names import CodeName

TTL = 30.0
log = structlog.get_logger(__name__)


class CodeNames:
    def __init__(self) -> None:
        self.lists: dict[str, list[CodeName]] = {"department": [], "business_type": []}
        self._by: dict[tuple[str, str], CodeName] = {}
        self.loaded_at = float("-inf")

    def replace(self, lists: dict[str, list[CodeName]]) -> None:
        self.lists = lists
        self._by = {(name, c.code): c for name, items in lists.items() for c in items}
        self.loaded_at = time.monotonic()

    def stale(self) -> None:
        self.loaded_at = float("-inf")

    async def fresh(self, pool: asyncpg.Pool) -> None:
        if time.monotonic() - self.loaded_at < TTL:
            return
        try:
            self.replace(await code_names.everything(pool))
        except (OSError, asyncpg.PostgresError) as err:  # the page still renders, with codes
            log.warning("code_names_unavailable", error=str(err))
            self.loaded_at = time.monotonic() - TTL / 2

    def label(self, list_name: str, code: str | None, lang: str) -> str:
        if not code:
            return ""
        found = self._by.get((list_name, code))
        if found is None:
            return code
        return found.name_zh if lang == "zh" else found.name_en

    def choices(self, list_name: str, lang: str) -> list[tuple[str, str]]:
        """(code, name) of the active entries, for a form's select."""
        return [(c.code, c.name_zh if lang == "zh" else c.name_en) for c in self.lists.get(list_name, []) if c.active]


async def fresh_names(request: Request) -> None:
    """A page route's dependency: the names it renders are no older than `TTL` (API routes
    never pay for it: they send codes)."""
    pool = getattr(request.app.state, "pool", None)
    if pool is not None:
        await request.app.state.code_names.fresh(pool)
