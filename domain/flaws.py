"""What a parser found wrong, as a reader can be told it in any language (issue 17): where
(a path such as `nodes[3].approvers[0]`, or a form field's label) and what kind of flaw
(`refusal.flaw.<kind>` in the catalogue), with its limit; the parser's own English words
stay in `detail`, for the API's message and English pages.

A refusal carries its flaws as codes (`Flaw.code`: a JSON list, since a refusal's parameters
are text), read back by the page that words them (web/reasons.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# pydantic's error types that keep their own name as a flaw's kind; others read `invalid`.
PYDANTIC_KINDS = frozenset({
    "missing", "extra_forbidden", "string_too_short", "string_too_long", "too_short", "too_long",
    "string_pattern_mismatch", "literal_error", "enum", "union_tag_invalid", "union_tag_not_found",
    "int_parsing", "int_type", "int_from_float", "float_parsing", "float_type", "decimal_parsing",
    "greater_than", "greater_than_equal", "less_than", "less_than_equal", "bool_type", "bool_parsing",
    "string_type", "list_type", "dict_type", "model_type", "model_attributes_type", "date_parsing",
    "date_type", "date_from_datetime_parsing",
})  # fmt: skip
# Which of pydantic's context values is the limit a sentence names.
LIMIT_OF = ("max_length", "min_length", "gt", "ge", "lt", "le")


@dataclass(frozen=True)
class Flaw:
    kind: str  # refusal.flaw.<kind>
    at: str  # a path in the parsed data, or a form field's label
    limit: str = ""
    detail: str = ""  # the parser's English words

    def code(self) -> str:
        return json.dumps([self.kind, self.at, self.limit, self.detail], ensure_ascii=False)

    @staticmethod
    def read(code: str) -> Flaw | None:
        """A flaw from its code, or None for anything else."""
        try:
            kind, at, limit, detail = json.loads(code)
        except (ValueError, TypeError):
            return None
        return Flaw(str(kind), str(at), str(limit), str(detail))


def of_pydantic(error: Any, path: str, detail: str, own: frozenset[str] = frozenset()) -> Flaw:
    """One of pydantic's errors (`ValidationError.errors()`) as a flaw at `path`; `own` are
    the parser's own kinds (raised as `PydanticCustomError(kind, ...)`)."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    limit = next((str(ctx[name]) for name in LIMIT_OF if name in ctx), "")
    return Flaw(kind if kind in PYDANTIC_KINDS or kind in own else "invalid", path, limit, detail)


def codes(flaws: list[Flaw]) -> list[str]:
    return [f.code() for f in flaws]
