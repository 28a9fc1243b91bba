"""Recorded values as sentences from the catalogue: a warning's reasons
(`cycle_deviation_rate 290.0 > 20.0` → `周期偏差率 290% 超过阈值 20%`), for pages, messages
and the Temporal UI's details alike; an SLA's length (`2 个工作小时`)."""

from __future__ import annotations

from collections.abc import Iterable

from domain.sla import Duration
from domain.warning_reasons import parse
from jindu.i18n import t


def reason(text: str, lang: str = "zh") -> str:
    """One reason in words; a text it does not know is shown as recorded."""
    parts = parse(text)
    if parts is None:
        return text
    return t(f"notify.reason.{parts.metric}", lang, value=parts.value, threshold=parts.threshold)


def reasons(texts: Iterable[str], lang: str = "zh") -> str:
    return ("；" if lang == "zh" else "; ").join(reason(text, lang) for text in texts)


def duration(sla: Duration, lang: str = "zh") -> str:
    """An SLA's length in the unit the policy writes it in (`30 分钟`, `2 个工作小时`,
    `1 working day`), read in the order domain/sla.py `due_at` reads it."""
    if sla.working_hours is not None:
        unit, n = "working_hours", sla.working_hours
    elif sla.minutes is not None:
        unit, n = "minutes", sla.minutes
    else:
        unit, n = "working_days", sla.working_days or 0
    return t(f"customer.web.within.{unit}{'_one' if n == 1 else ''}", lang, n=n)
