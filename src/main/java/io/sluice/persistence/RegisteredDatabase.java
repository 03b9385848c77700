package io.sluice.persistence;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One row of {@code databases} (Hamilton's table, as migrated): an external database sluice reaches.
 * Its password stays encrypted ({@link SecretCipher}) in this record; {@link RegisteredDatabases}
 * decrypts it when it opens a connection, and nowhere else.
 *
 * <p>Where it is: {@code host}, {@code port}, {@code databaseName}, or, when the host is empty, the
 * {@code connectionString}: a JDBC URL ({@code jdbc:...}, as {@code db add --url} stores it), or
 * SQLAlchemy's form as Hamilton stored it ({@code postgresql://user@host:port/db},
 * {@code mysql+pymysql://...}, {@code sqlite:///relative/path}, {@code sqlite:////absolute/path}).
 *
 * @param id                the id, Hamilton's form {@code db_} and 10 hexadecimal digits
 * @param provider          the vendor, upper case as Hamilton stores it (see {@link Provider})
 * @param passwordEncrypted the password as {@link SecretCipher#encrypt} made it, or null
 * @param status            {@code PENDING}, {@code CONNECTED}, {@code FAILED} or {@code DISCONNECTED} (Hamilton's; read in any case)
 * @param tableCount        the tables the last schema extraction found
 * @param lastConnectedAt   when a connection last succeeded, or null
 */
public record RegisteredDatabase(String id, String name, String provider, String host, Integer port, String databaseName,
                                 String username, String passwordEncrypted, String connectionString, String status,
                                 int tableCount, Instant lastConnectedAt) {

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._\\-\\[\\]:]+");
    private static final Pattern SQLALCHEMY = Pattern.compile("^([a-z]+)(\\+[a-z0-9_]+)?://");

    /** The vendors a database can be registered with, as {@code --provider} names them. */
    public enum Provider {
        POSTGRESQL(5432, "jdbc:postgresql:"), HSQLDB(9001, "jdbc:hsqldb:"), MYSQL(3306, "jdbc:mariadb:", "jdbc:mysql:"),
        MARIADB(3306, "jdbc:mariadb:", "jdbc:mysql:"), SQLITE(0, "jdbc:sqlite:"), SQLSERVER(1433, "jdbc:sqlserver:"), ORACLE(1521, "jdbc:oracle:");

        private final int defaultPort;
        private final List<String> urlPrefixes;

        Provider(int defaultPort, String... urlPrefixes) {
            this.defaultPort = defaultPort;
            this.urlPrefixes = List.of(urlPrefixes);
        }

        /** The name a row keeps, Hamilton's: {@code MYSQL} for MariaDB too, else the provider's own. */
        public String storedName() {
            return this == MARIADB ? MYSQL.name() : name();
        }

        /** How this vendor's JDBC URLs start ({@code jdbc:postgresql:}). */
        public List<String> urlPrefixes() {
            return urlPrefixes;
        }

        /** Whether {@code url} is a JDBC URL of this vendor. */
        public boolean accepts(String url) {
            return urlPrefixes.stream().anyMatch(prefix -> url.regionMatches(true, 0, prefix, 0, prefix.length()));
        }

        /** The port a server of this vendor listens on unless told otherwise (0 for SQLite, a file). */
        public int defaultPort() {
            return defaultPort;
        }

        /**
         * The provider of a name in any case ({@code postgresql}, {@code PostgreSQL}; also {@code postgres},
         * {@code mssql}).
         *
         * @throws IllegalArgumentException naming the providers there are
         */
        public static Provider of(String name) {
            String upper = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
            return switch (upper) {
                case "POSTGRES" -> POSTGRESQL;
                case "MSSQL" -> SQLSERVER;
                default -> {
                    try {
                        yield valueOf(upper);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("unknown provider '" + name
                                + "' (postgresql, hsqldb, mysql, mariadb, sqlite, sqlserver or oracle)");
                    }
                }
            };
        }
    }

    /** The provider of this row, or empty when its {@code provider} names none sluice knows. */
    public Optional<Provider> knownProvider() {
        try {
            return Optional.of(Provider.of(provider));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Where the database is, for messages and listings: never with a password. */
    public String where() {
        if (hasHost()) {
            return host + (port == null ? "" : ":" + port) + "/" + (databaseName == null ? "" : databaseName);
        }
        if (connectionString == null || connectionString.isBlank()) {
            return databaseName == null ? "" : databaseName;
        }
        return maskedUrl(connectionString);
    }

    /** {@code registered database ID (PROVIDER WHERE)}, for messages. */
    public String describe() {
        return "registered database " + id + " (" + provider + " " + where() + ")";
    }

    /**
     * The JDBC URL to connect with (no password in it: that goes to the driver apart).
     *
     * @throws IllegalStateException when the row does not say where the database is, or names a host that is not one
     */
    public String jdbcUrl() {
        Provider known = knownProvider().orElseThrow(() -> new IllegalStateException("its provider '" + provider + "' is not one sluice reaches"));
        if (!hasHost() && connectionString != null && connectionString.startsWith("jdbc:")) {
            return connectionString;
        }
        if (known == Provider.SQLITE) {
            String path = databaseName != null && !databaseName.isBlank() ? databaseName
                    : connectionString == null ? null : connectionString.replaceFirst("^sqlite:///", "");
            if (path == null || path.isBlank()) {
                throw new IllegalStateException("it names no SQLite file");
            }
            return "jdbc:sqlite:" + path;
        }
        String serverHost = host;
        Integer serverPort = port;
        String database = databaseName;
        if (!hasHost()) {
            if (connectionString == null || connectionString.isBlank()) {
                throw new IllegalStateException("it has neither a host nor a connection string");
            }
            URI uri = uri(connectionString);
            serverHost = uri.getHost();
            serverPort = uri.getPort() < 0 ? port : Integer.valueOf(uri.getPort());
            database = uri.getPath() == null || uri.getPath().length() <= 1 ? databaseName : uri.getPath().substring(1);
        }
        if (serverHost == null || !HOST.matcher(serverHost).matches()) {
            throw new IllegalStateException("its host '" + serverHost + "' is not a host name");
        }
        String at = serverHost + ":" + (serverPort == null ? known.defaultPort() : serverPort);
        String name = database == null ? "" : URLEncoder.encode(database, StandardCharsets.UTF_8);
        return switch (known) {
            case POSTGRESQL -> "jdbc:postgresql://" + at + "/" + name;
            case MYSQL, MARIADB -> "jdbc:mariadb://" + at + "/" + name;
            case HSQLDB -> "jdbc:hsqldb:hsql://" + at + "/" + name;
            case SQLSERVER -> "jdbc:sqlserver://" + at + (name.isEmpty() ? "" : ";databaseName=" + name);
            case ORACLE -> "jdbc:oracle:thin:@//" + at + "/" + name;
            case SQLITE -> throw new IllegalStateException("unreachable");
        };
    }

    /**
     * The user to connect as: {@code username}, else the one in a SQLAlchemy connection string.
     */
    public String user() {
        if (username != null && !username.isBlank()) {
            return username;
        }
        if (connectionString != null && !connectionString.startsWith("jdbc:") && SQLALCHEMY.matcher(connectionString).find()) {
            String userInfo = uri(connectionString).getUserInfo();
            return userInfo == null ? null : userInfo.replaceFirst(":.*$", "");
        }
        return null;
    }

    /**
     * A SQLAlchemy connection string as a URI.
     *
     * @throws IllegalStateException saying so, without the string (it may hold a password), when it is not a URL
     */
    private URI uri(String connectionString) {
        try {
            return URI.create(SQLALCHEMY.matcher(connectionString).replaceFirst("$1://"));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("its connection string is not a URL");
        }
    }

    /** Whether {@code host} is a host name, an IPv4 address or a bracketed IPv6 one (nothing a URL could be bent with). */
    public static boolean isHostName(String host) {
        return host != null && HOST.matcher(host).matches();
    }

    private boolean hasHost() {
        return host != null && !host.isBlank();
    }

    /**
     * A URL with its passwords masked: the value of a {@code password=} parameter (to the next {@code &} or
     * {@code ;}, or a braced {@code {...}} value whole), the password of a {@code user:password@host} part
     * (to the last {@code @} before the host), and Oracle's {@code user/password@}.
     */
    public static String maskedUrl(String url) {
        String masked = url.replaceAll("(?i)(password=)(\\{[^}]*}|[^&;]*)", "$1****");
        masked = masked.replaceFirst("(?i)^(jdbc:oracle:[a-z]+:[^/@:]*)/[^@]*@", "$1/****@");
        int slashes = masked.indexOf("//");
        if (slashes >= 0) {
            int end = slashes + 2;
            while (end < masked.length() && "?;".indexOf(masked.charAt(end)) < 0) { // a password may hold a / that was not encoded
                end++;
            }
            String authority = masked.substring(slashes + 2, end);
            int at = authority.lastIndexOf('@');
            int colon = at < 0 ? -1 : authority.indexOf(':');
            if (at > 0 && authority.indexOf('/') >= 0 && authority.indexOf('/') < colon) {
                at = -1; // a / before the user's colon: a path, not credentials
            }
            if (at > 0 && colon >= 0 && colon < at) {
                masked = masked.substring(0, slashes + 2) + authority.substring(0, colon) + ":****" + authority.substring(at) + masked.substring(end);
            }
        }
        return masked;
    }
}
