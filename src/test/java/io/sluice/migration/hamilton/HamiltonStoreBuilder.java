package io.sluice.migration.hamilton;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds a small Hamilton store (SQLite) for a test, with the tables Hamilton's SQLAlchemy models
 * create, and rows whose columns default to sensible values; a test names only what it cares about.
 */
final class HamiltonStoreBuilder {

    private static final List<String> DDL = List.of("""
            CREATE TABLE databases (id VARCHAR(50) NOT NULL, name VARCHAR(255) NOT NULL, provider VARCHAR(10) NOT NULL,
                host VARCHAR(255), port INTEGER, database_name VARCHAR(255), username VARCHAR(255), password VARCHAR(255),
                connection_string TEXT, status VARCHAR(12) NOT NULL, table_count INTEGER NOT NULL, schema_json JSON,
                sql_content TEXT, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL, last_connected_at DATETIME,
                description TEXT, tags JSON, PRIMARY KEY (id))
            """, """
            CREATE TABLE clustering_results (id INTEGER NOT NULL, database_id VARCHAR(50) NOT NULL, name VARCHAR(255) NOT NULL,
                algorithm VARCHAR(50) NOT NULL, parameters JSON, applied_finetuning BOOLEAN NOT NULL, cluster_count INTEGER NOT NULL,
                clusters JSON NOT NULL, is_active BOOLEAN NOT NULL, created_at DATETIME NOT NULL, PRIMARY KEY (id))
            """, """
            CREATE TABLE concepts (id VARCHAR(100) NOT NULL, database_id VARCHAR(50) NOT NULL, cluster_id INTEGER,
                name VARCHAR(255) NOT NULL, description TEXT, id_attributes JSON, conditions JSON, joins JSON,
                confirmed BOOLEAN NOT NULL, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL, PRIMARY KEY (id))
            """, """
            CREATE TABLE attributes (id VARCHAR(100) NOT NULL, concept_id VARCHAR(100) NOT NULL, name VARCHAR(255) NOT NULL,
                "column" VARCHAR(255), "table" VARCHAR(255), data_type VARCHAR(50) NOT NULL, is_required BOOLEAN NOT NULL,
                static_value TEXT, joins JSON, created_at DATETIME NOT NULL, PRIMARY KEY (id))
            """, """
            CREATE TABLE relationships (id VARCHAR(100) NOT NULL, database_id VARCHAR(50) NOT NULL,
                from_concept_id VARCHAR(100) NOT NULL, to_concept_id VARCHAR(100) NOT NULL, name VARCHAR(255),
                confidence FLOAT, confirmed BOOLEAN NOT NULL, created_at DATETIME NOT NULL, PRIMARY KEY (id))
            """, """
            CREATE TABLE jobs (id VARCHAR(100) NOT NULL, database_id VARCHAR(50) NOT NULL, type VARCHAR(10) NOT NULL,
                status VARCHAR(9) NOT NULL, progress_current INTEGER NOT NULL, progress_total INTEGER NOT NULL,
                progress_message VARCHAR(500), result JSON, error TEXT, parameters JSON, created_at DATETIME NOT NULL,
                updated_at DATETIME NOT NULL, completed_at DATETIME, PRIMARY KEY (id))
            """);
    static final String CLUSTERS = "[{\"clusterId\": 0, \"name\": \"Cluster 1\", \"description\": \"\", \"tables\": [\"papers\", \"authors\"], \"confidence\": 0.5}]";

    private final Path file;

    private HamiltonStoreBuilder(Path file) {
        this.file = file;
    }

    static HamiltonStoreBuilder aHamiltonStore(Path file) {
        HamiltonStoreBuilder builder = new HamiltonStoreBuilder(file);
        builder.execute(DDL);
        return builder;
    }

    Path file() {
        return file;
    }

