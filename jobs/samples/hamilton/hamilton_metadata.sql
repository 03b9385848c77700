-- A small Hamilton metadata store, written for sluice's samples (the tables as Hamilton's
-- SQLAlchemy models create them). Rebuild the .db with:
--   rm -f hamilton_metadata.db && sqlite3 hamilton_metadata.db < hamilton_metadata.sql
CREATE TABLE databases (id VARCHAR(50) NOT NULL, name VARCHAR(255) NOT NULL, provider VARCHAR(10) NOT NULL, host VARCHAR(255),
  port INTEGER, database_name VARCHAR(255), username VARCHAR(255), password VARCHAR(255), connection_string TEXT,
  status VARCHAR(12) NOT NULL, table_count INTEGER NOT NULL, schema_json JSON, sql_content TEXT, created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL, last_connected_at DATETIME, description TEXT, tags JSON, PRIMARY KEY (id));
CREATE TABLE clustering_results (id INTEGER NOT NULL, database_id VARCHAR(50) NOT NULL, name VARCHAR(255) NOT NULL,
  algorithm VARCHAR(50) NOT NULL, parameters JSON, applied_finetuning BOOLEAN NOT NULL, cluster_count INTEGER NOT NULL,
  clusters JSON NOT NULL, is_active BOOLEAN NOT NULL, created_at DATETIME NOT NULL, PRIMARY KEY (id));
CREATE TABLE concepts (id VARCHAR(100) NOT NULL, database_id VARCHAR(50) NOT NULL, cluster_id INTEGER, name VARCHAR(255) NOT NULL,
  description TEXT, id_attributes JSON, conditions JSON, joins JSON, confirmed BOOLEAN NOT NULL, created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL, PRIMARY KEY (id));
CREATE TABLE attributes (id VARCHAR(100) NOT NULL, concept_id VARCHAR(100) NOT NULL, name VARCHAR(255) NOT NULL, "column" VARCHAR(255),
  "table" VARCHAR(255), data_type VARCHAR(50) NOT NULL, is_required BOOLEAN NOT NULL, static_value TEXT, joins JSON,
  created_at DATETIME NOT NULL, PRIMARY KEY (id));
CREATE TABLE relationships (id VARCHAR(100) NOT NULL, database_id VARCHAR(50) NOT NULL, from_concept_id VARCHAR(100) NOT NULL,
  to_concept_id VARCHAR(100) NOT NULL, name VARCHAR(255), confidence FLOAT, confirmed BOOLEAN NOT NULL, created_at DATETIME NOT NULL,
  PRIMARY KEY (id));
CREATE TABLE jobs (id VARCHAR(100) NOT NULL, database_id VARCHAR(50) NOT NULL, type VARCHAR(10) NOT NULL, status VARCHAR(9) NOT NULL,
  progress_current INTEGER NOT NULL, progress_total INTEGER NOT NULL, progress_message VARCHAR(500), result JSON, error TEXT,
  parameters JSON, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL, completed_at DATETIME, PRIMARY KEY (id));

INSERT INTO databases VALUES ('db_a1b2c3d4e5', 'Library', 'POSTGRESQL', 'localhost', '5432', 'library', 'librarian', 'not-a-real-password',
  'postgresql://librarian:not-a-real-password@localhost:5432/library', 'CONNECTED', 3,
  '{"tableCount": 3, "tables": [{"name": "books", "schema": "public", "columns": [{"name": "id", "dataType": "INTEGER", "isPrimaryKey": true, "isForeignKey": false, "isNullable": false}]}, {"name": "loans", "schema": "public", "columns": [{"name": "book_id", "dataType": "INTEGER", "isPrimaryKey": false, "isForeignKey": true, "isNullable": false, "referencedTable": "books", "referencedColumn": "id"}]}, {"name": "members", "schema": "public", "columns": [{"name": "id", "dataType": "INTEGER", "isPrimaryKey": true, "isForeignKey": false, "isNullable": false}]}]}',
  'CREATE TABLE books (id integer primary key, title text);', '2026-01-10 09:00:00.000000', '2026-01-10 09:05:00.123456',
  '2026-01-10 09:05:00.123456', 'A lending library', '["sample"]');
INSERT INTO clustering_results VALUES (1, 'db_a1b2c3d4e5', 'Clustering 10/01/2026', 'schuyler', 'null', 0, 2,
  '"[{\"clusterId\": 0, \"name\": \"Catalogue\", \"description\": \"\", \"tables\": [\"books\"], \"confidence\": 0.8}, {\"clusterId\": 1, \"name\": \"Lending\", \"description\": \"\", \"tables\": [\"loans\", \"members\"], \"confidence\": 0.7}]"',
  1, '2026-01-10 09:10:00.000000');
INSERT INTO concepts VALUES ('concept_book', 'db_a1b2c3d4e5', 0, 'Book', 'A book in the catalogue', '["id"]', '[]', '[]', 1,
  '2026-01-10 09:12:00.000000', '2026-01-10 09:12:00.000000');
INSERT INTO concepts VALUES ('concept_loan', 'db_a1b2c3d4e5', 1, 'Loan', 'A book lent to a member', '["book_id"]', '[]', '[]', 0,
  '2026-01-10 09:12:00.000000', '2026-01-10 09:12:00.000000');
INSERT INTO attributes VALUES ('attr_book_title', 'concept_book', 'Title', 'title', 'books', 'TEXT', 1, NULL, NULL, '2026-01-10 09:13:00.000000');
INSERT INTO relationships VALUES ('rel_loan_book', 'db_a1b2c3d4e5', 'concept_loan', 'concept_book', 'lends', 85, 0, '2026-01-10 09:14:00.000000');
