"""Attachments: the rows that say whose a blob is (store/files.py keeps the bytes) — a
project's documents, or a person's uploads for a process form (issue 15), bound to the
process they are sent with.

Uploads are checked here against the policy's limits (domain/attachments.py) while the
project's row is locked, so two uploads at once cannot both squeeze under a limit.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg
import puremagic
from pydantic import BaseModel, Field

from domain.attachments import AttachmentKind, AttachmentPolicy, Refused, check_limits, content_type
from domain.errors import Forbidden
from store.files import FileStore

Db = asyncpg.Connection | asyncpg.Pool
OOXML = "application/vnd.openxmlformats-officedocument."
COLUMNS = ("id, project_id, process_id, kind, name, size, sha256, content_type, uploaded_by, uploaded_at, "
           "disposed_at")
# a person's uploads for a form (a consent's scans are the consent's: store/consent_files.py)
UNSENT = "project_id IS NULL AND process_id IS NULL AND consent_id IS NULL AND uploaded_by = $1"


class Attachment(BaseModel):
    """A project's document (`project_id`), or a person's upload for a process form, sent with
    process `process_id` (both None until it is sent)."""

    id: str
    project_id: str | None
    process_id: str | None = Field(default=None, description="The process instance it was sent with "
                                                                 "(a process form's file; none for a project's)")
    kind: AttachmentKind
    name: str
    size: int
    sha256: str
    content_type: str
    uploaded_by: str
    uploaded_at: datetime
    disposed_at: datetime | None = None


def sniff(data: bytes, filename: str) -> str:
    """The file's allowed content type from its bytes (puremagic), or `Refused`."""
    if not data:
        raise Refused("the file is empty", "file_empty")
    try:
        found = puremagic.magic_string(data[:1024 * 1024])
    except (puremagic.PureError, ValueError):
        found = []
    ctype = content_type([(m.extension, m.mime_type) for m in found], filename)
    if ctype.startswith(OOXML) and _has_macros(data):
        raise Refused("office documents with macros are not accepted", "macros_refused")
    return ctype


def _has_macros(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return any(n.lower().endswith("vbaproject.bin") for n in z.namelist())
    except zipfile.BadZipFile:
        return True  # says OOXML and is no ZIP: not what it claims


def safe_name(filename: str) -> str:
    """The name shown and offered on download: no path, no control characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip()
    return name[:200] or "attachment"


async def add(pool: asyncpg.Pool, files: FileStore, policy: AttachmentPolicy, *, project_id: str | None,
              kind: AttachmentKind, filename: str, data: bytes, by: str) -> Attachment:  # fmt: skip
    """Check, store the bytes, then the row. A blob written for a row that is then refused
    is only an orphan of identical bytes; no row ever points at a missing blob. The same
    bytes of the same kind again answer the attachment already held.

    With `project_id` None the file is `by`'s own upload for a process form, not yet sent
    (`bind`): the policy's per-project limits hold for one person's unsent uploads."""
    ctype = sniff(data, filename)
    digest = hashlib.sha256(data).hexdigest()
    if project_id is None:
        lock, scope, owner = "SELECT 1 FROM users WHERE id = $1 FOR UPDATE", UNSENT, by
    else:
        lock, scope, owner = "SELECT 1 FROM projects WHERE id = $1 FOR UPDATE", "project_id = $1", project_id
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(lock, owner)
        await hold_blob(conn, digest)
        same = await conn.fetchrow(f"SELECT {COLUMNS} FROM attachments WHERE {scope} AND sha256 = $2 "
                                   "AND kind = $3 AND disposed_at IS NULL ORDER BY uploaded_at LIMIT 1",
                                   owner, digest, kind.value)  # fmt: skip
        if same is not None:  # the same document again (a form sent twice): one attachment
            return Attachment(**dict(same))
        held = await conn.fetchrow("SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM attachments "
                                   f"WHERE {scope} AND disposed_at IS NULL", owner)  # fmt: skip
        check_limits(policy, len(data), int(held["bytes"]), int(held["n"]))
        await files.put(digest, data)
        row = await conn.fetchrow(
            f"""INSERT INTO attachments (id, project_id, kind, name, size, sha256, content_type, uploaded_by)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {COLUMNS}""",
            f"att-{uuid.uuid4().hex[:16]}", project_id, kind.value, safe_name(filename), len(data), digest, ctype, by,
        )  # fmt: skip
    return Attachment(**dict(row))


HOLDERS = ("process_id", "consent_id")  # what an upload can be sent with, one of them at most


async def lock_own_uploads(conn: asyncpg.Connection, wanted: list[str], *, by: str, holder: str,
                           holder_id: str) -> None:  # fmt: skip
    """Lock the uploads `wanted` to be sent with `holder` (a column of HOLDERS) `holder_id`, in the
    caller's transaction: an id that is no upload (unknown, a project's document, disposed of)
    is `Refused` (422); another person's upload, or one sent with something else, `Forbidden` (403)."""
    other = next(h for h in HOLDERS if h != holder)
    rows = await conn.fetch("SELECT id, project_id, process_id, consent_id, uploaded_by, disposed_at "
                            "FROM attachments WHERE id = ANY($1) FOR UPDATE", wanted)  # fmt: skip
    found = {r["id"]: r for r in rows}
    unknown = [i for i in wanted if i not in found or found[i]["project_id"] is not None
               or found[i]["disposed_at"] is not None]  # fmt: skip
    if unknown:
        raise Refused(f"not an uploaded file: {', '.join(unknown)}", "not_uploaded", ids=unknown)
    theirs = [i for i in wanted if found[i]["uploaded_by"] != by or found[i][other] is not None
              or found[i][holder] not in (None, holder_id)]  # fmt: skip
    if theirs:
        raise Forbidden(f"not your own upload: {', '.join(theirs)}", "not_own_upload", ids=theirs)


