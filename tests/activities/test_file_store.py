"""The attachment store (store/files.py): blobs by content hash on the filesystem, and the
same code path configured for S3-compatible storage (built, not reached: no S3 server is
run offline)."""

from __future__ import annotations

import hashlib

from obstore.store import S3Store

from store.files import blob_path, file_store, local_files


async def test_a_blob_is_written_once_by_its_hash_streamed_and_deleted(tmp_path):
    files = local_files(tmp_path / "attachments")
    data = "验收确认书".encode() * 200_000  # ~3 MB: streamed in chunks
    digest = hashlib.sha256(data).hexdigest()
    await files.put(digest, data)
    await files.put(digest, data)  # the same bytes again: nothing to do
    assert (tmp_path / "attachments" / blob_path(digest)).read_bytes() == data
    chunks = [c async for c in files.stream(digest)]
    assert len(chunks) > 1 and b"".join(chunks) == data
    assert await files.read(digest) == data and await files.exists(digest)
    await files.delete(digest)
    await files.delete(digest)  # already gone: still fine
    assert not await files.exists(digest)


def test_the_settings_choose_the_store(tmp_path):
    assert file_store(tmp_path).where == str((tmp_path / "attachments").resolve())
    assert not (tmp_path / "attachments").exists()  # made by the first document, not by every request
    assert file_store(tmp_path, f"file://{tmp_path}/elsewhere").where == f"{tmp_path}/elsewhere"
    s3 = file_store(tmp_path, "s3://jindu-docs/prod", "http://127.0.0.1:9000")
    assert isinstance(s3.store, S3Store) and s3.where == "s3://jindu-docs/prod"
    assert s3.store.prefix == "prod"
