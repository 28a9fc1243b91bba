"""The inbox's process items (issue 15: kind `process`): each open slot of a running process
waits on its person, or on its role (in its department). $1 the user id, $2 the role, $3 the
department — the same arguments as store/service_inbox.py's statement, so store/inbox.py runs
it beside the others. The item id is `process:<process id>:<slot>`; its node comes as name,
type and position, for store/inbox.py to word in the reader's language (jindu/process_words.py)."""

PROCESS_INBOX_SQL = """
SELECT 'process:' || i.process_id || ':' || i.slot_id AS id, 'process' AS kind, NULL AS project_id,
       NULL AS complaint_id, i.due_at, i.overdue, p.template_name AS description,
       NULL AS gate, 'process' AS pending, i.process_id, node.name AS node_name, node.type AS node_type,
       node.position AS node_position
FROM process_inbox i JOIN processes p ON p.id = i.process_id
LEFT JOIN process_templates t ON t.key = p.template_key AND t.version = p.template_version
LEFT JOIN LATERAL (SELECT e.n->>'name' AS name, e.n->>'type' AS type, e.position::int AS position
                   FROM jsonb_array_elements(t.body->'nodes') WITH ORDINALITY AS e(n, position)
                   WHERE e.n->>'id' = i.node_id) node ON true
WHERE p.status = 'running'
  AND (i.user_id = $1::text
       OR i.user_id IS NULL AND i.role = $2::text AND (i.department IS NULL OR i.department = $3::text))
"""
