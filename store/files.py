"""Where attachments' bytes live: by content hash, outside PostgreSQL and outside Temporal.

Through `obstore` (object_store, maintained by the Apache Arrow project) so that one code
path serves both places: the filesystem under the data dir by default
(`<JINDU_DATA_DIR>/attachments/ab/abcdef…`), or S3-compatible object storage when
JINDU_ATTACHMENTS_URL is `s3://bucket/prefix` (credentials and region from the usual
AWS_* variables; JINDU_ATTACHMENTS_ENDPOINT for MinIO, OSS, COS …).

A blob is written once under its SHA-256, so the same photo uploaded twice is stored once;
whether it may still be kept is the attachments table's business (store/attachments.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import obstore
from obstore.exceptions import AlreadyExistsError, NotFoundError
from obstore.store import LocalStore, from_url

CHUNK = 256 * 1024


def blob_path(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256}"


@dataclass(frozen=True)
class FileStore:
    """Made on the first file it is asked for: a replica that never touches a document
    needs no writable data dir and no bucket."""

    make: Callable[[], Any]  # the obstore store
    where: str  # for logs and `jindu` output, never a secret

    @cached_property
    def store(self) -> Any:
        return self.make()

    async def put(self, sha256: str, data: bytes) -> None:
        try:
            await obstore.put_async(self.store, blob_path(sha256), data, mode="create")
        except AlreadyExistsError:
            pass  # the same bytes are there already

    async def read(self, sha256: str) -> bytes:
        result = await obstore.get_async(self.store, blob_path(sha256))
        return bytes(await result.bytes_async())

    async def stream(self, sha256: str) -> AsyncIterator[bytes]:
        """The blob in chunks, for a download that does not hold the whole file in memory."""
        result = await obstore.get_async(self.store, blob_path(sha256))
        async for chunk in result.stream(min_chunk_size=CHUNK):
            yield bytes(chunk)

    async def exists(self, sha256: str) -> bool:
        try:
            await obstore.head_async(self.store, blob_path(sha256))
        except (NotFoundError, FileNotFoundError):
            return False
        return True

    async def delete(self, sha256: str) -> None:
        try:
            await obstore.delete_async(self.store, blob_path(sha256))
        except (NotFoundError, FileNotFoundError):
            pass


def local_files(root: Path) -> FileStore:
    def make() -> LocalStore:
        root.mkdir(parents=True, exist_ok=True)
        return LocalStore(root)

    return FileStore(make, str(root))


@lru_cache(maxsize=16)
def file_store(data_dir: Path, url: str | None = None, endpoint: str | None = None) -> FileStore:
    """The attachments' store from the settings: `url` unset is the data dir's filesystem."""
    if not url:
        return local_files(data_dir.expanduser().resolve() / "attachments")
    if url.startswith("file://"):
        return local_files(Path(url.removeprefix("file://")))
    config = {"aws_endpoint": endpoint} if endpoint else {}
    plain_http = bool(endpoint and endpoint.startswith("http://"))  # a MinIO on the same host
    return FileStore(lambda: from_url(url, config=config, client_options={"allow_http": plain_http}), url)


def files_of(settings: Any) -> FileStore:
    """The store named by a `jindu.settings.Settings`."""
    return file_store(settings.data_dir, getattr(settings, "attachments_url", None),
                      getattr(settings, "attachments_endpoint", None))  # fmt: skip
