"""Every period parameter is bounded (domain/kpi.py PERIOD_YEARS): a year outside 2000–2100
answers 422 with the JSON error body, never 500 (`period=0001-Q1` used to)."""

from __future__ import annotations

import pytest

from domain.kpi import period_bounds
from tests.api.conftest import assert_error

ROUTES = ("/v1/appraisal", "/v1/service-kpis", "/v1/kpis")
OUT_OF_RANGE = ("0001-Q1", "0001", "0001-01", "1999-12", "2101", "9999-Q4", "9999-12")
IN_RANGE = ("2000-01", "2000-Q1", "2100", "2100-Q4", "2100-12")


@pytest.mark.parametrize("period", OUT_OF_RANGE)
def test_period_bounds_refuse_years_outside_the_range(period):
    with pytest.raises(ValueError, match="outside the years 2000–2100"):
        period_bounds(period)


async def test_every_period_parameter_is_bounded(api, users):
    who = users["executive"].headers
    for route in ROUTES:
        for period in OUT_OF_RANGE + ("2026-13", "2026-Q5", "26", "x"):
            r = await api.http.get(route, params={"period": period}, headers=who)
            assert_error(r, 422, r.json()["error"]["code"]) if r.status_code == 422 else pytest.fail(
                f"{route}?period={period}: {r.status_code} {r.text[:200]}")
        for period in IN_RANGE:
            r = await api.http.get(route, params={"period": period}, headers=who)
            assert r.status_code == 200, (route, period, r.text[:300])


async def test_a_list_cursor_with_a_far_date_is_refused_or_served_never_500(api, users):
    for cursor in ("0001-01-01T00:00:00+08:00|p", "9999-12-31T23:59:59-08:00|p", "0001-01-01T00:00:00+00:00|p"):
        r = await api.http.get("/v1/projects", params={"after": cursor}, headers=users["operations"].headers)
        assert r.status_code in (200, 422), (cursor, r.status_code, r.text[:300])
