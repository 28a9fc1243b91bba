"""Retention against an upload of the same bytes at the same moment (store/attachments.hold_blob):
the prune finds the old upload's blob unused, but an upload of identical bytes has just
written it and not yet committed its row; the prune waits for that row and keeps the blob."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.attachments import AttachmentKind, AttachmentPolicy
from domain.retention import RetentionPolicy
from store import attachments
from store.files import FileStore, local_files
from store.retention import prune
from tests.process_files import a_pdf

pytestmark = pytest.mark.asyncio(loop_scope="session")


class HeldAfterWriting(FileStore):
    """The bytes are written, then the upload pauses before its row is committed."""

    written: asyncio.Event
    go_on: asyncio.Event

    async def put(self, sha256: str, data: bytes) -> None:
        await super().put(sha256, data)
        self.written.set()
        await self.go_on.wait()


def paused(root: Path) -> HeldAfterWriting:
    plain = local_files(root)
    store = HeldAfterWriting(plain.make, plain.where)
    object.__setattr__(store, "written", asyncio.Event())
    object.__setattr__(store, "go_on", asyncio.Event())
    return store


async def test_a_prune_keeps_the_bytes_of_an_upload_being_added(pool, tmp_path):
    files, data = local_files(tmp_path / "attachments"), a_pdf()
    old_by, new_by = f"race-{uuid.uuid4().hex[:6]}", f"race-{uuid.uuid4().hex[:6]}"
    old = await attachments.add(pool, files, AttachmentPolicy(), project_id=None, kind=AttachmentKind.other,
                                filename="旧.pdf", data=data, by=old_by)  # fmt: skip
    await pool.execute("UPDATE attachments SET uploaded_at = $2 WHERE id = $1", old.id,
                       datetime.now(UTC) - timedelta(days=30))  # fmt: skip
    slow = paused(tmp_path / "attachments")
    adding = asyncio.create_task(attachments.add(pool, slow, AttachmentPolicy(), project_id=None,
                                                 kind=AttachmentKind.other, filename="新.pdf", data=data,
                                                 by=new_by))  # fmt: skip
    try:
        await asyncio.wait_for(slow.written.wait(), 10)
        pruning = asyncio.create_task(prune(pool, RetentionPolicy(unsent_uploads_days=7, batch=100),
                                            datetime.now(UTC), files=files))  # fmt: skip
        await asyncio.sleep(0.5)
        waited = not pruning.done()  # it waits for the upload holding the same bytes
    finally:
        slow.go_on.set()
    added = await asyncio.wait_for(adding, 10)
    await asyncio.wait_for(pruning, 30)
    assert waited
    assert await pool.fetchval("SELECT count(*) FROM attachments WHERE id = $1", old.id) == 0
    assert await files.read(added.sha256) == data  # the new upload's row points at bytes that are there
