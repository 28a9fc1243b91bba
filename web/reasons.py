"""A refusal's reason as a sentence in the reader's language, by its catalogue key: the
domain error names `refusal.reason.<key>` and its parameters (domain/errors.py); codes among
them are named here (roles, stages, gates, levels, document kinds, departments), a parser's
`flaws` by place and kind (web/flaws.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jindu.i18n import has, t
from web.flaws import worded

# Which catalogue table names a parameter's codes; `department`-like ones go through the
# page's department names.
NAMED_BY = {
    "role": "web.role", "mine": "web.role", "roles": "web.role", "needs": "web.role",
    "stage": "web.stage", "wanted": "web.stage",
    "gate": "web.gate", "decision": "web.decision",
    "kind": "files.kind", "kinds": "files.kind",
}  # fmt: skip
DEPARTMENTS = ("department", "theirs", "ours")


def known(key: str) -> bool:
    """Whether both languages have the sentence (the suite checks every key in use)."""
    return bool(key) and has(f"refusal.reason.{key}", "zh") and has(f"refusal.reason.{key}", "en")


def _named(name: str, code: str, lang: str, department: Callable[[str], str]) -> str:
    if name in DEPARTMENTS:
        return department(code)
    table = NAMED_BY.get(name)
    return t(f"{table}.{code}", lang) if table and has(f"{table}.{code}", lang) else code


def sentence(key: str, params: dict[str, Any], lang: str,
             department: Callable[[str], str] = lambda code: code) -> str:  # fmt: skip
    """The reason's sentence, or "" when the catalogue has none for `key`."""
    if not key or not has(f"refusal.reason.{key}", lang):
        return ""
    words: dict[str, str] = {}
    for name, value in params.items():
        values = value if isinstance(value, list) else [value]
        if name == "flaws":  # a parser's flaws, each in the reader's words (web/flaws.py)
            words[name] = t("refusal.list", lang).join(worded(str(v), lang) for v in values)
            continue
        joined = t("refusal.or", lang) if name in ("roles", "needs") else t("refusal.and", lang)
        words[name] = joined.join(_named(name, str(v), lang, department) for v in values)
    return t(f"refusal.reason.{key}", lang, **words)
