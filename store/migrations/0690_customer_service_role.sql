-- Issue 14: the customer service role 客服 (complaints go to them first, revisits on a schedule).
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('agent','dept_head','executive','customer','operations','auditor','customer_service'));
