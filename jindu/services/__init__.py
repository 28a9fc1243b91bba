"""The service layer: one typed use case per thing a person does (cosmicpython
`service_layer/services.py`). The API's routes, the workspace's pages and `jindu project`
call the same functions: each takes the office (database, Temporal, cipher, time zone),
the acting user, the project, the typed request body and an optional update id (the
Idempotency-Key as the workflow sees it), sends one workflow update through the one
sender (jindu/services/office.py) and answers with what was recorded. Errors are the
domain's (domain/errors.py), mapped to answers in one place (jindu/services/errors.py,
api/errors.py)."""
