package io.sluice.web;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A PostgreSQL database of its own for a workflow to read, whose {@code gate()} function decides how a run goes:
 * it fails ("the gate is closed") while the table {@code ok} is empty, and, when the test holds the advisory lock
 * {@value #LOCK}, waits for it. Table {@code t} holds the ids 1 to {@code rows}. Closing it drops the database.
 */
final class GatedSource implements AutoCloseable {

    static final int LOCK = 4343;
    private static final String ADMIN = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";

    final String name;
    final String url;

    private GatedSource(String name) {
        this.name = name;
        this.url = "jdbc:postgresql://127.0.0.1:5432/" + name + "?user=postgres";
    }

    static GatedSource create(int rows) throws SQLException {
        GatedSource source = new GatedSource("sluice_gate_" + Long.toHexString(System.nanoTime()));
        try (Connection admin = DriverManager.getConnection(ADMIN); Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + source.name);
        }
        source.execute("CREATE TABLE t (id int PRIMARY KEY)");
        source.execute("INSERT INTO t SELECT generate_series(1, " + rows + ")");
        source.execute("CREATE TABLE ok (id int)");
        source.execute("CREATE FUNCTION gate() RETURNS int AS $$ BEGIN PERFORM pg_advisory_lock(" + LOCK + "); PERFORM pg_advisory_unlock("
                + LOCK + "); IF NOT EXISTS (SELECT 1 FROM ok) THEN RAISE EXCEPTION 'the gate is closed'; END IF; RETURN 1; END $$ LANGUAGE plpgsql");
        return source;
    }

    /** Opens the gate: runs no longer fail at it. */
    void open() throws SQLException {
        execute("INSERT INTO ok VALUES (1)");
    }

    void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Override
    public void close() throws SQLException {
        try (Connection admin = DriverManager.getConnection(ADMIN); Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}
