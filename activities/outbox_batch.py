"""What a claimed batch of notices needs from the records, read with a constant number of
statements whatever its size (issue 16: the dispatcher's round trips per notice were more than
half of the worker's per action): the people each notice reaches with their contacts (one
statement; store/recipients.py's rule then picks each notice's own) and the briefs of the batch's
projects and processes (one statement each, when it has any).

A notice that cannot be addressed (an unknown role, unreadable parameters, a contact that does
not decrypt) is set aside with its error — a bad notice, retried and given up on its own by the
dispatcher — and never fails the others of its batch."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from activities.channels import Recipient
from activities.render import PROCESS_HANDOVER_KEYS
from domain.models import Role
from store.contacts import contact_of
from store.crypto import DataCipher
from store.notice_briefs import process_briefs, project_briefs
from store.recipients import Addressing, addressees, candidates

Row = dict[str, Any]


def process_of(row: Row) -> str | None:
    """The process a notice is about, if any (its parameters name it)."""
    process_id = (row["params"] or {}).get("process_id")
    return str(process_id) if process_id else None


@dataclass
class Batch:
    """The claimed notices with their people and briefs; `bad`: those that cannot be planned, and why."""

    rows: list[Row]
    people: dict[str, list[Recipient]] = field(default_factory=dict)
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    processes: dict[str, dict[str, Any]] = field(default_factory=dict)
    bad: dict[str, Exception] = field(default_factory=dict)

    def good(self) -> list[Row]:
        return [row for row in self.rows if row["id"] not in self.bad]

    def brief(self, row: Row) -> dict[str, Any] | None:
        """What the message says about its project, or its process (project_id NULL)."""
        if row.get("project_id"):
            return self.projects.get(row["project_id"])
        return self.process(row)

    def process(self, row: Row) -> dict[str, Any] | None:
        return self.processes.get(process_of(row) or "")


async def read(pool: asyncpg.Pool, cipher: DataCipher, rows: list[Row]) -> Batch:
    batch = Batch(rows)
    addressed: dict[str, Addressing] = {}
    for row in rows:
        try:
            process_of(row)
            addressed[row["id"]] = Addressing(Role(row["to_role"]), row["to_user_id"], row["department"])
        except Exception as err:  # a bad notice, whatever is wrong with it
            batch.bad[row["id"]] = err
    good = batch.good()
    if not good:
        return batch
    users = await candidates(pool, addressed.values())
    batch.projects = await project_briefs(pool, [row.get("project_id") for row in good])
    # A process's message reads its brief; a handover needs it to know whether the step decides.
    read_process = [row for row in good if not row.get("project_id") or row["key"] in PROCESS_HANDOVER_KEYS]
    batch.processes = await process_briefs(pool, [process_of(row) for row in read_process])
    known: dict[str, Recipient] = {}
    for row in good:
        try:
            reached = addressees(users, addressed[row["id"]])
            batch.people[row["id"]] = [_recipient(u, cipher, known) for u in reached if u["deactivated_at"] is None]
        except Exception as err:  # e.g. a contact that does not decrypt: this notice alone
            batch.bad[row["id"]] = err
    return batch


def _recipient(user: Mapping[str, Any], cipher: DataCipher, known: dict[str, Recipient]) -> Recipient:
    """A person as messages name and reach them, decrypted once per batch."""
    if user["id"] not in known:
        c = contact_of(user, cipher)
        known[user["id"]] = Recipient(user_id=c.user_id, name=c.name, role=c.role.value, mobile=c.mobile,
                                      email=c.email, channels=c.channels, lang=c.lang)  # fmt: skip
    return known[user["id"]]
