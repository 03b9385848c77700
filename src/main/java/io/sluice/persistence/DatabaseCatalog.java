package io.sluice.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Reads an external database's catalogue: its user tables, then the description of a chunk of them at a
 * time ({@link TableSchema}), so that a schema of thousands of tables is read in bounded memory and a
 * restarted extraction goes on at the chunk where it stopped.
 *
 * <p>PostgreSQL's is read with bulk queries on {@code pg_catalog} (a few queries a chunk, whatever its
 * size); the other vendors' through JDBC's {@link java.sql.DatabaseMetaData} (a few calls a table).
 */
public interface DatabaseCatalog {

    /**
     * The user tables (views and the vendor's system schemas left out), ordered by schema and name.
     *
     * @throws SQLException as the driver reports it
     */
    List<TableSchema.Name> tables(Connection connection) throws SQLException;

    /**
     * The descriptions of {@code tables}, in their order; a table dropped since it was listed is left out.
     *
     * @throws SQLException as the driver reports it
     */
    List<TableSchema> describe(Connection connection, List<TableSchema.Name> tables) throws SQLException;

    /** The catalogue reader for the database {@code connection} is open on. */
    static DatabaseCatalog of(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        return "PostgreSQL".equalsIgnoreCase(product) ? new PostgresCatalog() : new JdbcCatalog();
    }
}
