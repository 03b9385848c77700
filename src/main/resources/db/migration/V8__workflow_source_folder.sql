-- The folder a stored workflow's relative paths resolve against (the Data Wrangler data folder it
-- was migrated or imported from), a column only sluice needs, beside the tool's own; NULL for a
-- workflow stored by something else: its paths then resolve against the working folder.
ALTER TABLE workflows ADD COLUMN source_folder varchar(4096);
