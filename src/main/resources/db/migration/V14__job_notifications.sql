-- The webhooks serve told (or is telling) of a job definition's executions, one row an event, its subject
-- (the execution, or for `late` the fire time) and URL. The row is written by the serve process that claims
-- the delivery (its insert wins; another's fails on the key), so that each event is told once however many
-- serve processes run; it then records each attempt.
CREATE TABLE job_notifications (
    name         varchar(100)  NOT NULL,
    event        varchar(20)   NOT NULL,
    subject      varchar(100)  NOT NULL,
    url          varchar(2000) NOT NULL,
    claimed_at   timestamptz   NOT NULL,
    delivered_at timestamptz,
    attempts     integer       NOT NULL,
    last_error   varchar(500),
    PRIMARY KEY (name, event, subject, url)
);
