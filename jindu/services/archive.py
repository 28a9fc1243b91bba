"""档案查询 (001 业务归档流程): finding archived projects, reading a bundle, exporting it.

Search is scoped by role like every list: executive, operations and the auditor search the
whole archive, agents and dept_heads their department's, a customer their own projects'.
A bundle (approvals, risk register, operation records) is the staff's: customers find
their archived projects but read them through the project page, as the view policy says.
The ZIP export is the auditor's (and operations', who run backups and hand-overs).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from domain.errors import Invalid, NotFound
from domain.models import STAFF_ROLES, Role
from jindu.services.office import Office
from jindu.services.projects import Permit
from store import archive, archive_search
from store.archive_search import ArchivePage, Scope
from store.reads import ProjectAccess
from store.users import User

READ_BUNDLE = Permit(tuple(sorted(STAFF_ROLES)), "read archive bundles")
EXPORT = Permit((Role.auditor, Role.operations), "export archive bundles")
PHONE_LIKE = re.compile(r"\+?[\d\s()-]{7,25}")


@dataclass(frozen=True)
class ArchiveQuery:
    q: str | None = None
    phone: str | None = None
    agent: str | None = None
    business_type: str | None = None
    since: date | None = None
    until: date | None = None  # inclusive
    after: str | None = None
    limit: int = 20


def _local(day: date | None, office: Office) -> datetime | None:
    return None if day is None else datetime.combine(day, time(0), tzinfo=office.tz)


async def search(office: Office, user: User, query: ArchiveQuery) -> ArchivePage:
    try:
        after = archive_search.parse_cursor(query.after) if query.after else None
    except ValueError as err:
        raise Invalid(f"after: {err}", "bad_cursor") from err
    typed_number = not query.phone and bool(query.q and PHONE_LIKE.fullmatch(query.q.strip()))
    if typed_number:  # a number typed in the one search box: a phone, or words of the text
        query = replace(query, phone=query.q)
    phone = None
    if query.phone and query.phone.strip():
        if office.cipher is None:
            raise Invalid("phone: searching by phone needs the data key", "phone_needs_key")
        await archive_search.backfill_phone_index(office.pool, office.cipher)
        phone = archive_search.phone_index(office.cipher, query.phone)
        if phone is None and not typed_number:
            raise Invalid("phone: a phone number is 3–20 digits, with spaces, dashes or a leading + allowed",
                          "phone_format")
    until = query.until + timedelta(days=1) if query.until else None
    return await archive_search.search(
        office.pool, Scope.of(user.role, user.department, user.id), q=query.q, phone=phone, agent=query.agent,
        business_type=query.business_type, since=_local(query.since, office), until=_local(until, office),
        after=after, limit=query.limit, phone_or_text=typed_number,
    )  # fmt: skip


async def bundle(office: Office, user: User, project: ProjectAccess) -> dict[str, Any]:
    READ_BUNDLE.check(user)
    found = await archive.read_bundle(office.pool, project.id)
    if found is None:
        raise NotFound(f"project {project.id} has not been archived", "not_archived", project_id=project.id)
    return found


def _document_path(doc: dict[str, Any]) -> str:
    return f"documents/{doc['id']}-{doc['name']}"


async def export_zip(office: Office, user: User, project: ProjectAccess) -> bytes:
    """One ZIP: `index.json` (the bundle, each document with its path in the ZIP), `index.txt`
    (the same at a glance) and `documents/` (each document still held)."""
    EXPORT.check(user)
    found = await bundle(office, user, project)
    out = io.BytesIO()
    lines = [f"归档 {found.get('bundle_id')} · project {project.id}", ""]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for doc in found["documents"]:
            if doc.get("disposed_at") is None and office.files is not None:
                doc["path"] = _document_path(doc)
                z.writestr(doc["path"], await office.files.read(doc["sha256"]))
            state = doc.get("path") or "disposed of"
            lines.append(f"{doc['kind']}\t{doc['name']}\t{doc['size']} B\tsha256 {doc['sha256']}\t{state}")
        z.writestr("index.json", json.dumps(found, ensure_ascii=False, indent=2, default=str))
        z.writestr("index.txt", "\n".join(lines) + "\n")
    return out.getvalue()
