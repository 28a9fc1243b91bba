"""The worker's retention loop: prunes operational rows every `every_minutes` (store/retention.py)."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

import asyncpg
import structlog

from domain.retention import RetentionPolicy
from store.files import FileStore
from store.retention import prune

log = structlog.get_logger(__name__)


async def prune_forever(pool: asyncpg.Pool, policy: RetentionPolicy, stop: asyncio.Event,
                        files: FileStore | None = None) -> None:  # fmt: skip
    """Prune now and then every `policy.every_minutes` until `stop`; a failed round is retried
    next time. With `files`, unsent process-form uploads and their blobs go too."""
    while not stop.is_set():
        try:
            deleted = await prune(pool, policy, datetime.now(UTC), files=files)
            if any(deleted.values()):
                log.info("operational rows pruned", **deleted)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as err:
            log.warning("pruning failed; retrying at the next round", error=str(err))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=policy.every_minutes * 60)
