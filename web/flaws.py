"""A parser's flaws (domain/flaws.py) as a reader is told them: in Chinese the place and the
kind from the catalogue (第 1 个节点的审批人：不是已知的角色); in English the parser's own
words (`nodes[0].approvers: unknown role "hr"`), which only English pages show."""

from __future__ import annotations

import re

from domain.flaws import Flaw
from jindu.i18n import has, t

PATH = re.compile(r"[a-z_]+(?:\[\d+\])*(?:\.[a-z_]+(?:\[\d+\])*)*")
STEP = re.compile(r"([a-z_]+)((?:\[\d+\])*)")


def where(at: str, lang: str) -> str:
    """A path in the parsed data in the reader's words; anything else (a form field's label)
    as it is."""
    if not at or not PATH.fullmatch(at):
        return at
    parts = []
    for name, indexes in STEP.findall(at):
        named = t(f"refusal.part.{name}", lang) if has(f"refusal.part.{name}", lang) else t("refusal.part.other", lang)
        for index in re.findall(r"\d+", indexes):
            named = t("refusal.nth", lang, name=named, n=int(index) + 1)
        parts.append(named)
    return t("refusal.of", lang).join(parts)


def what(flaw: Flaw, lang: str) -> str:
    key = f"refusal.flaw.{flaw.kind}" if has(f"refusal.flaw.{flaw.kind}", lang) else "refusal.flaw.invalid"
    return t(key, lang, limit=flaw.limit)


def worded(code: str, lang: str) -> str:
    """One flaw's sentence; a parameter that is no flaw's code is shown as given."""
    flaw = Flaw.read(code)
    if flaw is None:
        return code
    if lang == "en" and flaw.detail:  # the parser's own words, English only
        return f"{flaw.at}: {flaw.detail}" if flaw.at else flaw.detail
    place = where(flaw.at, lang)
    return t("refusal.flaw_at", lang, where=place, what=what(flaw, lang)) if place else what(flaw, lang)


def sentences(codes: list[str], lang: str) -> list[str]:
    return [worded(c, lang) for c in codes]
