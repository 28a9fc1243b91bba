-- Attachments on a consent (issue 14; 001 客户信息管理 §3): the signed consent and NDA scans.
-- A person's own upload (POST /v1/attachments) is bound to the consent it is sent with, as a
-- process form's file is bound to its process: from then on it is the consent's, read by
-- whoever may see the customer, and no longer an unsent upload that retention prunes.
ALTER TABLE attachments ADD COLUMN consent_id text REFERENCES customer_consents(id);
ALTER TABLE attachments DROP CONSTRAINT attachments_one_owner;
ALTER TABLE attachments ADD CONSTRAINT attachments_one_owner CHECK (num_nonnulls(project_id, process_id, consent_id) <= 1);
CREATE INDEX attachments_consent ON attachments (consent_id) WHERE consent_id IS NOT NULL;

-- The ids sent with the consent, in their order (the single unchecked `attachment_id` of
-- migration 0640 is kept as it was written).
ALTER TABLE customer_consents ADD COLUMN attachment_ids text[] NOT NULL DEFAULT '{}';
