-- The job definitions of jobs/ and their schedules' state, shared by every process: `sluice jobs list`,
-- `serve` and the dashboard read the same next and last fire. A definition's row is written from its file
-- (`definition`: its parameters and schedule as JSON); `paused` follows the file's own `paused`
-- (`file_paused`) when that changes, and `sluice jobs pause|resume` otherwise.
CREATE TABLE job_schedules (
    name              varchar(100)  NOT NULL PRIMARY KEY,
    family            varchar(100)  NOT NULL,
    definition        text          NOT NULL,
    source_file       varchar(1000) NOT NULL,
    schedule          varchar(200),
    paused            boolean       NOT NULL,
    file_paused       boolean       NOT NULL,
    next_fire_at      timestamptz,
    last_fire_at      timestamptz,
    last_execution_id bigint,
    updated_at        timestamptz   NOT NULL
);
