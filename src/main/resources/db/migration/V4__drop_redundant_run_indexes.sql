-- ix_runs_status and ix_runs_source are the leading columns of ix_runs_status_created and
-- ix_runs_source_created, which serve every lookup they served; each cost an index insert per
-- migrated run (the DynoAI load is bound by PostgreSQL's work per row).
DROP INDEX ix_runs_status;
DROP INDEX ix_runs_source;
