-- The Python tools' own column names, which V3 had renamed, so that their ORM models read the
-- database as they are. Renaming a column keeps its keys and constraints: the primary
-- keys stay (workflow_id, id), and an edge's (workflow_id, source) and (workflow_id, target)
-- still reference a node. Renames are spelled differently on PostgreSQL and HSQLDB, hence the
-- vendor folders; the rest of this file is the same in both.

-- Data Wrangler (backend/app/models.py: Dataset, Workflow, WorkflowNode, WorkflowEdge)
ALTER TABLE datasets RENAME COLUMN metadata TO meta_data;
ALTER TABLE workflows RENAME COLUMN metadata TO meta_data;
ALTER TABLE workflow_nodes RENAME COLUMN node_id TO id;
ALTER TABLE workflow_nodes RENAME COLUMN node_type TO type;
ALTER TABLE workflow_edges RENAME COLUMN edge_id TO id;
ALTER TABLE workflow_edges RENAME COLUMN source_node_id TO source;
ALTER TABLE workflow_edges RENAME COLUMN target_node_id TO target;
ALTER TABLE workflow_edges RENAME COLUMN edge_type TO type;

-- Columns the tools' own models name and that V3 lacked, so that their ORM can read every table.
-- The legacy stores hold no value for them: they stay NULL (run_files.storage_type: the run
-- folders' files are local ones, DynoAI's own default).

-- DynoAI (api/models/run.py: Run, RunFile)
ALTER TABLE runs ADD COLUMN completed_at timestamptz;
ALTER TABLE runs ADD COLUMN jetstream_status varchar(20);
ALTER TABLE runs ADD COLUMN progress_message text;
ALTER TABLE runs ADD COLUMN error_message text;
ALTER TABLE runs ADD COLUMN input_size_bytes bigint;
ALTER TABLE runs ADD COLUMN input_rows bigint;
ALTER TABLE runs ADD COLUMN peak_hp double precision;
ALTER TABLE runs ADD COLUMN peak_torque double precision;
ALTER TABLE runs ADD COLUMN afr_mean double precision;
ALTER TABLE runs ADD COLUMN afr_std double precision;
ALTER TABLE runs ADD COLUMN ve_corrections_count integer;
ALTER TABLE runs ADD COLUMN ve_max_correction_pct double precision;
ALTER TABLE run_files ADD COLUMN storage_type varchar(20) DEFAULT 'local';

-- Hamilton (backend/app/db/models.py: DatabaseMetadata). Its model reads the password in clear
-- text from `password`; sluice never stores a secret in clear, so this column stays NULL and the
-- password is kept encrypted beside it, in password_encrypted.
ALTER TABLE databases ADD COLUMN password varchar(255);

-- Hamilton's Attribute maps `column` and `table`, SQL keywords: sluice keeps them in column_name
-- and table_name, and these generated copies give the tools' ORM its names to read (it quotes them).
ALTER TABLE attributes ADD COLUMN "column" varchar(255) GENERATED ALWAYS AS (column_name) STORED;
ALTER TABLE attributes ADD COLUMN "table" varchar(255) GENERATED ALWAYS AS (table_name) STORED;
