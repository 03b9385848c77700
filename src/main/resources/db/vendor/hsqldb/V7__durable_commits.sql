-- A commit on the embedded HSQLDB is on disk when it returns (HSQLDB's default keeps the last half
-- second of commits in memory, so a killed process lost chunks it had reported committed).
SET FILES WRITE DELAY FALSE;