async def bind(pool: asyncpg.Pool, ids: Sequence[str], *, process_id: str, by: str) -> list[str]:
    """Send `by`'s own uploads with process `process_id`'s form: from then on they are read by
    whoever may see the process. An id that is no upload for a process form is `Refused` (422);
    another person's upload, or one sent with another process, is `Forbidden` (403); either
    way nothing is bound. Binding again to the same process changes nothing (a retried start).
    Answers the ids this call bound, for `unbind` when what they were sent with is refused."""
    if not ids:
        return []
    wanted = list(dict.fromkeys(ids))
    async with pool.acquire() as conn, conn.transaction():
        await lock_own_uploads(conn, wanted, by=by, holder="process_id", holder_id=process_id)
        rows = await conn.fetch("UPDATE attachments SET process_id = $1 WHERE id = ANY($2) AND process_id IS NULL "
                                "RETURNING id", process_id, wanted)  # fmt: skip
    return [r["id"] for r in rows]


async def unbind(pool: asyncpg.Pool, ids: Sequence[str], *, process_id: str) -> None:
    """The uploads go back to their uploader (the start or task they were sent with was refused)."""
    if ids:
        await pool.execute("UPDATE attachments SET process_id = NULL WHERE id = ANY($1) AND process_id = $2",
                           list(ids), process_id)  # fmt: skip


async def get(db: Db, attachment_id: str) -> Attachment | None:
    row = await db.fetchrow(f"SELECT {COLUMNS} FROM attachments WHERE id = $1", attachment_id)
    return None if row is None else Attachment(**dict(row))


async def of_project(db: Db, project_id: str, *, kinds: Sequence[str] | None = None) -> list[Attachment]:
    rows = await db.fetch(f"SELECT {COLUMNS} FROM attachments WHERE project_id = $1 "
                          "AND ($2::text[] IS NULL OR kind = ANY($2)) ORDER BY uploaded_at, id",
                          project_id, list(kinds) if kinds is not None else None)  # fmt: skip
    return [Attachment(**dict(r)) for r in rows]


async def check_owned(db: Db, project_id: str, ids: Sequence[str]) -> None:
    """`attachment_ids` sent with results, acceptance or a report must be this project's
    own, still held (else `Refused`, answered 422 by the caller)."""
    if not ids:
        return
    found = {r["id"] for r in await db.fetch("SELECT id FROM attachments WHERE id = ANY($1) AND project_id = $2 "
                                             "AND disposed_at IS NULL", list(ids), project_id)}  # fmt: skip
    missing = [i for i in dict.fromkeys(ids) if i not in found]
    if missing:
        raise Refused(f"attachment_ids: not attachments of project {project_id}: {', '.join(missing)}",
                      "not_project_files", project_id=project_id, ids=missing)


async def dispose_of_project(conn: Db, project_id: str) -> list[str]:
    """With the customer's data: the project's documents are no longer served; answers the
    hashes no live attachment uses any more, for `purge` to delete."""
    rows = await conn.fetch("UPDATE attachments SET disposed_at = now() WHERE project_id = $1 AND disposed_at IS NULL "
                            "RETURNING sha256", project_id)  # fmt: skip
    return await unused(conn, [r["sha256"] for r in rows])


async def unused(db: Db, hashes: Sequence[str]) -> list[str]:
    if not hashes:
        return []
    live = {r["sha256"] for r in await db.fetch("SELECT DISTINCT sha256 FROM attachments WHERE sha256 = ANY($1) "
                                                "AND disposed_at IS NULL", list(set(hashes)))}  # fmt: skip
    return sorted(set(hashes) - live)


async def hold_blob(conn: Db, digest: str) -> None:
    """Until the transaction ends, nobody else adds or deletes the blob `digest`: an upload
    holds it from writing the bytes until its row is committed, a deletion from finding the
    blob unused until it is gone, so a deletion never takes the bytes of a row being added."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 14))", digest)


async def purge(pool: asyncpg.Pool, files: FileStore, project_id: str) -> int:
    """Delete the blobs of a project's disposed documents that nothing else holds; safe to
    repeat (a disposal whose blobs could not be deleted then is finished by the next). Each
    blob is checked again under `hold_blob`, so an upload of the same bytes meanwhile keeps it."""
    rows = await pool.fetch("SELECT DISTINCT sha256 FROM attachments WHERE project_id = $1 "
                            "AND disposed_at IS NOT NULL", project_id)  # fmt: skip
    gone = 0
    for digest in await unused(pool, [r["sha256"] for r in rows]):
        async with pool.acquire() as conn, conn.transaction():
            await hold_blob(conn, digest)
            if await unused(conn, [digest]):
                await files.delete(digest)
                gone += 1
    return gone


def listing(items: Sequence[Attachment]) -> list[dict[str, Any]]:
    """The documents as a bundle or a page lists them (no bytes)."""
    return [a.model_dump(mode="json", exclude={"project_id", "process_id"}) for a in items]
