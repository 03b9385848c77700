package io.sluice.persistence;

import io.sluice.InvalidInputException;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * {@code db create}: creates a PostgreSQL database, runs a SQL script in it statement by statement,
 * as Hamilton did (a statement that fails is reported with its line and the others still run), and
 * registers it in {@code databases} with the script as its {@code sql_content}.
 *
 * <p>The server is the one sluice's own database is on (with its URL's settings, TLS included), or one
 * given. Statements that reach beyond the new database (that create, drop or alter a database, a role
 * or a tablespace, {@code ALTER SYSTEM}, {@code COPY ... PROGRAM}; comments do not hide them) and psql
 * meta-commands ({@code \c}) are not run. The script otherwise runs with the server user's rights, as
 * Hamilton ran it: give a server and user whose rights fit the script. If the database cannot be set up
 * (the connection to it fails, or it cannot be registered), it is dropped again, so that a second try
 * does not find it. Connecting and each statement time out ({@code sluice.database.socket-timeout}).
 */
@Component
public class DatabaseCreator {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    /** Statements that reach beyond the new database: whole databases, roles, tablespaces, the server's settings, programs. */
    private static final Pattern BEYOND_THE_DATABASE = Pattern.compile(
            "(?is)^((CREATE|DROP|ALTER)\\s+(DATABASE|ROLE|USER|GROUP|TABLESPACE)|ALTER\\s+SYSTEM|COPY\\b.*\\bPROGRAM)\\b.*");
    private static final Pattern COMMENTS = Pattern.compile("(?s)--[^\\n]*|/\\*.*?\\*/");

    private final RegisteredDatabases registered;
    private final DatabaseSettings sluiceDatabase;
    private final java.time.Duration socketTimeout;

    DatabaseCreator(RegisteredDatabases registered, SluiceProperties properties) {
        this.registered = registered;
        this.sluiceDatabase = properties.databaseSettings();
        this.socketTimeout = properties.database().socketTimeout();
    }

    /**
     * A PostgreSQL server to create the database on.
     *
     * @param password null for none
     * @param url      a JDBC URL of one of its databases whose settings (TLS...) the connections keep, or null
     */
    public record Server(String host, int port, String user, String password, String url) {

        public Server(String host, int port, String user, String password) {
            this(host, port, user, password, null);
        }

        /** A JDBC URL of {@code database} on this server. */
        String urlOf(String database) {
            if (url == null) {
                return "jdbc:postgresql://" + host + ":" + port + "/" + database;
            }
            return url.replaceFirst("^(jdbc:postgresql://[^/?]*)(/[^?]*)?", "$1/" + database);
        }
    }

    /** A statement of the script that failed, with the server's message. */
    public record Failure(SqlScript.Statement statement, String message) {
    }

    /**
     * What {@link #create} did.
     *
     * @param ran     how many statements ran without an error
     * @param skipped the meta-commands and database-level statements not run
     */
    public record Outcome(RegisteredDatabase database, int ran, List<Failure> failures, List<SqlScript.Statement> skipped) {
    }

