-- Each fire of a schedule, one row a fire time: the row is written by the `serve` process that won the
-- fire (it moved job_schedules.next_fire_at on from that time, a compare-and-set only one process can
-- win), with the execution it launched. `restarts` counts the restarts its retry policy made, each
-- claimed the same way.
CREATE TABLE schedule_fires (
    name         varchar(100) NOT NULL,
    fire_at      timestamptz  NOT NULL,
    execution_id bigint,
    host         varchar(255) NOT NULL,
    pid          bigint       NOT NULL,
    fired_at     timestamptz  NOT NULL,
    restarts     integer      NOT NULL,
    PRIMARY KEY (name, fire_at)
);
CREATE INDEX ix_schedule_fires_execution ON schedule_fires (execution_id);
