-- Issue 14: a cost is a step of the project's workflow (its `record_cost` update). Its row is
-- written with the step, under the step's key, so a step a workflow task never completed is
-- superseded with its cost (store/fencing.py). Rows recorded before keep a NULL key.
ALTER TABLE project_costs ADD COLUMN step_key text UNIQUE;
