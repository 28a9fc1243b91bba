"""A queued notification (an outbox row: a catalogue key and its parameters) as the message
a person reads: Simplified Chinese by default, times in the company's time zone, with a link
that opens the item in the workspace."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from activities.channels import Recipient, RenderedMessage
from jindu.i18n import has, t


def params_in(lang: str, params: dict[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key.endswith("_at") and isinstance(value, str):
            value = datetime.fromisoformat(value).astimezone(tz).strftime("%Y-%m-%d %H:%M")
        elif key in ("gate", "what", "source") and value and has(f"notify.{key}.{value}", lang):
            value = t(f"notify.{key}.{value}", lang)
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


def render(
    row: dict[str, Any], lang: str, people: list[Recipient], *, tz: ZoneInfo, public_url: str
) -> RenderedMessage:
    link = link_of(row, public_url)
    params = {"project_id": row.get("project_id") or "", **params_in(lang, row["params"] or {}, tz), "link": link}
    key = row["key"]
    subject = t(f"{key}.subject", lang, **params)
    text = t(f"{key}.text", lang, **params)
    footer = t("notify.footer.link", lang, link=link)
    return RenderedMessage(key=row["id"], project_id=row.get("project_id"), kind=row["kind"], lang=lang,
                           subject=subject, markdown=f"**{subject}**\n\n{text}\n\n[{footer}]({link})",
                           text=f"{subject}\n{text}\n{footer}", link=link, recipients=people)  # fmt: skip
