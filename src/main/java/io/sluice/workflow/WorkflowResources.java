package io.sluice.workflow;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * What the planner may look up beyond the workflow itself: the registered datasets ({@code datasets}
 * rows) and databases ({@code databases} rows), and sluice's own database. {@link WorkflowPlan#of}
 * is static and has no database; {@link WorkflowFamily} hands it {@link StoredResources}, tests that
 * plan without a database hand it {@link #NONE}.
 */
interface WorkflowResources {

    /** Nothing registered and no database: a node that names a dataset or a database is refused, naming it. */
    WorkflowResources NONE = new WorkflowResources() {
        @Override
        public Optional<Dataset> dataset(String id) {
            return Optional.empty();
        }

        @Override
        public Optional<SqlDatabase> database(String id) {
            return Optional.empty();
        }

        @Override
        public Optional<SqlDatabase> sluiceDatabase() {
            return Optional.empty();
        }
    };

    /** The {@code datasets} row of that id; empty when there is none. */
    Optional<Dataset> dataset(String id);

    /** The {@code databases} row of that id, ready to connect to; empty when there is none. */
    Optional<SqlDatabase> database(String id);

    /** sluice's own database (where its job repository is); empty when planning without one. */
    Optional<SqlDatabase> sluiceDatabase();

    /**
     * A registered dataset, as Data Wrangler stores one.
     *
     * @param filePath its file, as stored (absolute, or relative to the workflow's base folder)
     * @param source   how it came in ({@code upload}, {@code url}...), for messages
     * @param metadata its {@code meta_data} JSON object (Data Wrangler's column name) (maybe empty); {@code file_type}/{@code format} tell its format
     */
    record Dataset(String id, String name, String filePath, String source, Map<String, Object> metadata) {
    }

    /**
     * A database rows are read from or written to: a registered one or sluice's own. Its password,
     * if any, is decrypted only while a connection is opened and is in no text form of this object.
     */
    interface SqlDatabase {

        /** For messages: {@code registered database ID (PROVIDER host:port/name)} or {@code the sluice database}; never a password. */
        String describe();

        /** The SQL its tables are created and quoted in. */
        SqlVendor vendor();

        /** Its JDBC URL without credentials, for lineage ({@link io.sluice.persistence.LineageNames}). */
        String lineageUrl();

        /**
         * A new connection for reading: read-only, not auto-committing (so that PostgreSQL streams by the fetch size;
         * sluice's own HSQLDB database excepted, see {@link StoredResources}), opened within the connect timeout. The caller closes it.
         *
         * @throws SQLException when it cannot connect; the message holds no password
         */
        Connection openForReading() throws SQLException;

        /** A new connection for writing, not auto-committing, opened within the connect timeout. The caller closes it. */
        Connection openForWriting() throws SQLException;
    }
}
