-- What each node of a workflow run did, one row a node and step execution (a restart adds its own
-- rows): rows in and out, status and time, and the node's place in its step (0 first).
-- `workflow_nodes` keeps only the last run's status and time; this table is the history
-- (`sluice workflow history ID`). workflow_id is NULL for a run of a file that is not stored.
-- Rows go when their job execution is purged.
CREATE TABLE workflow_node_executions (
    step_execution_id bigint       NOT NULL,
    node_id           varchar(100) NOT NULL,
    position          integer      NOT NULL,
    job_execution_id  bigint       NOT NULL,
    workflow_id       varchar(64),
    status            varchar(20)  NOT NULL,
    rows_in           bigint,
    rows_out          bigint,
    execution_time_ms bigint       NOT NULL,
    PRIMARY KEY (step_execution_id, node_id)
);
CREATE INDEX ix_workflow_node_executions_job ON workflow_node_executions (job_execution_id);
CREATE INDEX ix_workflow_node_executions_workflow ON workflow_node_executions (workflow_id, job_execution_id);
