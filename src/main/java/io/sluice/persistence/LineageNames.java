package io.sluice.persistence;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A database's tables as OpenLineage names datasets (its naming conventions): the namespace from the JDBC URL's
 * scheme, host and port ({@code postgres://HOST:PORT}, {@code mysql://HOST:PORT}, {@code sqlserver://HOST:PORT}; an
 * embedded HSQLDB file {@code hsqldb:file:PATH}; a SQLite file {@code file}), the name from the database, schema and
 * table ({@code DB.public.runs} on PostgreSQL, {@code DB.runs} on MySQL). Never a user or a password.
 */
public final class LineageNames {

    private static final Pattern SERVER = Pattern.compile("jdbc:([a-z0-9]+):(?://([^/?;]+))?/?([^?;]*).*", Pattern.CASE_INSENSITIVE);

    private LineageNames() {
    }

    /** The namespace of the database a JDBC URL names. */
    public static String namespace(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:hsqldb:file:")) {
            return "hsqldb:file:" + path(jdbcUrl.substring("jdbc:hsqldb:file:".length()));
        }
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            return "file";
        }
        Matcher url = SERVER.matcher(jdbcUrl);
        if (!url.matches() || url.group(2) == null) {
            return "jdbc";
        }
        String authority = url.group(2).replaceFirst("^[^@]*@", ""); // never user:password@
        return switch (url.group(1).toLowerCase(Locale.ROOT)) {
            case "postgresql" -> "postgres://" + authority;
            case "mariadb", "mysql" -> "mysql://" + authority;
            case "sqlserver" -> "sqlserver://" + authority;
            case "hsqldb" -> "hsqldb://" + authority;
            default -> url.group(1).toLowerCase(Locale.ROOT) + "://" + authority;
        };
    }

    /** The dataset name of {@code table} (in the default schema) in the database a JDBC URL names. */
    public static String table(String jdbcUrl, String table) {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            return path(jdbcUrl.substring("jdbc:sqlite:".length())) + "." + table;
        }
        Matcher url = SERVER.matcher(jdbcUrl);
        String database = url.matches() && url.group(2) != null ? url.group(3) : "";
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return database + ".public." + table;
        }
        if (jdbcUrl.startsWith("jdbc:hsqldb:")) {
            return "PUBLIC." + table;
        }
        return database.isEmpty() ? table : database + "." + table;
    }

    /** The database itself (for a job that reads all of it): its name in its namespace. */
    public static String database(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlite:") || jdbcUrl.startsWith("jdbc:hsqldb:file:")) {
            return path(jdbcUrl.substring(jdbcUrl.indexOf(':', "jdbc:".length()) + 1));
        }
        Matcher url = SERVER.matcher(jdbcUrl);
        return url.matches() && url.group(3) != null && !url.group(3).isEmpty() ? url.group(3) : "default";
    }

    private static String path(String text) {
        int options = text.indexOf(';');
        String file = options < 0 ? text : text.substring(0, options);
        return java.nio.file.Path.of(file).toAbsolutePath().normalize().toString();
    }
}
