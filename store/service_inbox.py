"""The inbox's complaints, revisits and deals (DESIGN §Additions: kinds `complaint`, `revisit`, `deal`).

A complaint is the caller's while it awaits a reply or an answer and the caller holds its
assignee's role (customer service of its department or the company's, the department's
dept_head, or operations for one without a project), and
while it awaits the confirmation of the caller, its customer (staff for a customer without
an account). A complaint customer service coordinate (issue 14) is also a task of each
department they asked to help, for its dept heads, until it is answered. A revisit is its
assignee's once its task has opened: the agent's by id, or (issue 14, `revisit.assignee`)
customer service's of its department or the company's, as a complaint. A deal 成交 awaiting
confirmation (DealWorkflow, kind `deal`) is its department's dept heads' until confirmed.
$1 the user id, $2 the role, $3 the department.
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
       OR c.status = 'answered' AND c.customer_user_id = $1::text
       OR c.status <> 'answered' AND $2::text = 'dept_head' AND $3::text IS NOT NULL
          AND coalesce(c.view->'coordinating', '[]') ? $3::text)
UNION ALL
SELECT r.id, 'revisit', r.project_id, NULL, r.due_at, r.overdue, '', NULL, 'revisit'
FROM revisits r
WHERE r.status = 'open' AND (r.assignee_user_id = $1::text
                              OR r.assignee_role = 'customer_service' AND $2::text = 'customer_service'
                                 AND (r.department = $3::text OR $3::text IS NULL))
UNION ALL
SELECT 'deal-' || d.project_id, 'deal', d.project_id, NULL, d.due_at, d.overdue, '', NULL, 'deal'
FROM deals d
WHERE d.confirmed_at IS NULL AND d.due_at IS NOT NULL AND $2::text = 'dept_head' AND d.department = $3::text
"""
