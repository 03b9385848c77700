-- The domain schema (db/migration) is written once for both databases with PostgreSQL's type
-- names; PostgreSQL has them all built in. HSQLDB declares them as domains in its own V2.
SELECT 1;
