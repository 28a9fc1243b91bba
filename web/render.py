"""Templates and what every page gets: the catalogue (`t`), local times, money, the user."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from domain.amounts import yuan
from jindu import history, wording
from jindu.i18n import LANGUAGES, has, t, translator
from web import refusals
from web.code_names import CodeNames
from web.session import LANG_COOKIE, Visitor, page_lang
from web.views import candidate_key, gate_history

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.globals["LANGUAGES"] = LANGUAGES
TEMPLATES.env.globals["gate_history"] = gate_history
TEMPLATES.env.globals["candidate_key"] = candidate_key
TEMPLATES.env.globals["history_line"] = history.line


def parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


class Formats:
    """Display helpers in the company's time zone (policy calendar, default Asia/Shanghai)."""

    def __init__(self, tz: ZoneInfo, now: datetime, lang: str = "zh") -> None:
        self.tz, self.now, self.lang = tz, now, lang

    def time(self, value: Any) -> str:
        """`2026-12-03（周四）18:00`, `Thu 2026-12-03 18:00`: the catalogue's `notify.common.when`."""
        at = parse_time(value)
        if not at:
            return ""
        local = at.astimezone(self.tz)
        return t("notify.common.when", self.lang, date=local.strftime("%Y-%m-%d"), time=local.strftime("%H:%M"),
                 weekday=t(f"notify.weekday.{local.weekday()}", self.lang))  # fmt: skip

    def overdue(self, value: Any) -> bool:
        at = parse_time(value)
        return at is not None and at < self.now

    def money(self, value: Any) -> str:
        """`¥250万`, `¥8,000` (English `¥2,500,000`): domain/amounts.py."""
        try:
            return yuan(Decimal(str(value)), self.lang) if value not in (None, "") else ""
        except InvalidOperation:
            return str(value)

    @staticmethod
    def pct(value: Any) -> str:
        return "—" if value is None else f"{float(value):.1f}%"


def timezone(request: Request) -> ZoneInfo:
    policy = request.app.state.policy
    return ZoneInfo(policy.calendar.timezone if policy else "Asia/Shanghai")


def _page_at(request: Request, offset: int) -> str:
    """This listing's link at another offset, keeping its filters (and dropping a done notice)."""
    query = {k: v for k, v in request.query_params.items() if k not in ("offset", "done") and v}
    return "?" + urlencode({**query, "offset": max(offset, 0)})


def page(request: Request, template: str, visitor: Visitor | None = None, status: int = 200,
         **context: Any) -> HTMLResponse:
    lang = visitor.lang if visitor else page_lang(request)
    names = getattr(request.app.state, "code_names", None) or CodeNames()

    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "t": translator(lang),
            "has": lambda key: has(key, lang),
            "lang": lang,
            "visitor": visitor,
            "user": visitor.user if visitor else None,
            "csrf": visitor.csrf if visitor else context.pop("csrf", ""),
            "fmt": Formats(timezone(request), datetime.now(UTC), lang),
            "path": request.url.path,
            # Departments and business types by name, not code (web/code_names.py).
            "department_name": lambda code: names.label("department", code, lang),
            "business_type_name": lambda code: names.label("business_type", code, lang),
            "choices": lambda list_name: names.choices(list_name, lang),
            "refusal": lambda problem: refusals.said(problem, lang, lambda code: names.label("department", code, lang)),
            "reasons": lambda items: wording.reasons(items or [], lang),
            "page_at": lambda offset: _page_at(request, offset),
            # Each rendered form's own id: the API's Idempotency-Key for what it sends (web/api.py).
            "submission_id": lambda: secrets.token_hex(16),
            **context,
        },
        status_code=status,
    )
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="lax",
                            secure=request.app.state.settings.secure_cookies())
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = "zh-CN" if lang == "zh" else "en"
    return response
