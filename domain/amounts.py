"""Money as people type and read it: `2,500,000`, `250万`, `¥1.2亿` in; `250万元`, `¥12,000` out.

Pure: the web form parses what was typed here before the use case sees a decimal (the API
itself takes decimals only), and pages and messages write amounts with the same rules.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

UNITS = {"": Decimal(1), "千": Decimal(1_000), "万": Decimal(10_000), "百万": Decimal(1_000_000),
         "千万": Decimal(10_000_000), "亿": Decimal(100_000_000)}  # fmt: skip
# Full-width digits and punctuation a Chinese input method types.
_WIDE = str.maketrans("０１２３４５６７８９．，￥", "0123456789.,¥")
_AMOUNT = re.compile(r"^[¥]?\s*(?P<number>[+-]?\d[\d,]*(?:\.\d+)?|[+-]?\.\d+)\s*(?P<unit>百万|千万|千|万|亿)?\s*元?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})*(\.\d+)?$")
WAN = Decimal(10_000)


class NotAnAmount(ValueError):
    """What was typed is not an amount of money."""


def parse_amount(text: str) -> Decimal:
    """`2,500,000`, `250万`, `250 万元`, `¥1.5亿`, `２５０万` → Decimal yuan. Commas must group
    thousands (`25,00` is refused: a typo, not a number)."""
    flat = text.strip().translate(_WIDE).replace("RMB", "").replace("CNY", "").strip()
    found = _AMOUNT.match(flat)
    if not found:
        raise NotAnAmount(text)
    number = found.group("number")
    if "," in number and not _GROUPED.match(number):
        raise NotAnAmount(text)
    try:
        value = Decimal(number.replace(",", "")) * UNITS[found.group("unit") or ""]
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise NotAnAmount(text) from exc
    return value.normalize() if value == value.to_integral() else value


def as_typed(text: str | None) -> str | None:
    """A form field's amount as the API's decimal string; what is not an amount is passed on
    unchanged for the use case to refuse with its own field error."""
    if text is None:
        return None
    try:
        return format(parse_amount(text), "f")
    except NotAnAmount:
        return text


def _plain(amount: Decimal, places: int = 2) -> str:
    text = f"{amount:,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def yuan(amount: Decimal | int | str, lang: str = "zh", *, sign: bool = True) -> str:
    """How an amount reads. Chinese counts in 万 from ten thousand up: `¥250万`, `¥8,000`
    (`sign=False`, as messages write it: `250万元`, `8,000元`); English `¥2,500,000`, `¥8,000.50`."""
    value = Decimal(str(amount))
    if lang != "zh":
        return "¥" + f"{value:,.2f}".removesuffix(".00")
    if abs(value) >= WAN:
        number, unit = _plain(value / WAN), "万"
    else:
        number, unit = f"{value:,.2f}".removesuffix(".00"), ""
    return f"¥{number}{unit}" if sign else f"{number}{unit}元"
