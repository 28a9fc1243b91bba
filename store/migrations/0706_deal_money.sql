-- Issue 14: the appraisal's revenue against expected and costs against budget read each
-- confirmed deal of a period. The assessment's expected revenue and budget are kept on the
-- deal when it is recorded (the assessment is decided before execution, when deals begin),
-- so a year of every department reads `deals` alone, not each project's view.
ALTER TABLE deals ADD COLUMN expected_revenue numeric(14, 2), ADD COLUMN budget numeric(14, 2);
UPDATE deals d SET expected_revenue = (p.view->'assessment'->>'expected_revenue')::numeric,
                   budget = (p.view->'assessment'->>'budget')::numeric
FROM projects p WHERE p.id = d.project_id;
