"""Complaint, revisit and suggestion forms → the use cases' bodies, as JSON (shape only,
like web/forms.py: every rule is the service's to check)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from web.forms import _bool, _drop_none, _lines, _text


def complaint(form: FormData) -> dict[str, Any]:
    contact = _drop_none({k: _text(form, f"contact_{k}") for k in ("name", "phone", "email")})
    return _drop_none({"content": _text(form, "content"), "channel": _text(form, "channel"),
                       "project_id": _text(form, "project_id"), "contact": contact or None})  # fmt: skip


def reply(form: FormData) -> dict[str, Any]:
    return _drop_none({"reply": _text(form, "reply"), "resolved": _bool(form, "resolved"),
                       "unresolved_reason": _text(form, "unresolved_reason"),
                       "rectification": _lines(form, "rectification")})  # fmt: skip


def confirmation(form: FormData) -> dict[str, Any]:
    return _drop_none({"satisfied": _bool(form, "satisfied"), "rating": _text(form, "rating"),
                       "comment": _text(form, "comment"), "suggestions": _lines(form, "suggestions")})  # fmt: skip


def revisit(form: FormData) -> dict[str, Any]:
    return _drop_none({"rating": _text(form, "rating"), "comments": _text(form, "comments"),
                       "suggestions": _lines(form, "suggestions")})  # fmt: skip


def decision(form: FormData) -> dict[str, Any]:
    return _drop_none({"adopted": _bool(form, "adopted"), "comment": _text(form, "comment")})


# complaint action in the page URL → body builder
COMPLAINT_ACTIONS = {"reply": reply, "confirmation": confirmation}
