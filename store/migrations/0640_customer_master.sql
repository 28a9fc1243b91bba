-- The customer master 客户信息管理 (issue 14): one record per customer with one owner.
-- Personal fields are AES-GCM ciphertexts (store.crypto.DataCipher); phone and e-mail are
-- found through a keyed HMAC blind index, never by decrypting the table.
CREATE TABLE customer_master (
    id                 text PRIMARY KEY,
    department         text NOT NULL,
    owner_id           text REFERENCES users(id),          -- NULL: in the department's pool 公海
    grade              text NOT NULL CHECK (grade IN ('A','B','C','D')),
    source             text NOT NULL,
    name_enc           bytea NOT NULL,
    phone_enc          bytea,
    email_enc          bytea,
    company_enc        bytea,
    business_scope_enc bytea,
    notes_enc          bytea,
    phone_index        bytea,
    email_index        bytea,
    user_id            text REFERENCES users(id),          -- the customer's own account
    created_by         text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    pooled_at          timestamptz,
    last_follow_up_at  timestamptz,
    next_follow_up_at  timestamptz,
    follow_up_stage    text                                -- due, reminded, escalated
);
CREATE UNIQUE INDEX customer_master_phone ON customer_master (phone_index) WHERE phone_index IS NOT NULL;
CREATE INDEX customer_master_email ON customer_master (email_index) WHERE email_index IS NOT NULL;
CREATE INDEX customer_master_owner ON customer_master (owner_id, updated_at DESC, id DESC);
CREATE INDEX customer_master_department ON customer_master (department, updated_at DESC, id DESC);
CREATE INDEX customer_master_updated ON customer_master (updated_at DESC, id DESC);
CREATE INDEX customer_master_due ON customer_master (next_follow_up_at) WHERE next_follow_up_at IS NOT NULL;

-- Every change: who, when, which fields; personal before/after values only encrypted.
CREATE TABLE customer_changes (
    id           bigserial PRIMARY KEY,
    customer_id  text NOT NULL REFERENCES customer_master(id),
    step_key     text UNIQUE,                              -- set by the customer's workflow
    at           timestamptz NOT NULL DEFAULT now(),
    kind         text NOT NULL,
    actor_id     text,
    actor_name   text,
    actor_role   text,
    fields       text[] NOT NULL DEFAULT '{}',
    values_enc   bytea,
    data         jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX customer_changes_customer ON customer_changes (customer_id, id);

CREATE TABLE customer_consents (
    id             text PRIMARY KEY,
    customer_id    text NOT NULL REFERENCES customer_master(id),
    recipient      text NOT NULL,
    scope          text[] NOT NULL,
    nda_reference  text NOT NULL,
    signed_at      timestamptz NOT NULL,
    valid_until    date,
    attachment_id  text,
    recorded_by    text NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_consents_customer ON customer_consents (customer_id);

CREATE TABLE customer_shares (
    id           bigserial PRIMARY KEY,
    customer_id  text NOT NULL REFERENCES customer_master(id),
    consent_id   text NOT NULL REFERENCES customer_consents(id),
    recipient    text NOT NULL,
    scope        text NOT NULL,
    comment      text NOT NULL DEFAULT '',
    shared_by    text NOT NULL,
    shared_at    timestamptz NOT NULL DEFAULT now()
);

-- 轮值: the last agent of each department given a customer in rotation.
CREATE TABLE customer_rotation (
    department     text PRIMARY KEY,
    last_agent_id  text NOT NULL
);

-- Follow-ups 跟进: what was done, when it happened and when it was entered.
CREATE TABLE customer_follow_ups (
    id            text PRIMARY KEY,
    customer_id   text NOT NULL REFERENCES customer_master(id),
    way           text NOT NULL,
    content_enc   bytea NOT NULL,
    happened_at   timestamptz NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    next_on       date,
    grade         text,
    by_id         text NOT NULL,
    by_name       text NOT NULL,
    on_time       boolean NOT NULL DEFAULT true
);
CREATE INDEX customer_follow_ups_customer ON customer_follow_ups (customer_id, happened_at DESC);

-- The customer master's customer of each project taken in with one (inline or customer_id).
CREATE TABLE customer_projects (
    project_id   text PRIMARY KEY,
    customer_id  text NOT NULL REFERENCES customer_master(id),
    linked_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_projects_customer ON customer_projects (customer_id);
