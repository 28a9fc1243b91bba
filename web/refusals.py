"""What a page says under a refusal's headline: the domain's reason by its catalogue key
(web/reasons.py; every domain refusal has one, tests/web/test_reasons.py), a 422's field
errors as "预算：请填写数字". A reason without a key (the workspace's own, already in the
reader's language) is shown as given; the headline is always the catalogue's."""

from __future__ import annotations

from collections.abc import Callable

from jindu.i18n import has, t
from web.errors import Problem
from web.reasons import sentence


def said(problem: Problem | None, lang: str, department: Callable[[str], str] = lambda code: code) -> str:
    if problem is None:
        return ""
    keyed = sentence(problem.key, problem.params, lang, department)
    path = problem.reason.partition(": ")[0]
    if keyed:  # the domain's own reason, by its catalogue key; a field's named before it
        named = problem.status == 422 and path in problem.fields and has(f"refusal.field_name.{path}", lang)
        return t("refusal.field", lang, name=_field_name(path, lang), message=keyed) if named else keyed
    if problem.status == 422 and problem.fields:
        named_all = [t("refusal.field", lang, name=_field_name(path, lang), message=message)
                     for path, message in problem.fields.items()]  # fmt: skip
        return t("refusal.list", lang).join(named_all)
    return problem.reason


def _field_name(path: str, lang: str) -> str:
    return t(f"refusal.field_name.{path}", lang) if has(f"refusal.field_name.{path}", lang) else \
        t("refusal.field_name.other", lang)
