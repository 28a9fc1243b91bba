"""The dashboard's flow figures are kept a minute per process and database (issue 17): at
100,000 projects the four statements take ~1 s, so a page view after the first reads them
from memory; a figure older than the TTL is computed again, and an explicit `now` always is."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from jindu.services import flow
from jindu.services.office import Office
from store.users import create_user


async def test_each_figure_is_kept_for_the_ttl_then_computed_again(pool):
    ops, _ = await create_user(pool, name=f"ops-{uuid.uuid4().hex[:6]}", role="operations")
    office = Office(pool=pool, client=None, cipher=None, tz=ZoneInfo("Asia/Shanghai"), timeout=5)  # type: ignore[arg-type]
    clock = [1000.0]
    flow._CACHES[id(pool)] = (pool, flow.FigureCache(clock=lambda: clock[0]))
    try:
        first = await flow.flow(office, ops)
        started = time.monotonic()
        kept = await flow.flow(office, ops)
        assert time.monotonic() - started < 0.1
        assert kept.funnel[0] is first.funnel[0] and kept.weeks[-1] is first.weeks[-1]  # from memory
        clock[0] += flow.TTL - 1
        assert (await flow.flow(office, ops)).weeks[-1] is first.weeks[-1]
        clock[0] += 2  # older than the TTL: asked again
        fresh = await flow.flow(office, ops)
        assert fresh.funnel[0] is not first.funnel[0] and fresh.funnel == first.funnel
        asked = await flow.flow(office, ops, now=datetime.now(UTC))  # an explicit now: computed
        assert asked.funnel[0] is not fresh.funnel[0]
        assert flow.cache_of(pool) is flow._CACHES[id(pool)][1]
    finally:
        flow._CACHES.pop(id(pool), None)
