"""The inbox's process items (issue 15: kind `process`): each open slot of a running process
waits on its person, or on its role (in its department). $1 the user id, $2 the role, $3 the
department — the same arguments as store/service_inbox.py's statement, so store/inbox.py runs
it beside the others. The item id is `process:<process id>:<slot>`."""

PROCESS_INBOX_SQL = """
SELECT 'process:' || i.process_id || ':' || i.slot_id AS id, 'process' AS kind, NULL AS project_id,
       NULL AS complaint_id, i.due_at, i.overdue, p.template_name || '：' || i.node_id AS description,
       NULL AS gate, 'process' AS pending, i.process_id
FROM process_inbox i JOIN processes p ON p.id = i.process_id
WHERE p.status = 'running'
  AND (i.user_id = $1::text
       OR i.user_id IS NULL AND i.role = $2::text AND (i.department IS NULL OR i.department = $3::text))
"""
