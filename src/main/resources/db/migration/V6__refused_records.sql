-- Records that a load step could not write because the database refused one of their values
-- (text PostgreSQL cannot hold, a value out of a column's range, a check constraint): the job
-- execution that met each, the target entity, and a digest of the record's key (SHA-256, hex), so
-- that verification counts them as rejected, not lost. The record itself is in the reject file.
CREATE TABLE refused_records (
    job_execution_id bigint      NOT NULL,
    entity           varchar(64) NOT NULL,
    key_digest       varchar(64) NOT NULL
);
CREATE INDEX ix_refused_records_execution ON refused_records (job_execution_id, entity);