    /** A PostgreSQL database registered with the password, as Hamilton stored it (upper case, password in the URL too, encoded by quote_plus). */
    HamiltonStoreBuilder database(String id, String password, Map<String, Object> overrides) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("name", "ISWC " + id);
        row.put("provider", "POSTGRESQL");
        row.put("host", "localhost");
        row.put("port", "5433");
        row.put("database_name", id);
        row.put("username", "appuser");
        row.put("password", password);
        row.put("connection_string", "postgresql://appuser:" + (password == null ? "" : PasswordSpellings.quotePlus(password)) + "@localhost:5433/" + id);
        row.put("status", "CONNECTED");
        row.put("table_count", 2);
        row.put("schema_json", "{\"tableCount\": 2, \"tables\": [{\"name\": \"papers\", \"schema\": \"public\", \"columns\": []}]}");
        row.put("sql_content", "CREATE TABLE papers (id int);\n-- ALTER USER appuser PASSWORD '" + password + "';");
        row.put("created_at", "2025-11-07 16:00:39.807751");
        row.put("updated_at", "2025-11-07 16:02:07.519565");
        row.put("last_connected_at", "2025-11-07 16:02:07.517300");
        row.put("description", null);
        row.put("tags", null);
        row.putAll(overrides);
        return insert("databases", row);
    }

    /** A clustering result whose clusters are encoded twice, as in the real store. */
    HamiltonStoreBuilder clusteringResult(long id, String databaseId, Map<String, Object> overrides) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("database_id", databaseId);
        row.put("name", "Clustering " + id);
        row.put("algorithm", "schuyler");
        row.put("parameters", "null");
        row.put("applied_finetuning", 0);
        row.put("cluster_count", 1);
        row.put("clusters", "\"" + CLUSTERS.replace("\"", "\\\"") + "\"");
        row.put("is_active", 1);
        row.put("created_at", "2025-11-08 14:53:32.185812");
        row.putAll(overrides);
        return insert("clustering_results", row);
    }

    HamiltonStoreBuilder concept(String id, String databaseId, Map<String, Object> overrides) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("database_id", databaseId);
        row.put("cluster_id", 0);
        row.put("name", "Paper " + id);
        row.put("description", "A published paper");
        row.put("id_attributes", "[\"paperid\"]");
        row.put("conditions", "[]");
        row.put("joins", "[]");
        row.put("confirmed", 1);
        row.put("created_at", "2025-11-09 10:00:00.000001");
        row.put("updated_at", "2025-11-09 10:00:00.000001");
        row.putAll(overrides);
        return insert("concepts", row);
    }

    HamiltonStoreBuilder attribute(String id, String conceptId, Map<String, Object> overrides) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("concept_id", conceptId);
        row.put("name", "Title");
        row.put("\"column\"", "title");
        row.put("\"table\"", "papers");
        row.put("data_type", "text");
        row.put("is_required", 1);
        row.put("static_value", null);
        row.put("joins", null);
        row.put("created_at", "2025-11-09 10:00:01");
        row.putAll(overrides);
        return insert("attributes", row);
    }

    HamiltonStoreBuilder relationship(String id, String databaseId, String from, String to, Object confidence) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("database_id", databaseId);
        row.put("from_concept_id", from);
        row.put("to_concept_id", to);
        row.put("name", "cites");
        row.put("confidence", confidence);
        row.put("confirmed", 0);
        row.put("created_at", "2025-11-09 10:00:02");
        return insert("relationships", row);
    }

    HamiltonStoreBuilder job(String id, String databaseId) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("database_id", databaseId);
        row.put("type", "clustering");
        row.put("status", "completed");
        row.put("progress_current", 3);
        row.put("progress_total", 3);
        row.put("created_at", "2025-11-08 14:53:30");
        row.put("updated_at", "2025-11-08 14:53:32");
        return insert("jobs", row);
    }

    /**
     * {@code count} concepts {@code c_00000}, {@code c_00001}, ... of the database, each with one attribute
     * {@code a_00000}, ..., written in one transaction: a store large enough to stop or kill a migration in.
     */
    HamiltonStoreBuilder conceptsWithAttributes(String databaseId, int count) {
        try (Connection connection = connect();
             PreparedStatement concept = connection.prepareStatement("INSERT INTO concepts (id, database_id, cluster_id, name,"
                     + " description, id_attributes, conditions, joins, confirmed, created_at, updated_at)"
                     + " VALUES (?, ?, 0, ?, 'A published paper', '[\"paperid\"]', '[]', '[]', 1, '2025-11-09 10:00:00.000001',"
                     + " '2025-11-09 10:00:00.000001')");
             PreparedStatement attribute = connection.prepareStatement("INSERT INTO attributes (id, concept_id, name, \"column\","
                     + " \"table\", data_type, is_required, created_at) VALUES (?, ?, 'Title', 'title', 'papers', 'text', 1,"
                     + " '2025-11-09 10:00:01')")) {
            connection.setAutoCommit(false);
            for (int i = 0; i < count; i++) {
                String conceptId = String.format("c_%05d", i);
                concept.setString(1, conceptId);
                concept.setString(2, databaseId);
                concept.setString(3, "Paper " + i);
                concept.addBatch();
                attribute.setString(1, String.format("a_%05d", i));
                attribute.setString(2, conceptId);
                attribute.addBatch();
            }
            concept.executeBatch();
            attribute.executeBatch();
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** Deletes the row of {@code table} whose id is {@code id}, as Hamilton does when a user removes it. */
    HamiltonStoreBuilder without(String table, String id) {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
            statement.setString(1, id);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** The ids of a table's rows, sorted. */
    List<String> ids(String table) {
        List<String> ids = new ArrayList<>();
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT id FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getString("id"));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    private HamiltonStoreBuilder insert(String table, Map<String, Object> row) {
        String sql = "INSERT INTO " + table + " (" + String.join(", ", row.keySet()) + ") VALUES ("
                + row.keySet().stream().map(column -> "?").collect(Collectors.joining(", ")) + ")";
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            int i = 1;
            for (Object value : row.values()) {
                statement.setObject(i++, value);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    private void execute(List<String> statements) {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file);
    }
}
