"""A workflow notification → rendered messages, one per language of its recipients,
in their words from the catalogue (area `notify`), each linking to the item in the
workspace."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import asyncpg

from activities.channels.message import Recipient, RenderedMessage
from domain.models import Notification
from jindu.i18n import DEFAULT_LANG, has, t
from store import records
from store.contacts import Contact, contacts_by_names
from store.crypto import DataCipher

KINDS = ("assigned", "reminder", "escalation", "warning", "info")


def recipient(contact: Contact) -> Recipient:
    return Recipient(user_id=contact.user_id, name=contact.name, role=contact.role.value, mobile=contact.mobile,
                     email=contact.email, channels=contact.channels, lang=contact.lang)


def _strip_markdown(text: str) -> str:
    return text.replace("**", "").replace("> ", "")


def render(note: Notification, project: dict | None, recipients: list[Recipient], *, lang: str,
           public_url: str, tz: ZoneInfo) -> RenderedMessage:
    kind = note.kind if note.kind in KINDS else "info"
    pending_kind, gate = (project or {}).get("pending_kind"), (project or {}).get("pending_gate")
    if kind == "warning":
        action = t("notify.common.warning_action", lang)
    elif gate and has(f"web.gate.{gate}", lang):
        action = t(f"web.gate.{gate}", lang)
    elif pending_kind and has(f"web.pending.{pending_kind}", lang):
        action = t(f"web.pending.{pending_kind}", lang)
    else:
        action = t("notify.common.action_generic", lang)
    stage = (project or {}).get("stage")
    due_at = (project or {}).get("pending_due_at")
    params = {
        "project_id": note.project_id, "action": action,
        "stage": t(f"web.stage.{stage}", lang) if stage and has(f"web.stage.{stage}", lang) else "",
        "due": due_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if due_at else t("notify.common.no_due", lang),
    }
    markdown = t(f"notify.body.{kind}", lang, **params)
    subject = t(f"notify.subject.{kind}", lang, **params)
    return RenderedMessage(
        key=note.step_key, project_id=note.project_id, kind=kind, lang=lang, subject=subject, markdown=markdown,
        text=f"{subject}\n{_strip_markdown(markdown)}", link=f"{public_url.rstrip('/')}/projects/{note.project_id}",
        recipients=recipients,
    )


async def render_notification(conn: asyncpg.Connection, note: Notification, cipher: DataCipher, *,
                              public_url: str, tz: ZoneInfo) -> list[RenderedMessage]:
    """One message per language among the recipients (Chinese first)."""
    names = await records.recipients(conn, to_role=note.to_role, to_user_id=note.to_user_id,
                                     department=note.department)
    people = [recipient(c) for c in await contacts_by_names(conn, names, cipher)]
    project = await conn.fetchrow("SELECT stage, pending_kind, pending_gate, pending_due_at FROM projects WHERE id = $1",
                                  note.project_id)
    by_lang: dict[str, list[Recipient]] = {}
    for person in people:
        by_lang.setdefault(person.lang, []).append(person)
    langs = sorted(by_lang, key=lambda lang: lang != DEFAULT_LANG) or [DEFAULT_LANG]
    return [render(note, dict(project) if project else None, by_lang.get(lang, []), lang=lang,
                   public_url=public_url, tz=tz) for lang in langs]
