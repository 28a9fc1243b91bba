-- Issue 14: a revisit may be customer service's 客服 (policy revisit.assignee), held by role and
-- department like a complaint: no single assignee then.
ALTER TABLE revisits ADD COLUMN assignee_role text NOT NULL DEFAULT 'agent'
    CHECK (assignee_role IN ('agent','customer_service'));
ALTER TABLE revisits ALTER COLUMN assignee_user_id DROP NOT NULL;
CREATE INDEX revisits_open_by_role ON revisits (department) WHERE status = 'open' AND assignee_role <> 'agent';
