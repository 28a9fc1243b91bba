"""Recorded values as sentences from the catalogue: a warning's reasons
(`cycle_deviation_rate 290.0 > 20.0` → `周期偏差率 290% 超过阈值 20%`), for pages, messages
and the Temporal UI's details alike."""

from __future__ import annotations

from collections.abc import Iterable

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
