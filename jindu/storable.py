"""Text PostgreSQL and Temporal can store: no NUL, no lone surrogates, bounded length."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def check_storable(value: str) -> str:
    if _UNSTORABLE.search(value):
        raise ValueError("text must not contain NUL characters or lone surrogates")
    return value


def storable(max_length: int, min_length: int = 0, **field: object):
    """A bounded, storable `str` type for pydantic models."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length, **field), AfterValidator(check_storable)]


MOBILE = re.compile(r"^\+?[0-9][0-9 -]{5,19}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{1,63}$")


def _contact(pattern: re.Pattern[str], what: str) -> AfterValidator:
    """A contact field: blank is none; anything else must look like `what`."""

    def check(value: str | None) -> str | None:
        if value and not pattern.match(value):
            raise ValueError(f"not {what}")
        return value or None

    return AfterValidator(check)


# A person's mobile number and e-mail address as the users page and `jindu user` take them.
Mobile = Annotated[storable(20) | None, _contact(MOBILE, "a mobile number")]
Email = Annotated[storable(254) | None, _contact(EMAIL, "an e-mail address")]
