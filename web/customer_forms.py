"""The front office's forms (issue 14): HTML fields → the use cases' bodies (shape only, as
web/forms.py does), and a duplicate registration retold as a sentence of the catalogue
(jindu/messages/*/customer.toml `web.refusal.*`); every rule stays the service's."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData

from domain.amounts import as_typed
from jindu.i18n import t
from web.errors import Problem

SPLIT_ROWS = 3
CONFIRMED = "yes"
CUSTOMER_FIELDS = ("name", "phone", "email", "company", "business_scope", "source", "grade", "notes", "owner")


def _text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    value = value.strip() if isinstance(value, str) else None
    return value or None


def _drop_none(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


def customer(form: FormData) -> dict[str, Any]:
    return _drop_none({k: _text(form, k) for k in CUSTOMER_FIELDS})


def local_time(value: str | None, tz: ZoneInfo) -> str | None:
    """A `datetime-local` field (no zone) read in the company's time zone; anything else is
    passed on as typed, for the use case to refuse by its field."""
    if value is None:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return value
    return (at if at.tzinfo else at.replace(tzinfo=tz)).isoformat()


def follow_up(form: FormData, tz: ZoneInfo) -> dict[str, Any]:
    return _drop_none({
        "way": _text(form, "way"), "content": _text(form, "content"), "next_on": _text(form, "next_on"),
        "grade": _text(form, "grade"), "happened_at": local_time(_text(form, "happened_at"), tz),
    })  # fmt: skip


def transfer(form: FormData, owner: str | None, customer_id: str) -> dict[str, Any]:
    """This one customer from its owner to the agent chosen."""
    return _drop_none({"from": owner or "", "to": _text(form, "to"), "reason": _text(form, "reason"),
                       "customer_ids": [customer_id]})  # fmt: skip


EDIT_FIELDS = ("name", "phone", "email", "company", "business_scope", "grade", "notes")
LIST_SEPARATORS = re.compile(r"[,，、;；\n]+")


def correction(form: FormData, current: Any) -> dict[str, Any]:
    """The fields of the edit form that differ from the record (a PATCH): a field emptied
    clears it (an emptied name is sent empty, for the use case to refuse at its field)."""
    body: dict[str, Any] = {}
    for name in EDIT_FIELDS:
        if name not in form:
            continue
        typed = _text(form, name)
        if typed != getattr(current, name):
            body[name] = "" if typed is None and name in ("name", "grade") else typed
    return body


def consent(form: FormData, tz: ZoneInfo) -> dict[str, Any]:
    """The scope typed as a list (comma, 、 or one a line)."""
    scope = [s.strip() for s in LIST_SEPARATORS.split(_text(form, "scope") or "") if s.strip()]
    return _drop_none({
        "recipient": _text(form, "recipient"), "scope": scope, "nda_reference": _text(form, "nda_reference"),
        "signed_at": local_time(_text(form, "signed_at"), tz), "valid_until": _text(form, "valid_until"),
    })  # fmt: skip


def share(form: FormData) -> dict[str, Any]:
    return _drop_none({"recipient": _text(form, "recipient"), "scope": _text(form, "scope"),
                       "comment": _text(form, "comment")})  # fmt: skip


def book(form: FormData) -> dict[str, Any]:
    """A departing agent's whole book: every customer `from` owns (no `customer_ids`)."""
    return _drop_none({"from": _text(form, "from"), "to": _text(form, "to"), "reason": _text(form, "reason")})


def deal(form: FormData) -> dict[str, Any]:
    split = []
    for i in range(SPLIT_ROWS):
        agent, share = _text(form, f"split.{i}.agent"), _text(form, f"split.{i}.share")
        if agent or share:
            split.append(_drop_none({"agent": agent, "share": as_typed(share)}))
    return _drop_none({
        "deal_date": _text(form, "deal_date"), "value": as_typed(_text(form, "value")),
        "commission": as_typed(_text(form, "commission")), "split": split,
    })  # fmt: skip


def unconfirmed(form: FormData, lang: str) -> Problem | None:
    """An irreversible action is sent only with its confirmation box ticked."""
    if form.get("confirm") == CONFIRMED:
        return None
    message = t("customer.web.confirm_missing", lang)
    return Problem(422, t("web.errors.code.invalid", lang), "", fields={"confirm": message})


# A duplicate registration within the department names its owner (a repeat contact goes to
# them, 004 第4篇 §2): the owner is in the service's reason, not in its keyed sentence.
_OWNED = re.compile(r"^this customer is already registered: (?P<id>\S+), the customer of (?P<owner>.+)$")
_POOLED = re.compile(r"^this customer is already registered: (?P<id>\S+), in the department's pool$")


def retold(found: Problem, lang: str) -> Problem:
    """A duplicate registration (409) told as the customer catalogue's sentence — naming the
    owner within the department, nothing across — instead of the general one; any other
    refusal as the page tells it by its key."""
    if found.key not in ("customer_registered", "customer_exists"):
        return found
    owned, pooled = _OWNED.search(found.reason), _POOLED.search(found.reason)
    if owned:
        sentence = t("customer.web.refusal.duplicate_owned", lang, **owned.groupdict())
    elif pooled:
        sentence = t("customer.web.refusal.duplicate_pooled", lang, **pooled.groupdict())
    else:
        sentence = t("customer.web.refusal.duplicate_elsewhere", lang)
    found.form_errors.insert(0, sentence)
    found.reason, found.key, found.params = "", "", {}
    return found
