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
 * <p>The server is the one sluice's own database is on, or one given. Statements that create, drop
 * or alter a whole database ({@code DROP DATABASE ...}) and psql meta-commands ({@code \c}) are not
 * run: the database is the one just created, and a script must not reach others on the server.
 */
@Component
public class DatabaseCreator {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Pattern DATABASE_LEVEL = Pattern.compile("(?is)^(CREATE|DROP|ALTER)\\s+DATABASE\\b.*");

    private final RegisteredDatabases registered;
    private final DatabaseSettings sluiceDatabase;

    DatabaseCreator(RegisteredDatabases registered, SluiceProperties properties) {
        this.registered = registered;
        this.sluiceDatabase = properties.databaseSettings();
    }

    /**
     * A PostgreSQL server to create the database on.
     *
     * @param password null for none
     */
    public record Server(String host, int port, String user, String password) {
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
        SqlScript parsed = SqlScript.parse(script);
        try (Connection admin = connect(on, "postgres"); Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE \"" + name + "\"");
        } catch (SQLException e) {
            if ("42P04".equals(e.getSQLState())) {
                throw new InvalidInputException("a database " + name + " exists already on " + on.host() + ":" + on.port());
            }
            throw new IllegalStateException("cannot create database " + name + " on " + on.host() + ":" + on.port() + ": " + message(e, on), e);
        }
        List<Failure> failures = new ArrayList<>();
        List<SqlScript.Statement> skipped = new ArrayList<>(parsed.metaCommands());
        int ran = 0;
        try (Connection connection = connect(on, name)) {
            connection.setAutoCommit(true);
            for (SqlScript.Statement sql : parsed.statements()) {
                if (DATABASE_LEVEL.matcher(sql.text()).matches()) {
                    skipped.add(sql);
                    continue;
                }
                try (Statement statement = connection.createStatement()) {
                    statement.execute(sql.text());
                    ran++;
                } catch (SQLException e) {
                    Failure failed = new Failure(sql, message(e, on));
                    failures.add(failed);
                    failure.accept(failed);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to the new database " + name + ": " + message(e, on), e);
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
        URI uri = URI.create(sluiceDatabase.jdbcUrl().substring("jdbc:".length()));
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
        return new Server(uri.getHost() == null ? "localhost" : uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), user, password);
    }

    private static Connection connect(Server server, String database) throws SQLException {
        Properties properties = new Properties();
        if (server.user() != null) {
            properties.setProperty("user", server.user());
        }
        if (server.password() != null) {
            properties.setProperty("password", server.password());
        }
        properties.setProperty("connectTimeout", Integer.toString(RegisteredDatabases.CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("ApplicationName", "sluice db create");
        return DriverManager.getConnection("jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + database, properties);
    }

    /** The server's message, its first line, without the password should it repeat it. */
    private static String message(SQLException e, Server server) {
        String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        return server.password() == null || server.password().isEmpty() ? message : message.replace(server.password(), "****");
    }
}
