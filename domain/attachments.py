"""Attachments 附件 (issue 17): which documents a project may hold, how large, and what a
file is — decided from its bytes, never from its name.

Pure rules: the caller sniffs the bytes (store/attachments.py, with `puremagic`) and hands
the candidates here. What is allowed is what an agency exchanges with its customers —
photos (a phone camera's JPEG/HEIC), PDF and office documents — and nothing that runs:
no executables, scripts, HTML or SVG, no macro-enabled office formats.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from pydantic import BaseModel, Field

from domain.errors import Invalid

MB = 1024 * 1024


class AttachmentKind(StrEnum):
    """What a document is for; a customer sees only the ones put to them."""

    results = "results"  # 成果: what the customer is asked to accept
    acceptance = "acceptance"  # 验收确认书: the signed acceptance confirmation
    contract = "contract"  # 合同
    report = "report"  # 周报附件
    work_record = "work_record"  # 业务操作记录 on a key step
    complaint = "complaint"
    risk = "risk"
    other = "other"


# RULES §visibility: a customer sees the results put to them and their acceptance; the
# agency's working papers (reports, work records, risks) stay with the staff.
CUSTOMER_KINDS = frozenset({AttachmentKind.results, AttachmentKind.acceptance, AttachmentKind.contract,
                            AttachmentKind.complaint})  # fmt: skip

# content type → the extensions it is known by (a name's extension only breaks a tie
# among what the bytes could be, e.g. the OOXML formats all being ZIP files).
ALLOWED: dict[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg", ".jfif", ".jpe"),
    "image/png": (".png",),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "image/heic": (".heic", ".heif"),
    "application/pdf": (".pdf",),
    "application/msword": (".doc",),
    "application/vnd.ms-excel": (".xls",),
    "application/vnd.ms-powerpoint": (".ppt",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (".pptx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
}
BY_EXTENSION = {ext: ctype for ctype, exts in ALLOWED.items() for ext in exts}


class AttachmentPolicy(BaseModel):
    """Limits per file and per project (422 over them)."""

    max_file_bytes: int = Field(default=20 * MB, gt=0, le=1024 * MB)
    max_project_bytes: int = Field(default=500 * MB, gt=0)
    max_project_files: int = Field(default=200, gt=0)


class Refused(Invalid):
    """A file the project may not hold (422); the message says why, for the person who sent it."""


def content_type(candidates: Sequence[tuple[str, str]], filename: str) -> str:
    """The allowed content type of a file from what its bytes could be (`(extension, mime)`
    pairs, most likely first). The file's name only chooses among candidates of the bytes:
    an .exe renamed .pdf is still not a PDF."""
    ext = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    known = [(e.lower(), BY_EXTENSION.get(e.lower()) or (m if m in ALLOWED else None)) for e, m in candidates]
    named = [ctype for e, ctype in known if ctype and e == ext]
    if named:
        return named[0]
    if known and known[0][1]:
        return known[0][1]
    raise Refused("this kind of file is not accepted: photos (JPEG, PNG, HEIC), PDF and office documents only",
                  "file_kind_refused")


def size_text(n: int) -> str:
    return f"{n / MB:g} MB" if n >= MB else f"{n / 1024:g} KB"


def check_limits(policy: AttachmentPolicy, size: int, project_bytes: int, project_files: int) -> None:
    """`project_bytes`/`project_files`: what the project already holds."""
    if size == 0:
        raise Refused("the file is empty", "file_empty")
    if size > policy.max_file_bytes:
        raise Refused(f"a file may be at most {size_text(policy.max_file_bytes)}",
                      "file_too_large", size=size_text(policy.max_file_bytes))
    if project_files + 1 > policy.max_project_files:
        raise Refused(f"a project may hold at most {policy.max_project_files} files",
                      "too_many_files", count=policy.max_project_files)
    if project_bytes + size > policy.max_project_bytes:
        raise Refused(f"a project may hold at most {size_text(policy.max_project_bytes)} of files",
                      "files_too_large", size=size_text(policy.max_project_bytes))


def may_see(kind: str, is_customer: bool) -> bool:
    return not is_customer or kind in CUSTOMER_KINDS
