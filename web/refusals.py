"""What a page says under a refusal's headline: the domain's reason by its catalogue key
(web/reasons.py); else the API's English reason recognised by its words and retold in the
reader's language (roles, gates and departments by name), a 422's field errors as
"预算：请填写数字". A reason it does not recognise is shown as the API gave it (every domain
refusal has a key: tests/web/test_reasons.py); the headline is always the catalogue's."""

from __future__ import annotations

import re
from collections.abc import Callable

from jindu.i18n import has, t
from web.errors import Problem
from web.reasons import sentence

ROLES = r"[a-z_]+(?: or [a-z_]+)*"
_RULES = (
    ("role_only", re.compile(rf"^only (?P<roles>{ROLES}) may (?P<action>.+?), not an? (?P<role>[a-z_]+)$")),
    ("gate_role", re.compile(r"^the (?P<gate>[a-z_]+) gate awaits the (?P<role>[a-z_]+), not the (?P<mine>[a-z_]+)$")),
    ("heads", re.compile(r"^(?P<who>.+?) heads (?P<mine>\S+), not (?P<theirs>\S+)$")),
    ("cannot", re.compile(r"^an? (?P<role>[a-z_]+) cannot .+$")),
    ("assigned", re.compile(r"(?:assigned to|belongs to(?: agent)?) (?P<who>.+)$")),
    ("works_in", re.compile(r"^'(?P<who>[^']+)' works in (?P<mine>\S+), not in the project's department "
                            r"(?P<theirs>\S+)$")),
    ("deactivated", re.compile(r"^'(?P<who>[^']+)' is deactivated")),
    ("no_such", re.compile(r"^no (?:active )?[a-z_ ]*?(?:named |account named |user )?'(?P<who>[^']+)'")),
)


def _role(code: str, lang: str) -> str:
    return t(f"web.role.{code}", lang) if has(f"web.role.{code}", lang) else code


def said(problem: Problem | None, lang: str, department: Callable[[str], str] = lambda code: code) -> str:
    if problem is None:
        return ""
    path, _, rest = problem.reason.partition(": ")
    keyed = sentence(problem.key, problem.params, lang, department)
    if keyed:  # the domain's own reason, by its catalogue key
        named = problem.status == 422 and path in problem.fields and has(f"refusal.field_name.{path}", lang)
        return t("refusal.field", lang, name=_field_name(path, lang), message=keyed) if named else keyed
    if problem.status == 422 and problem.fields and path in problem.fields and rest:
        retold = _retold(rest.strip(), lang, department)  # a route's own check: "to: no staff member named …"
        return t("refusal.field", lang, name=_field_name(path, lang), message=retold) if retold else problem.reason
    if problem.status == 422 and problem.fields:
        named = [t("refusal.field", lang, name=_field_name(path, lang), message=message)
                 for path, message in problem.fields.items()]  # fmt: skip
        return t("refusal.list", lang).join(named)
    return _retold(problem.reason.strip(), lang, department) or problem.reason


def _field_name(path: str, lang: str) -> str:
    return t(f"refusal.field_name.{path}", lang) if has(f"refusal.field_name.{path}", lang) else \
        t("refusal.field_name.other", lang)


def _retold(reason: str, lang: str, department: Callable[[str], str]) -> str:
    for rule, pattern in _RULES:
        found = pattern.search(reason)
        if not found:
            continue
        parts = found.groupdict()
        if "roles" in parts:
            parts["roles"] = t("refusal.or", lang).join(_role(r, lang) for r in parts["roles"].split(" or "))
        for name in ("role", "mine") if rule not in ("heads", "works_in") else ():
            if name in parts:
                parts[name] = _role(parts[name], lang)
        if rule in ("heads", "works_in"):
            parts.update(mine=department(parts["mine"]), theirs=department(parts["theirs"]))
        if rule == "gate_role":
            parts["gate"] = t(f"web.gate.{parts['gate']}", lang) if has(f"web.gate.{parts['gate']}", lang) \
                else parts["gate"]
        return t(f"refusal.{rule}", lang, **parts)
    return ""
