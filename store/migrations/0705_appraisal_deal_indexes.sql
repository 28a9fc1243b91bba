-- Issue 14: the appraisal reads confirmed deals, follow-ups and pool returns by period for
-- every department at once (store/appraisal_deals.py); without these each was a scan.
CREATE INDEX deals_confirmed_date ON deals (deal_date) WHERE confirmed_at IS NOT NULL;
CREATE INDEX customer_follow_ups_happened ON customer_follow_ups (happened_at);
CREATE INDEX customer_changes_pooled ON customer_changes (at) WHERE kind = 'pooled';
