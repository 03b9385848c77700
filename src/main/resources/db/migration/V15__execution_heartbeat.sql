-- When the process running an execution last said it still runs it (every 10 s), on the database's clock:
-- a serve on another host takes an execution whose process stopped beating as orphaned and recovers it.
ALTER TABLE execution_process ADD COLUMN heartbeat_at timestamptz;
