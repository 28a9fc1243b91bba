"""A process form's values, checked against the template's fields (issue 15: typed fields,
required or not, bounded like every other input). Errors name the field: `form.amount: ...`.

Values are kept as JSON-ready text and numbers (they travel in the workflow input); the
condition language reads money and numbers as Decimal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from domain.errors import Invalid
from domain.flaws import Flaw, codes
from domain.process_template import FormField
from domain.text import COMMENT_MAX, NAME_MAX, SHORT_MAX, UNSTORABLE

MAX_MONEY = Decimal("1000000000000")
MAX_ATTACHMENTS = 10
ATTACHMENT_ID = re.compile(r"att-[0-9a-f]{16}")  # store/attachments.py's ids


class Wrong(ValueError):
    """A value's flaw: its kind (refusal.flaw.<kind>) and limit, the message in English."""

    def __init__(self, kind: str, message: str, limit: int | str = "") -> None:
        super().__init__(message)
        self.kind, self.limit = kind, str(limit)


def _text(value: Any, limit: int, one_line: bool) -> str:
    if not isinstance(value, str):
        raise Wrong("string_type", "must be text")
    text: str = value.strip()
    if len(text) > limit:
        raise Wrong("string_too_long", f"at most {limit} characters", limit)
    if UNSTORABLE.search(text) or (one_line and any(c in text for c in "\t\r\n")):
        raise Wrong("unstorable", "contains a character that cannot be stored")
    return text


def _number(value: Any, money: bool) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise Wrong("decimal_parsing", "must be a number")
    try:
        d = Decimal(str(value).strip())
        if not d.is_finite() or abs(d) > MAX_MONEY:
            raise Wrong("out_of_range", "is out of range", str(MAX_MONEY))
        if money and (d < 0 or d != d.quantize(Decimal("0.01"))):
            raise Wrong("money_format", "must be an amount of yuan, at most two decimals")
    except ArithmeticError:  # decimal's InvalidOperation and its kin
        raise Wrong("decimal_parsing", "must be a number") from None
    return str(d)


def _date(value: Any) -> str:
    text = _text(value, 10, True)
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError as err:
        raise Wrong("date_parsing", str(err)) from None


def value_of(f: FormField, value: Any) -> Any:
    """The checked value of one field (ValueError says what is wrong)."""
    match f.type:
        case "number" | "money":
            return _number(value, f.type == "money")
        case "date":
            return _date(value)
        case "choice":
            if value not in (f.options or []):
                raise Wrong("literal_error", f"must be one of {', '.join(f.options or [])}")
            return value
        case "attachment":
            items = value if isinstance(value, list) else [value]
            if len(items) > MAX_ATTACHMENTS:
                raise Wrong("too_long", f"at most {MAX_ATTACHMENTS} attachments", MAX_ATTACHMENTS)
            return [_text(v, SHORT_MAX, True) for v in items]
        case "person" | "department":
            return _text(value, NAME_MAX, True)
        case _:
            return _text(value, COMMENT_MAX, False)


def check_form(fields: Sequence[FormField], values: dict[str, Any], where: str = "form") -> dict[str, Any]:
    """The form's checked values; Invalid naming every field in error (`errors` in English
    by key, `flaws` by the field's label and the flaw's kind, domain/flaws.py)."""
    errors, flaws, out = [], [], {}
    known = {f.key for f in fields}
    for k in values:
        if k not in known:
            errors.append(f"{where}.{k}: not a field of this form")
            flaws.append(Flaw("extra_forbidden", k, detail="not a field of this form"))
    for f in fields:
        value = values.get(f.key)
        if value is None or value == "" or value == []:
            if f.required:
                errors.append(f"{where}.{f.key}: {f.label} is required")
                flaws.append(Flaw("missing", f.label, detail="is required"))
            continue
        try:
            out[f.key] = value_of(f, value)
        except ValueError as err:
            errors.append(f"{where}.{f.key}: {err}")
            wrong = err if isinstance(err, Wrong) else Wrong("invalid", str(err))
            flaws.append(Flaw(wrong.kind, f.label, wrong.limit, str(err)))
    if errors:
        raise Invalid("; ".join(errors), "form_invalid", errors=errors, flaws=codes(flaws))
    return out


def attachment_ids(fields: Sequence[FormField], values: dict[str, Any], where: str = "form") -> list[str]:
    """The uploads a checked form sends in its `attachment` fields: ids of files uploaded first
    (POST /v1/attachments), never names or bytes (Invalid naming the field otherwise)."""
    ids, errors, wrong = [], [], []
    for f in fields:
        if f.type != "attachment" or f.key not in values:
            continue
        bad = [v for v in values[f.key] if not ATTACHMENT_ID.fullmatch(v)]
        if bad:
            errors.append(f'{where}.{f.key}: "{bad[0]}" is not an uploaded file\'s id (upload it first)')
            wrong += bad
        ids += [v for v in values[f.key] if ATTACHMENT_ID.fullmatch(v)]
    if errors:
        raise Invalid("; ".join(errors), "upload_first", ids=wrong)
    return list(dict.fromkeys(ids))


def condition_values(fields: Sequence[FormField], values: dict[str, Any]) -> dict[str, Any]:
    """The form as the condition language sees it: every field named (None when empty),
    money and numbers as Decimal."""
    out: dict[str, Any] = {}
    for f in fields:
        v = values.get(f.key)
        out[f.key] = Decimal(v) if v is not None and f.type in ("number", "money") else v
    return out
