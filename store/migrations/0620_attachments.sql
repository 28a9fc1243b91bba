-- Attachments 附件 (issue 17): documents and photos of a project — results, the signed
-- acceptance confirmation 验收确认书, contracts, work records. The bytes live outside the
-- database and outside Temporal (store/files.py), addressed by their SHA-256; a row says
-- whose they are. Workflow inputs and histories only ever carry the row's id.
CREATE TABLE attachments (
    id            text PRIMARY KEY,
    project_id    text NOT NULL REFERENCES projects(id),
    kind          text NOT NULL,
    name          text NOT NULL,
    size          bigint NOT NULL CHECK (size >= 0),
    sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content_type  text NOT NULL,
    uploaded_by   text NOT NULL,
    uploaded_at   timestamptz NOT NULL DEFAULT now(),
    disposed_at   timestamptz                            -- with the customer's data: no longer served
);
CREATE INDEX attachments_project ON attachments (project_id, uploaded_at, id);
CREATE INDEX attachments_sha256 ON attachments (sha256);

-- The project customer's phone, found by the keyed HMAC blind index (store.customer_master.blind)
-- for the archive search; written at intake, cleared at disposal.
ALTER TABLE customers ADD COLUMN phone_index bytea;
CREATE INDEX customers_phone_index ON customers (phone_index) WHERE phone_index IS NOT NULL;
