"""HTML form fields → the use cases' bodies, as JSON (web/api.py `as_body` reads them as the
API reads its requests). Only shape is translated here (empty fields left out, lines to
lists, rows to objects); every rule is the service's to check."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from domain.amounts import as_typed

MILESTONE_ROWS = 6
MEASURE_ROWS = 3


def _text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    value = value.strip() if isinstance(value, str) else None
    return value or None


def _lines(form: FormData, name: str) -> list[str]:
    return [line.strip() for line in (_text(form, name) or "").splitlines() if line.strip()]


def _checked(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str) and v]


def _bool(form: FormData, name: str) -> bool | str | None:
    value = _text(form, name)
    return {"true": True, "false": False}.get(value or "", value)


def _drop_none(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


def intake(form: FormData) -> dict[str, Any]:
    customer = _drop_none({k: _text(form, f"customer_{k}") for k in ("name", "phone", "email", "company", "user")})
    return _drop_none({
        "id": _text(form, "id"), "channel": _text(form, "channel"), "business_type": _text(form, "business_type"),
        "requirement": _text(form, "requirement"), "customer": customer,
    })


def assessment(form: FormData) -> dict[str, Any]:
    return _drop_none({
        "in_scope": _bool(form, "in_scope"), "difficulty": _text(form, "difficulty"),
        "risk_level": _text(form, "risk_level"), "expected_cycle_days": _text(form, "expected_cycle_days"),
        "budget": as_typed(_text(form, "budget")), "comment": _text(form, "comment"),
    })


def plan(form: FormData) -> dict[str, Any]:
    rows = []
    for i in range(MILESTONE_ROWS):
        name, due = _text(form, f"milestones.{i}.name"), _text(form, f"milestones.{i}.due_date")
        if name or due:
            rows.append(_drop_none({"name": name, "due_date": due}))
    return _drop_none({
        "goals": _text(form, "goals"), "responsibilities": _text(form, "responsibilities"),
        "resources": _text(form, "resources"), "milestones": rows,
    })


def decision(form: FormData) -> dict[str, Any]:
    return _drop_none({"gate": _text(form, "gate"), "decision": _text(form, "decision"),
                       "comment": _text(form, "comment")})


def report(form: FormData) -> dict[str, Any]:
    return _drop_none({
        "progress": _text(form, "progress"), "problems": _text(form, "problems"),
        "next_week_plan": _text(form, "next_week_plan"), "completed_milestones": _checked(form, "completed_milestones"),
    })


def results(form: FormData) -> dict[str, Any]:
    return _drop_none(
        {
            "summary": _text(form, "summary"),
            "completed_milestones": _checked(form, "completed_milestones"),
            "attachments": _lines(form, "attachments"),
        }
    )


def acceptance(form: FormData) -> dict[str, Any]:
    accepted = _bool(form, "accepted")
    body: dict[str, Any] = {"accepted": accepted, "rating": _text(form, "rating")}
    if accepted is not True:
        body["objections"] = _lines(form, "objections")
    return _drop_none(body)


def task(form: FormData) -> dict[str, Any]:
    return _drop_none({"resolution": _text(form, "resolution")})


def warning_analysis(form: FormData) -> dict[str, Any]:
    measures = []
    for i in range(MEASURE_ROWS):
        row = {k: _text(form, f"measures.{i}.{k}") for k in ("description", "owner", "deadline_working_days")}
        if any(row.values()):
            measures.append(_drop_none(row))
    return _drop_none({"cause": _text(form, "cause"), "analysis": _text(form, "analysis"), "measures": measures,
                       "revised_expected_cycle_days": _text(form, "revised_expected_cycle_days")})


def cancel(form: FormData) -> dict[str, Any]:
    return _drop_none({"reason": _text(form, "reason")})


def reassign(form: FormData) -> dict[str, Any]:
    return _drop_none({"target": _text(form, "target"), "to": _text(form, "to"), "reason": _text(form, "reason")})


def extend(form: FormData) -> dict[str, Any]:
    return _drop_none({"target": _text(form, "target"), "working_days": _text(form, "working_days"),
                       "reason": _text(form, "reason")})  # fmt: skip


def decide_for(form: FormData) -> dict[str, Any]:
    return _drop_none({**decision(form), "on_behalf_of": _text(form, "on_behalf_of")})


def dispose(form: FormData) -> dict[str, Any]:
    return {}


RISK_FIELDS = ("category", "description", "likelihood", "impact", "probability", "loss_amount", "response",
               "measures", "owner", "review_on")  # fmt: skip


def _amount_or_text(form: FormData, name: str) -> str | None:
    return as_typed(_text(form, name)) if name == "loss_amount" else _text(form, name)


def risk(form: FormData) -> dict[str, Any]:
    """A new risk for the register; empty fields are left for the API to name."""
    return _drop_none({name: _amount_or_text(form, name) for name in RISK_FIELDS})


def risk_change(form: FormData) -> dict[str, Any]:
    """Only what was filled in or chosen changes (an empty field or 不变 keeps the value)."""
    return _drop_none({name: _amount_or_text(form, name) for name in (*RISK_FIELDS, "status")})


def cost(form: FormData) -> dict[str, Any]:
    """A cost 成本 against the budget; empty fields are left for the API to name."""
    return _drop_none({name: _text(form, name) for name in ("amount", "description", "spent_on")})


def values(form: FormData) -> dict[str, Any]:
    """What was typed, to fill the form again after an error (never the CSRF token)."""
    out: dict[str, Any] = {}
    for key in form.keys():
        if key != "csrf":
            items = [v for v in form.getlist(key) if isinstance(v, str)]
            out[key] = items if len(items) > 1 or key == "completed_milestones" else (items[0] if items else "")
    return out
