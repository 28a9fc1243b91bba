"""Text fields every input may carry: bounded, and storable in PostgreSQL and Temporal.

PostgreSQL `text` cannot hold NUL, UTF-8 cannot encode a lone surrogate, and control
characters have no business in a form field; each is rejected with 422 before anything
is written. Bounds are in characters. Together they keep the largest legal request of
every kind, and the largest batch of recorded steps, far under Temporal's 2 MiB payload
limit (tests/e2e/test_largest_requests.py measures it: docs/limits.md).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, TypeAlias

from pydantic import AfterValidator, StringConstraints

# C0 controls except TAB, LF and CR; DEL; C1 controls; UTF-16 surrogates.
UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# Single-line fields also refuse line breaks and tabs.
NOT_ONE_LINE = re.compile(r"[\t\n\r]")

NAME_MAX = 100  # user names, milestone names, business types
SHORT_MAX = 200  # attachments, companies, measure owners
COMMENT_MAX = 2_000  # decision comments, resolutions, objections, measures
LONG_MAX = 4_000  # plan sections, reports, summaries, analyses
REQUIREMENT_MAX = 10_000  # the consultation's requirement (kept in PostgreSQL only)


def storable(value: str) -> str:
    found = UNSTORABLE.search(value)
    if found:
        raise ValueError(f"contains the character U+{ord(found.group()):04X}, which cannot be stored")
    return value


def not_blank(value: str) -> str:
    storable(value)
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def one_line(value: str) -> str:
    storable(value)
    if NOT_ONE_LINE.search(value):
        raise ValueError("must be a single line")
    return value


def bounded(max_length: int, min_length: int = 0, *, single_line: bool = False) -> Any:
    """A bounded, storable text type: `Annotated[str, ...]` for pydantic fields."""
    check = one_line if single_line else storable
    constraints = StringConstraints(min_length=min_length, max_length=max_length, strip_whitespace=single_line)
    return Annotated[str, constraints, AfterValidator(check)]


Name: TypeAlias = Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX, strip_whitespace=True),
                            AfterValidator(one_line)]
ShortText: TypeAlias = Annotated[str, StringConstraints(min_length=1, max_length=SHORT_MAX, strip_whitespace=True),
                                 AfterValidator(one_line)]
OptionalShort: TypeAlias = Annotated[str, StringConstraints(max_length=SHORT_MAX, strip_whitespace=True),
                                     AfterValidator(one_line)]
Comment: TypeAlias = Annotated[str, StringConstraints(max_length=COMMENT_MAX), AfterValidator(storable)]
# Required texts need more than white space: a reason of "   " explains nothing.
RequiredComment: TypeAlias = Annotated[str, StringConstraints(min_length=1, max_length=COMMENT_MAX),
                                       AfterValidator(not_blank)]
LongText: TypeAlias = Annotated[str, StringConstraints(max_length=LONG_MAX), AfterValidator(storable)]
RequiredLong: TypeAlias = Annotated[str, StringConstraints(min_length=1, max_length=LONG_MAX),
                                    AfterValidator(not_blank)]
Requirement: TypeAlias = Annotated[str, StringConstraints(min_length=1, max_length=REQUIREMENT_MAX),
                                   AfterValidator(not_blank)]
