"""API errors as the pages show them: a Chinese (or English) headline by the contract's
error code, the API's own reason beneath it, and 422 field errors next to their fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from domain.flaws import Flaw
from jindu.i18n import has, t
from web.api import Answer
from web.flaws import what
from web.reasons import sentence

# pydantic error types the catalogue words (web.errors.field.<type>); others read `invalid`.
FIELD_TYPES = (
    "missing", "string_too_short", "string_too_long", "too_short", "too_long", "int_parsing", "int_type",
    "int_from_float", "float_parsing", "float_type", "decimal_parsing", "decimal_type", "decimal_max_digits",
    "decimal_max_places", "greater_than", "greater_than_equal", "less_than", "less_than_equal", "enum",
    "literal_error", "bool_parsing", "bool_type", "date_from_datetime_parsing", "date_parsing", "date_type",
    "datetime_parsing", "datetime_type", "string_pattern_mismatch", "value_error", "extra_forbidden", "list_type",
    "string_type", "json_invalid",
)
# Whole-body rules of the API models, recognised by their words (the API's message is shown too).
_MODEL_RULES = (  # (words, rule, the field it belongs to)
    (re.compile(r"needs (?P<fields>[a-z_]+(?:, [a-z_]+)*)$"), "required_fields", None),
    (re.compile(r"rating"), "rating_required", "rating"),
    (re.compile(r"carries no objections"), "no_objections", "objections"),
    (re.compile(r"objection needs"), "objection_required", "objections"),
    (re.compile(r"unique"), "unique", "milestones"),
    (re.compile(r"a rejection needs a reason"), "reject_reason", "comment"),
    (re.compile(r"(transfer|add_signer) needs the person"), "person_required", "to_user"),
    (re.compile(r"a change gives at least one field"), "change_something", None),
)
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)")


@dataclass
class Problem:
    """What a failed action shows: headline, the API's reason, field errors by field path."""

    status: int
    headline: str
    reason: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    form_errors: list[str] = field(default_factory=list)
    key: str = ""  # the reason's catalogue sentence and its parameters (web/reasons.py)
    params: dict[str, Any] = field(default_factory=dict)


def field_message(kind: str, api_message: str, lang: str) -> str:
    key = f"web.errors.field.{kind}" if kind in FIELD_TYPES else "web.errors.field.invalid"
    number = _NUMBER.search(api_message or "")
    return t(key, lang, limit=number.group(1) if number else "")


def _path(loc: str) -> str:
    parts = loc.split(".")
    return ".".join(parts[1:]) if parts and parts[0] in ("body", "query", "path") else loc


def problem(answer: Answer, lang: str) -> Problem:
    err = answer.error
    code = err.get("code") or "internal"
    key = f"web.errors.code.{code}" if has(f"web.errors.code.{code}", lang) else "web.errors.code.internal"
    found = Problem(status=answer.status, headline=t(key, lang), reason=err.get("message") or "",
                    key=answer.reason[0], params=answer.reason[1])  # fmt: skip
    for detail in err.get("details") or []:
        path, kind, msg = (
            _path(str(detail.get("field", ""))),
            str(detail.get("type", "")),
            str(detail.get("message", "")),
        )
        if path in ("", "body", "request"):
            found.form_errors.extend(_model_rule(msg, lang, found.fields))
        else:
            found.fields.setdefault(path, field_message(kind, msg, lang))
    _flawed_fields(found, lang)
    if answer.status == 422 and not err.get("details") and ":" in found.reason:
        # Invalid raised by a route: "customer.user: no customer account named …"
        path = found.reason.split(":", 1)[0].replace("[]", ".0")
        keyed = sentence(found.key, found.params, lang)
        found.fields.setdefault(path, keyed or t("web.errors.field.invalid", lang))
    return found


def _flawed_fields(found: Problem, lang: str) -> None:
    """A process form's flaws next to their fields: `errors` ("form.amount: …", by key) and
    `flaws` (by label and kind) come in the same order (domain/process_form.py)."""
    errors, flaws = found.params.get("errors"), found.params.get("flaws")
    if not (isinstance(errors, list) and isinstance(flaws, list) and len(errors) == len(flaws)):
        return
    for error, code in zip(errors, flaws, strict=True):
        flaw = Flaw.read(code)
        path = error.partition(":")[0].split(".", 1)
        if flaw is not None and len(path) == 2 and path[0] in ("form", "fields"):
            found.fields.setdefault(path[1], what(flaw, lang))


def _model_rule(message: str, lang: str, fields: dict[str, str]) -> list[str]:
    for pattern, rule, field_name in _MODEL_RULES:
        m = pattern.search(message)
        if not m:
            continue
        if rule == "required_fields":
            for name in m.group("fields").split(", "):
                fields.setdefault(name, t("web.errors.field.missing", lang))
        elif field_name:
            fields.setdefault(field_name, t(f"web.errors.rule.{rule}", lang))
        return [t(f"web.errors.rule.{rule}", lang)]
    return [t("web.errors.field.value_error", lang, limit="")]
