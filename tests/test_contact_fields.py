"""A person's mobile number and e-mail address are checked once (jindu/storable.py `Mobile`,
`Email`) for both ways staff are written down: a new user and a user's contacts."""

import pytest
from pydantic import ValidationError

from jindu.services.staffing import NewUserIn
from jindu.services.users import ContactIn


def new_user(**contact: str) -> NewUserIn:
    return NewUserIn(name="王芳", role="agent", department="d1", **contact)


@pytest.mark.parametrize("make", [ContactIn, new_user])
def test_blank_contacts_are_none_and_good_ones_are_kept(make) -> None:
    assert make(mobile="", email="").mobile is None
    kept = make(mobile="+86 138-1234-5678", email="wang@example.com")
    assert (kept.mobile, kept.email) == ("+86 138-1234-5678", "wang@example.com")


@pytest.mark.parametrize("make", [ContactIn, new_user])
@pytest.mark.parametrize(("field", "value", "message"), [
    ("mobile", "call me", "not a mobile number"),
    ("mobile", "1" * 21, "at most 20 characters"),
    ("email", "nope", "not an e-mail address"),
    ("email", "a\x00@example.com", "NUL"),
])  # fmt: skip
def test_bad_contacts_are_refused_alike(make, field: str, value: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        make(**{field: value})
    (error,) = refused.value.errors()
    assert error["loc"] == (field,) and message in error["msg"]
