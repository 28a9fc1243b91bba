-- A month's KPI rollup counts key nodes due by the day it was computed on: it answers for
-- that day until `stable_until`, never for an earlier day (a server whose clock is behind,
-- a report asked for an earlier day). Rollups computed before this migration are computed again.
ALTER TABLE rollup_months ADD COLUMN computed_on date NOT NULL DEFAULT 'infinity';
