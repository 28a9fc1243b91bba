from decimal import Decimal

import pytest

from domain.amounts import NotAnAmount, as_typed, parse_amount, yuan


@pytest.mark.parametrize(("typed", "expected"), [
    ("2,500,000", "2500000"), ("250万", "2500000"), ("250 万元", "2500000"), ("¥1.5亿", "150000000"),
    ("２５０万", "2500000"), ("12000.50", "12000.50"), ("￥８，０００", "8000"), ("0", "0"), ("3.5千", "3500"),
])  # fmt: skip
def test_amounts_as_people_type_them(typed: str, expected: str) -> None:
    assert parse_amount(typed) == Decimal(expected)


@pytest.mark.parametrize("typed", ["", "abc", "25,00", "1,2345", "万", "1e5", "2.5.0"])
def test_what_is_not_an_amount_is_refused(typed: str) -> None:
    with pytest.raises(NotAnAmount):
        parse_amount(typed)


def test_the_form_passes_a_decimal_or_what_was_typed() -> None:
    assert as_typed("250万") == "2500000"
    assert as_typed("lots") == "lots"
    assert as_typed(None) is None


@pytest.mark.parametrize(("amount", "lang", "reads"), [
    (Decimal("2500000"), "zh", "¥250万"), (Decimal("12000"), "zh", "¥1.2万"), (Decimal("8000"), "zh", "¥8,000"),
    (Decimal("12345"), "zh", "¥1.23万"), (Decimal("8000.50"), "zh", "¥8,000.50"),
    (Decimal("2500000"), "en", "¥2,500,000"), (Decimal("8000.5"), "en", "¥8,000.50"),
])  # fmt: skip
def test_amounts_as_people_read_them(amount: Decimal, lang: str, reads: str) -> None:
    assert yuan(amount, lang) == reads


def test_messages_write_yuan_after_the_number() -> None:
    assert yuan(Decimal("2500000"), "zh", sign=False) == "250万元"
    assert yuan(Decimal("8000"), "zh", sign=False) == "8,000元"

