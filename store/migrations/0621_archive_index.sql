-- The archive's lookup index (001 业务归档流程: bundled and indexed for lookup). One row per
-- archived project with the text people search — requirement and result summaries — and its
-- character unigrams and bigrams (archive_grams): Chinese needs no dictionary, a word of any
-- two or more characters is found by containment on the GIN index, then checked by strpos.
CREATE FUNCTION archive_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT g), '{}'::text[]) FROM (
        SELECT substr(w, i, 2) AS g
        FROM regexp_split_to_table(lower(coalesce(t, '')),
                                   '[[:space:][:punct:]，。、；：！？（）《》【】“”‘’·…—]+') AS w,
             generate_series(1, greatest(char_length(w) - 1, 1)) AS i
        WHERE w <> ''
    ) grams
$$;

CREATE TABLE archive_index (
    project_id        text PRIMARY KEY REFERENCES projects(id),
    bundle_id         text NOT NULL REFERENCES archive_bundles(id),
    archived_at       timestamptz NOT NULL,
    department        text NOT NULL,
    business_type     text NOT NULL,
    agent_id          text NOT NULL,
    agent_name        text NOT NULL,
    customer_user_id  text,
    body              text NOT NULL,            -- lower-cased requirement and result summaries
    grams             text[] NOT NULL
);
CREATE INDEX archive_index_grams ON archive_index USING gin (grams);
CREATE INDEX archive_index_recent ON archive_index (archived_at DESC, project_id DESC);
CREATE INDEX archive_index_department ON archive_index (department, archived_at DESC, project_id DESC);
CREATE INDEX archive_index_agent ON archive_index (agent_id, archived_at DESC, project_id DESC);
CREATE INDEX archive_index_customer ON archive_index (customer_user_id) WHERE customer_user_id IS NOT NULL;

-- Bundles archived before this migration are indexed now, from their records.
INSERT INTO archive_index (project_id, bundle_id, archived_at, department, business_type, agent_id, agent_name,
                           customer_user_id, body, grams)
SELECT b.project_id, b.id, b.created_at, p.department, p.business_type, p.agent_id, p.agent_name,
       p.customer_user_id, t.body, archive_grams(t.body)
FROM archive_bundles b
JOIN projects p ON p.id = b.project_id
CROSS JOIN LATERAL (
    SELECT lower(concat_ws(E'\n', p.requirement,
                 (SELECT string_agg(r.summary, E'\n' ORDER BY r.submission)
                  FROM result_submissions r WHERE r.project_id = p.id))) AS body
) t
ON CONFLICT (project_id) DO NOTHING;
