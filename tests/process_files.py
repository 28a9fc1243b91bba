"""Files for process forms in tests (issue 15): the stack's file store swapped for a temporary
directory, and a member of staff's upload through `POST /v1/attachments` answering its id."""

from __future__ import annotations

import uuid

import pytest_asyncio

from store.files import local_files
from tests.api.test_attachments import PDF


@pytest_asyncio.fixture(loop_scope="session")
async def process_files(stack, tmp_path):  # type: ignore[no-untyped-def]
    before = stack.app.state.files
    stack.app.state.files = local_files(tmp_path)
    yield tmp_path
    stack.app.state.files = before


def a_pdf() -> bytes:
    """A small PDF of its own bytes (an upload is one per content)."""
    return PDF + f"% {uuid.uuid4().hex}\n".encode()


async def upload(stack, who, name: str = "发票.pdf", data: bytes | None = None, status: int = 201) -> str:  # type: ignore[no-untyped-def]
    r = await stack.http.post("/v1/attachments", headers=who.headers,
                              files={"file": (name, data or a_pdf(), "application/octet-stream")})  # fmt: skip
    assert r.status_code == status, r.text
    return str(r.json().get("id", ""))
