-- The REST API's and the dashboard's filter on a job parameter's value (store=..., file=...): a hash index,
-- since a B-tree entry cannot hold the longest values (2,500 characters); HSQLDB repositories are small
-- enough to be read without it.
CREATE INDEX ix_batch_job_execution_params_value ON BATCH_JOB_EXECUTION_PARAMS USING hash (PARAMETER_VALUE);
