"""A queued notification (an outbox row: a catalogue key and its parameters) as the message
a person reads: Simplified Chinese by default, times in the company's time zone with the
weekday, the item named and, for a message that asks someone to act, what the decision needs
(for an approval: gate, requirement, budget, risk, agent, due) from the one catalogue."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from activities.channels import Recipient, RenderedMessage
from domain.amounts import yuan
from jindu.i18n import has, t
from jindu.process_words import node_label
from jindu.wording import reasons

# Keys whose message asks for an approval decision: they carry approve / reject buttons.
APPROVAL_KEYS = frozenset({"notify.assigned.approval"})
PROCESS_DECISION_KEYS = frozenset({"process.assigned.approval"})
# A step handed to someone new (转交): buttons too when the step is an approval.
PROCESS_HANDOVER_KEYS = frozenset({"process.transferred"})
FORM_FACTS = 8
MONEY_KEYS = frozenset({"expected_loss", "loss_amount", "budget", "total"})  # `total`: of costs
REQUIREMENT_CHARS = 120
# Contacts a customer may have typed into a requirement: never posted to a group.
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@([\w-]+\.[\w.-]+)")


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def when(value: str | datetime, lang: str, tz: ZoneInfo) -> str:
    """A time as people read it: `2026-03-05（周四）17:00`, `Thu 2026-03-05 17:00`."""
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = at.astimezone(tz)
    return t("notify.common.when", lang, date=local.strftime("%Y-%m-%d"), time=local.strftime("%H:%M"),
             weekday=t(f"notify.weekday.{local.weekday()}", lang))  # fmt: skip


def money(value: Any, lang: str) -> str:
    """Yuan as people write it: `250万元`, `8,000元`; `¥2,500,000` in English."""
    try:
        return yuan(Decimal(str(value)), lang, sign=False)
    except InvalidOperation:
        return str(value)


def params_in(lang: str, params: dict[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key.endswith("_at") and isinstance(value, str):
            value = when(value, lang, tz)
        elif key in ("gate", "what", "source", "level") and value and has(f"notify.{key}.{value}", lang):
            value = t(f"notify.{key}.{value}", lang)
        elif key in MONEY_KEYS:
            value = money(value, lang) if value not in (None, "") else t("notify.common.not_given", lang)
        elif key == "reasons" and isinstance(value, list):
            value = reasons(value, lang)
        elif isinstance(value, list):
            value = "；".join(map(str, value)) if lang == "zh" else "; ".join(map(str, value))
        out[key] = "" if value is None else value
    return out


def link_of(row: dict[str, Any], public_url: str) -> str:
    base = public_url.rstrip("/")
    if row.get("path"):
        return base + row["path"]
    if row.get("project_id"):
        return f"{base}/projects/{row['project_id']}"
    return base + "/"


def for_group(text: str) -> str:
    """A requirement as a group may read it: mobiles and e-mail addresses masked."""
    return EMAIL.sub(r"***@\1", MOBILE.sub(r"\1****\2", text))


def excerpt(text: str, limit: int = REQUIREMENT_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def facts(row: dict[str, Any], brief: dict[str, Any] | None, lang: str, tz: ZoneInfo,
          with_due: bool = False) -> list[tuple[str, str]]:  # fmt: skip
    """What the addressee needs to decide, as (label, value): the item, and for an approval its
    gate, budget, risk and agent; staff only. A message's own text says when it is due."""
    params = row["params"] or {}
    out: list[tuple[str, str]] = []

    def add(name: str, value: Any) -> None:
        if value not in (None, ""):
            out.append((t(f"notify.fact.{name}", lang), str(value)))

    staff = row.get("to_role") != "customer"
    if brief and staff and "process_id" in brief:
        out.extend(process_facts(row, brief, lang))
    elif brief and staff:
        add("project", brief.get("id"))
        if row["key"] in APPROVAL_KEYS and params.get("gate"):
            add("gate", t(f"notify.gate.{params['gate']}", lang))
        add("requirement", for_group(excerpt(brief.get("requirement") or "")))
        if row["key"] in APPROVAL_KEYS:
            if brief.get("budget") not in (None, ""):
                add("budget", money(brief["budget"], lang))
            if brief.get("risk_level"):
                add("risk", t(f"notify.level.{brief['risk_level']}", lang))
        add("agent", brief.get("agent_name"))
    if with_due and params.get("due_at"):
        add("due", when(params["due_at"], lang, tz))
    return out


def process_facts(row: dict[str, Any], brief: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """A process's template, applicant and node, then its form as the template labels it (the
    first FORM_FACTS answered fields; attachments counted, long texts cut)."""
    out = [(t(f"notify.fact.{name}", lang), str(value)) for name, value in (
        ("process", " · ".join(v for v in (brief.get("template_name"), brief["process_id"]) if v)),
        ("applicant", " · ".join(v for v in (brief.get("applicant_name"), brief.get("department")) if v)),
        ("node", node_label(brief.get("nodes") or [], (row["params"] or {}).get("node"), lang)
         or (row["params"] or {}).get("name"))) if value]  # fmt: skip
    form = brief.get("form") or {}
    for field in [f for f in brief.get("fields") or [] if form.get(f.get("key")) not in (None, "", [])][:FORM_FACTS]:
        value = form[field["key"]]
        if field.get("type") == "money":
            value = money(value, lang)
        elif isinstance(value, list):
            value = t("notify.fact.files", lang, n=len(value)) if field.get("type") == "attachment" else "、".join(
                map(str, value))  # fmt: skip
        out.append((str(field.get("label") or field["key"]), for_group(excerpt(str(value)))))
    return out


def render(row: dict[str, Any], lang: str, people: list[Recipient], *, tz: ZoneInfo, public_url: str,
           brief: dict[str, Any] | None = None) -> RenderedMessage:  # fmt: skip
    link = link_of(row, public_url)
    params = {"project_id": row.get("project_id") or "", **params_in(lang, row["params"] or {}, tz), "link": link}
    if brief and "process_id" in brief and params.get("node"):  # a process's node by its name, never its id
        params["node"] = params["name"] = node_label(brief.get("nodes") or [], str(params["node"]), lang)
    key = row["key"]
    # A parameter the notice lacks reads empty: a message with a gap beats no message at all.
    subject = t(f"{key}.subject", lang).format_map(_Lenient(params))
    text = t(f"{key}.text", lang).format_map(_Lenient(params))
    listed = facts(row, brief, lang, tz)
    colon = "：" if lang == "zh" else ": "
    markdown = f"**{subject}**\n\n{text}" + "".join(f"\n\n**{label}**{colon}{value}" for label, value in listed)
    plain = f"{text}" + "".join(f"\n{label}{colon}{value}" for label, value in listed)
    return RenderedMessage(key=row["id"], project_id=row.get("project_id"), kind=row["kind"], lang=lang,
                           subject=subject, markdown=markdown, text=plain, link=link, recipients=people,
                           facts=listed)  # fmt: skip