    /**
     * Creates database {@code name} on {@code server} (null: the server of sluice's own database), runs
     * {@code script} in it and registers it.
     *
     * @param failure told of each failed statement as it fails
     * @throws InvalidInputException when the name is not a plain identifier, sluice's own database is not on
     *                               PostgreSQL and no server is given, or the database exists already
     * @throws IllegalStateException with the server's message when the server cannot be reached or refuses
     */
    public Outcome create(String name, String script, Server server, Consumer<Failure> failure) {
        if (!NAME.matcher(name).matches()) {
            throw new InvalidInputException("'" + name + "' is not a database name sluice creates (letters, digits and _, at most 63)");
        }
        Server on = server != null ? server : sluiceServer();
        if (on.url() == null && !RegisteredDatabase.isHostName(on.host())) {
            throw new InvalidInputException("--host '" + on.host() + "' is not a host name or address");
        }
        SqlScript parsed = SqlScript.parse(script);
        try (Connection admin = connect(on, "postgres"); Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE \"" + name + "\"");
        } catch (SQLException e) {
            if ("42P04".equals(e.getSQLState())) {
                throw new InvalidInputException("a database " + name + " exists already on " + on.host() + ":" + on.port());
            }
            throw new RegisteredDatabaseException("cannot create database " + name + " on " + on.host() + ":" + on.port() + ": " + message(e, on),
                    message(e, on));
        }
        try {
            return runAndRegister(name, script, parsed, on, failure);
        } catch (RuntimeException e) {
            dropQuietly(name, on);
            throw e;
        }
    }

    private Outcome runAndRegister(String name, String script, SqlScript parsed, Server on, Consumer<Failure> failure) {
        List<Failure> failures = new ArrayList<>();
        List<SqlScript.Statement> skipped = new ArrayList<>(parsed.metaCommands());
        int ran = 0;
        try (Connection connection = connect(on, name)) {
            connection.setAutoCommit(true);
            for (SqlScript.Statement sql : parsed.statements()) {
                if (BEYOND_THE_DATABASE.matcher(COMMENTS.matcher(sql.text()).replaceAll(" ").strip()).matches()) {
                    skipped.add(sql);
                    continue;
                }
                try {
                    if (sql.copyData() != null) {
                        // pg_dump's COPY ... FROM stdin: its rows follow it in the script
                        connection.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyIn(sql.text(), new java.io.StringReader(sql.copyData()));
                    } else {
                        try (Statement statement = connection.createStatement()) {
                            statement.execute(sql.text());
                        }
                    }
                    ran++;
                } catch (java.io.IOException e) {
                    Failure failed = new Failure(sql, String.valueOf(e.getMessage()));
                    failures.add(failed);
                    failure.accept(failed);
                } catch (SQLException e) {
                    Failure failed = new Failure(sql, message(e, on));
                    failures.add(failed);
                    failure.accept(failed);
                }
            }
        } catch (SQLException e) {
            throw new RegisteredDatabaseException("cannot connect to the new database " + name + ": " + message(e, on), message(e, on));
        }
        if (ran == 0 && !failures.isEmpty()) {
            throw new RegisteredDatabaseException("none of the script's " + failures.size() + " statements ran in " + name
                    + "; the database is dropped again", "no statement ran");
        }
        skipped.sort(java.util.Comparator.comparingInt(SqlScript.Statement::line));
        RegisteredDatabase database = registered.add(new RegisteredDatabases.Registration(name, RegisteredDatabase.Provider.POSTGRESQL,
                on.host(), on.port(), name, on.user(), on.password(), null, script, null));
        registered.recordConnected(database.id());
        return new Outcome(registered.get(database.id()), ran, List.copyOf(failures), List.copyOf(skipped));
    }

    /** The server of sluice's own database, with its user and password. */
    private Server sluiceServer() {
        if (sluiceDatabase.vendor() != DatabaseSettings.Vendor.POSTGRESQL) {
            throw new InvalidInputException("sluice's own database is the embedded HSQLDB: give the PostgreSQL server to create the database on"
                    + " (--host, --port, --user, --password-stdin)");
        }
        URI uri;
        try {
            uri = URI.create(sluiceDatabase.jdbcUrl().substring("jdbc:".length()));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("sluice's own database URL " + sluiceDatabase.displayUrl() + " names no server to create the database on;"
                    + " give --host, --port, --user");
        }
        Map<String, String> query = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        String user = sluiceDatabase.username() != null ? sluiceDatabase.username() : query.get("user");
        String password = sluiceDatabase.password() != null ? sluiceDatabase.password() : query.get("password");
        return new Server(uri.getHost() == null ? "localhost" : uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), user, password,
                withoutCredentials(sluiceDatabase.jdbcUrl()));
    }

    /** Drops a database this run created and could not set up; what goes wrong then is left to the message already on its way. */
    private void dropQuietly(String name, Server on) {
        try (Connection admin = connect(on, "postgres"); Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
        } catch (SQLException ignored) {
            // the server is gone too: the database stays, and the message says why the run failed
        }
    }

    private Connection connect(Server server, String database) throws SQLException {
        Properties properties = new Properties();
        if (server.user() != null) {
            properties.setProperty("user", server.user());
        }
        if (server.password() != null) {
            properties.setProperty("password", server.password());
        }
        properties.setProperty("connectTimeout", Integer.toString(RegisteredDatabases.CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("loginTimeout", Integer.toString(RegisteredDatabases.CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
        properties.setProperty("ApplicationName", "sluice db create");
        return DriverManager.getConnection(server.urlOf(database), properties);
    }

    /** A JDBC URL without its user and password parameters (the connections are given them apart). */
    private static String withoutCredentials(String url) {
        return url.replaceAll("(?i)([?&])(user|password)=[^&]*&?", "$1").replaceFirst("[?&]$", "");
    }

    /** The server's message, its first line, without the password should it repeat it. */
    private static String message(SQLException e, Server server) {
        String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        return server.password() == null || server.password().isEmpty() ? message : message.replace(server.password(), "****");
    }
}
