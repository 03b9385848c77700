-- A Hamilton connection string may hold another password than the password column (one of them is
-- stale, and sluice cannot tell which): the migration keeps the column's in password_encrypted and
-- the connection string's, encrypted too, here, so that neither secret is lost. Only sluice needs
-- this column; the tools' own names are unchanged.
ALTER TABLE databases ADD COLUMN connection_password_encrypted text;
