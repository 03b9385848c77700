-- The domain schema (db/migration) is written once for both databases with PostgreSQL's type
-- names; these domains give them meaning on HSQLDB. JSON is kept as text here (jsonb on PostgreSQL).
CREATE DOMAIN jsonb AS VARCHAR(16777216);
CREATE DOMAIN text AS VARCHAR(16777216);
CREATE DOMAIN timestamptz AS TIMESTAMP(6) WITH TIME ZONE;
