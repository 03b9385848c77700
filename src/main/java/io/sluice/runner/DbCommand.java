package io.sluice.runner;

import io.sluice.InvalidInputException;
import io.sluice.monitoring.TextTable;
import io.sluice.persistence.DatabaseCreator;
import io.sluice.persistence.DatabaseSchemas;
import io.sluice.persistence.SchemaJson;
import io.sluice.persistence.RegisteredDatabase;
import io.sluice.persistence.RegisteredDatabases;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code sluice db add|list|test|remove|create}: the external databases sluice analyses and reads,
 * registered in {@code databases} (Hamilton's table). Passwords come from standard input
 * ({@code --password-stdin}; one in a {@code --url} is taken too, with a warning that the process list
 * shows it), are stored encrypted, and are never printed.
 */
@Command(name = "db", mixinStandardHelpOptions = true,
        description = "Register the databases sluice analyses and reads: add, list, test, remove, or create one from a SQL script.",
        subcommands = {DbCommand.Add.class, DbCommand.ListDatabases.class, DbCommand.Test.class, DbCommand.Remove.class, DbCommand.Create.class,
                DbCommand.Schema.class})
class DbCommand {

    /** Where a server is: host, port and user, or a JDBC URL. */
    static class ServerOptions {

        @Option(names = "--host", paramLabel = "HOST", description = "The server's host name or address.")
        String host;

        @Option(names = "--port", paramLabel = "PORT", description = "The server's port (default: the vendor's, 5432 for PostgreSQL).")
        Integer port;

        @Option(names = "--user", paramLabel = "USER", description = "The user to connect as.")
        String user;

        @Option(names = "--password-stdin", description = "Read the password from standard input (its first line): it is stored encrypted.")
        boolean passwordStdin;

        String password() {
            return passwordStdin ? readPassword() : null;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Register a database; prints its new id (db_ and 10 hexadecimal digits).",
                    "Give --host, --port, --database and --user, or --url JDBC_URL; a SQLite database is a file (--database FILE)."})
    static class Add implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "NAME", description = "A name for people.")
        String name;

        @Option(names = "--provider", required = true, paramLabel = "PROVIDER",
                description = "postgresql, hsqldb, mysql, mariadb, sqlite, sqlserver or oracle (Oracle's driver is not bundled).")
        String provider;

        @ArgGroup(exclusive = false)
        ServerOptions server = new ServerOptions();

        @Option(names = "--database", paramLabel = "DATABASE", description = "The database's name on the server, or a SQLite file.")
        String database;

        @Option(names = "--url", paramLabel = "JDBC_URL", description = "A JDBC URL instead of host, port and database.")
        String url;

        @Option(names = "--description", paramLabel = "TEXT", description = "What the database holds.")
        String description;

        @Override
        public Integer call() {
            RegisteredDatabase.Provider known;
            try {
                known = RegisteredDatabase.Provider.of(provider);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("--provider: " + e.getMessage());
            }
            if (url != null && (server.host != null || database != null)) {
                throw new InvalidInputException("give --url or --host/--database, not both");
            }
            String password = server.password();
            if (url != null && url.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
                System.err.println("sluice: warning: a password in --url is visible to every user of this machine while the command runs;"
                        + " give it on standard input with --password-stdin");
            }
            try (BootContext boot = BootContext.start()) {
                RegisteredDatabase added = boot.bean(RegisteredDatabases.class).add(new RegisteredDatabases.Registration(name, known,
                        server.host, server.port, database, server.user, password, url, null, description));
                System.out.println(added.id());
                return ExitCode.SUCCESS.code();
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the registered databases (never their passwords).")
    static class ListDatabases implements Callable<Integer> {

        @Override
        public Integer call() {
            try (BootContext boot = BootContext.start()) {
                List<RegisteredDatabase> databases = boot.bean(RegisteredDatabases.class).list();
                if (databases.isEmpty()) {
                    System.out.println("No databases are registered: sluice db add NAME --provider ... registers one.");
                    return ExitCode.SUCCESS.code();
                }
                TextTable table = new TextTable("", "ID", "NAME", "PROVIDER", "STATUS", "TABLES>", "WHERE");
                for (RegisteredDatabase database : databases) {
                    table.row(database.id(), database.name(), database.provider().toLowerCase(java.util.Locale.ROOT),
                            database.status().toLowerCase(java.util.Locale.ROOT), database.tableCount(), database.where());
                }
                table.print(System.out);
                return ExitCode.SUCCESS.code();
            }
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "Connect to a registered database and record whether it answered (status connected or failed); exit code 1 when it did not.")
    static class Test implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "ID", description = "The database's id, as `sluice db list` shows it.")
        String id;

        @Override
        public Integer call() {
            try (BootContext boot = BootContext.start()) {
                RegisteredDatabases.ConnectionTest test = boot.bean(RegisteredDatabases.class).test(id);
                if (test.connected()) {
                    System.out.println(id + ": connected to " + test.product() + " in " + test.took().toMillis() + " ms");
                    return ExitCode.SUCCESS.code();
                }
                System.out.println(id + ": failed after " + test.took().toMillis() + " ms: " + test.failure());
                return ExitCode.FAILED.code();
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Unregister a database, with its clustering results, concepts, attributes and relationships (the database itself is untouched).")
    static class Remove implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "ID", description = "The database's id, as `sluice db list` shows it.")
        String id;

        @Override
        public Integer call() {
            try (BootContext boot = BootContext.start()) {
                boot.bean(RegisteredDatabases.class).remove(id);
                System.out.println("Removed " + id + ".");
                return ExitCode.SUCCESS.code();
            }
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a PostgreSQL database, run a SQL script in it statement by statement, and register it; prints its new id.",
                    "A failed statement is reported with its line and the others still run.",
                    "psql meta-commands (\\c ...) and statements that reach beyond the new database (databases, roles, ALTER SYSTEM) are not run.",
                    "The server is sluice's own (DATABASE_URL) unless --host is given."})
    static class Create implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "NAME", description = "The new database's name (letters, digits and _).")
        String name;

        @Option(names = "--sql", required = true, paramLabel = "FILE", description = "The SQL script to run in it.")
        Path sql;

        @ArgGroup(exclusive = false)
        ServerOptions server = new ServerOptions();

        @Override
        public Integer call() {
            String script;
            try {
                script = Files.readString(sql, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new InvalidInputException(sql + ": no such file");
            } catch (IOException e) {
                throw new InvalidInputException(sql + ": cannot be read as UTF-8 text (" + e.getMessage() + ")");
            }
            DatabaseCreator.Server on = null;
            if (server.host != null) {
                on = new DatabaseCreator.Server(server.host, server.port == null ? 5432 : server.port, server.user, server.password());
            } else if (server.port != null || server.user != null || server.passwordStdin) {
                throw new InvalidInputException("--port, --user and --password-stdin go with --host");
            }
            try (BootContext boot = BootContext.start()) {
                DatabaseCreator.Outcome outcome = boot.bean(DatabaseCreator.class).create(name, script, on, failure ->
                        System.err.println("sluice: " + sql + " line " + failure.statement().line() + ": " + failure.statement().firstLine()
                                + ": " + failure.message()));
                System.err.println("sluice: created database " + name + ": " + outcome.ran() + " statement" + (outcome.ran() == 1 ? "" : "s")
                        + " ran, " + outcome.failures().size() + " failed, " + outcome.skipped().size() + " not run ("
                        + "psql meta-commands and statements beyond the database)");
                System.out.println(outcome.database().id());
                return ExitCode.SUCCESS.code();
            }
        }
    }

    @Command(name = "schema", mixinStandardHelpOptions = true,
            description = {"Show a registered database's tables: columns with their types, keys, indexes and row estimates.",
                    "It reads the live database, or, when that cannot be reached, the schema the last analyze-schema cached, and says which."})
    static class Schema implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "ID", description = "The database's id, as `sluice db list` shows it.")
        String id;

        @Option(names = "--json", description = "Print the schema as JSON, in Hamilton's schema_json shape.")
        boolean json;

        @Override
        public Integer call() {
            try (BootContext boot = BootContext.start()) {
                DatabaseSchemas.Found found = boot.bean(DatabaseSchemas.class).schema(id);
                if (json) {
                    System.err.println("sluice: " + found.source()); // live or cached, beside the JSON a script reads
                    System.out.println(SchemaJson.hamilton(found.tables()));
                } else {
                    System.out.println(found.source());
                    SchemaPrinter.print(found.tables(), System.out);
                }
                return ExitCode.SUCCESS.code();
            }
        }
    }

    /** The first line of standard input, the password. */
    static String readPassword() {
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isEmpty()) {
                throw new InvalidInputException("--password-stdin: standard input holds no password (give it on its first line)");
            }
            return line;
        } catch (IOException e) {
            throw new InvalidInputException("cannot read the password from standard input: " + e.getMessage());
        }
    }
}
