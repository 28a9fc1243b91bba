"""A warning's reasons as recorded (`cycle_deviation_rate 290.0 > 20.0`: domain/kpi.py,
domain/satisfaction.py; `over_budget 8000.01 > 8000`: domain/costs.py) read back as parts, so
pages, messages and the Temporal UI word them as sentences in the reader's language while the
records keep the same text for every version."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

METRICS = ("completion_rate", "cycle_deviation_rate", "satisfaction_score", "over_budget")
MONEY = frozenset({"over_budget"})  # yuan to the fen (domain/costs.py), not a rate
_REASON = re.compile(r"^(?P<metric>[a-z_]+) (?P<value>-?[\d.]+) (?P<op>[<>]) (?P<threshold>-?[\d.]+)$")


@dataclass(frozen=True)
class Reason:
    metric: str
    value: str  # as people read it: `290`, `33.3`
    threshold: str


def number(text: str, places: str = "0.1") -> str:
    """`290.0` → `290`, `33.333` → `33.3`; to the fen, `8000.01` → `8000.01`."""
    value = Decimal(text).quantize(Decimal(places))
    return format(value.normalize() if value == value.to_integral() else value, "f")


def parse(reason: str) -> Reason | None:
    """The parts of a recorded reason; None for a text this module does not know."""
    found = _REASON.match(reason.strip())
    if not found or found.group("metric") not in METRICS:
        return None
    try:
        places = "0.01" if found.group("metric") in MONEY else "0.1"
        return Reason(found.group("metric"), number(found.group("value"), places),
                      number(found.group("threshold"), places))
    except InvalidOperation:
        return None
