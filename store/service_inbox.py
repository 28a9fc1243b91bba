"""The inbox's complaints and revisits (DESIGN §Additions: kinds `complaint` and `revisit`).

A complaint is the caller's while it awaits a reply or an answer and the caller holds its
assignee's role (customer service of its department or the company's, the department's
dept_head, or operations for one without a project), and
while it awaits the confirmation of the caller, its customer (staff for a customer without
an account). A revisit is its assignee's once its task has opened. $1 the user id, $2 the
role, $3 the department.
"""

SERVICE_INBOX_SQL = """
SELECT c.id, 'complaint' AS kind, c.project_id, c.id AS complaint_id, c.due_at, c.overdue,
       '' AS description, NULL AS gate,
       CASE c.status WHEN 'answered' THEN 'complaint_confirmation' ELSE 'complaint_reply' END AS pending
FROM complaints c
WHERE c.status <> 'closed'
  AND ((c.status <> 'answered' OR c.customer_user_id IS NULL)
       AND c.assignee_role = $2::text AND (c.assignee_role = 'operations' OR c.department = $3::text
                                           OR c.assignee_role = 'customer_service' AND $3::text IS NULL)
       OR c.status = 'answered' AND c.customer_user_id = $1::text)
UNION ALL
SELECT r.id, 'revisit', r.project_id, NULL, r.due_at, r.overdue, '', NULL, 'revisit'
FROM revisits r
WHERE r.status = 'open' AND r.assignee_user_id = $1::text
"""
