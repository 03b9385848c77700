package io.sluice.persistence;

import io.sluice.InvalidInputException;
import org.postgresql.PGProperty;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where sluice keeps its data: an HSQLDB file database under the data folder by default, or the
 * database named by {@code DATABASE_URL}. The password is kept apart from the URL so that the URL
 * can be shown.
 *
 * <p>{@code DATABASE_URL} takes a JDBC URL ({@code jdbc:postgresql:...}, {@code jdbc:hsqldb:...}) as it
 * is, or a URL as the Python tools write it: {@code postgres://}, {@code postgresql://} or SQLAlchemy's
 * {@code postgresql+<driver>://} (psycopg2, psycopg, asyncpg, pg8000...), with percent-encoded user and
 * password, IPv6 hosts in brackets, several comma-separated hosts, the port optional (5432), and
 * libpq's query parameters, which become PgJDBC's equivalents (see {@link #LIBPQ_PARAMETERS}). A
 * parameter PgJDBC cannot honour, or a URL of a database sluice cannot keep its data in (SQLite, MySQL,
 * SQL Server...), is a usage error whose message never repeats the URL (it may hold a password).
 */
public record DatabaseSettings(String jdbcUrl, String username, String password, Vendor vendor, Path dataDir) {

    public enum Vendor { HSQLDB, POSTGRESQL }

    /** The file name (without extension) of the embedded database inside the data folder. */
    static final String EMBEDDED_NAME = "sluice";

    static final String ACCEPTED_FORMS = "postgresql://user:password@host:5432/db (also postgres:// and"
            + " postgresql+psycopg2://, +asyncpg://, +psycopg://, +pg8000://), a jdbc:postgresql: or jdbc:hsqldb: URL,"
            + " or nothing for the embedded database under the data folder";

    private static final int DEFAULT_PORT = 5432;

    /** SQLAlchemy's URL grammar ({@code sqlalchemy.engine.url._parse_url}), with several hosts allowed as libpq does. */
    private static final Pattern PYTHON_URL = Pattern.compile("""
            (?<scheme>[\\w+.-]+)://\
            (?:(?<user>[^:/@]*)(?::(?<password>[^@]*))?@)?\
            (?<hosts>[^/?]*)\
            (?:/(?<database>[^?]*))?\
            (?:\\?(?<query>.*))?""", Pattern.DOTALL);
    private static final Pattern HOST_AND_PORT = Pattern.compile("(?:\\[(?<ipv6>[^\\]]+)]|(?<host>[^:\\[\\]]*))(?::(?<port>[^:]*))?");
    private static final Pattern DRIVER_SCHEME = Pattern.compile("postgres|postgresql(\\+\\w+)?");

    /**
     * libpq's connection parameters (as psycopg2, psycopg and asyncpg read them from a URL) and the PgJDBC
     * property each becomes. Parameters that are PgJDBC property names already ({@code sslmode},
     * {@code sslcert}, {@code sslkey}, {@code sslrootcert}, {@code sslpassword}, {@code options},
     * {@code service}, {@code prepareThreshold}...) are passed on as they are.
     */
    static final Map<String, String> LIBPQ_PARAMETERS = Map.of(
            "connect_timeout", "connectTimeout",
            "application_name", "ApplicationName",
            "target_session_attrs", "targetServerType",
            "keepalives", "tcpKeepAlive",
            "gssencmode", "gssEncMode",
            "channel_binding", "channelBinding",
            "require_auth", "requireAuth",
            "sslnegotiation", "sslNegotiation",
            "ssl", "sslmode");

    /** What libpq's {@code target_session_attrs} values are called in PgJDBC's {@code targetServerType}. */
    private static final Map<String, String> TARGET_SERVER_TYPES = Map.of(
            "any", "any", "read-write", "primary", "primary", "primary",
            "read-only", "secondary", "standby", "secondary", "prefer-standby", "preferSecondary");

    /**
     * Reads the configured database.
     *
     * @param databaseUrl {@code DATABASE_URL}: empty or null for the embedded default, else one of the forms above
     * @param dataDir     the data folder (made absolute here)
     * @throws InvalidInputException when the URL is not a form sluice accepts
     */
    public static DatabaseSettings from(String databaseUrl, Path dataDir) {
        Path data = dataDir.toAbsolutePath().normalize();
        if (databaseUrl == null || databaseUrl.isBlank()) {
            return embedded(data);
        }
        String url = databaseUrl.trim();
        if (url.startsWith("jdbc:postgresql:")) {
            return new DatabaseSettings(url, null, null, Vendor.POSTGRESQL, data);
        }
        if (url.startsWith("jdbc:hsqldb:")) {
            return new DatabaseSettings(url, "SA", "", Vendor.HSQLDB, data);
        }
        Matcher matcher = PYTHON_URL.matcher(url);
        if (matcher.matches() && DRIVER_SCHEME.matcher(matcher.group("scheme").toLowerCase(Locale.ROOT)).matches()) {
            return fromPythonForm(matcher, data);
        }
        throw new InvalidInputException("DATABASE_URL " + describe(url) + ", which sluice cannot keep its data in;"
                + " give " + ACCEPTED_FORMS);
    }

    static DatabaseSettings embedded(Path data) {
        String url = "jdbc:hsqldb:file:" + data.resolve(EMBEDDED_NAME)
                + ";shutdown=true;hsqldb.default_table_type=cached;hsqldb.tx=mvcc";
        return new DatabaseSettings(url, "SA", "", Vendor.HSQLDB, data);
    }

    private static DatabaseSettings fromPythonForm(Matcher url, Path data) {
        String user = url.group("user") == null || url.group("user").isEmpty() ? null : unquote(url.group("user"));
        String password = url.group("password") == null ? null : unquote(url.group("password"));
        String database = url.group("database") == null ? "" : unquote(url.group("database"));
        List<String> hosts = new ArrayList<>();
        for (String hostSpec : url.group("hosts").split(",", -1)) {
            hosts.add(hostAndPort(hostSpec));
        }
        Map<String, String> properties = new LinkedHashMap<>();
        for (Map.Entry<String, String> parameter : queryParameters(url.group("query")).entrySet()) {
            String name = parameter.getKey();
            String value = parameter.getValue();
            switch (name) {
                case "user" -> user = value;
                case "password" -> password = value;
                case "dbname" -> database = value;
                case "host" -> hosts = List.of(hostAndPort(tcpHost(value) + portOf(hosts)));
                case "port" -> hosts = hosts.stream().map(h -> h.replaceFirst(":\\d+$", "") + ":" + port(value)).toList();
                case "client_encoding" -> requireUtf8(value);
                default -> properties.put(pgjdbcName(name), pgjdbcValue(name, value));
            }
        }
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(String.join(",", hosts)).append('/')
                .append(URLEncoder.encode(database, StandardCharsets.UTF_8));
        char separator = '?';
        for (Map.Entry<String, String> property : properties.entrySet()) {
            jdbc.append(separator).append(property.getKey()).append('=').append(URLEncoder.encode(property.getValue(), StandardCharsets.UTF_8));
            separator = '&';
        }
        return new DatabaseSettings(jdbc.toString(), user, password, Vendor.POSTGRESQL, data);
    }

    /** {@code host:port} for PgJDBC ({@code [v6]:port} for an IPv6 address); a missing host is this machine's loopback. */
    private static String hostAndPort(String hostSpec) {
        Matcher matcher = HOST_AND_PORT.matcher(hostSpec);
        if (!matcher.matches()) {
            throw new InvalidInputException("DATABASE_URL has a host that is not host, host:port or [IPv6]:port; give " + ACCEPTED_FORMS);
        }
        String host = matcher.group("ipv6") != null ? "[" + matcher.group("ipv6") + "]" : tcpHost(unquote(matcher.group("host")));
        String port = matcher.group("port") == null || matcher.group("port").isEmpty() ? Integer.toString(DEFAULT_PORT) : port(matcher.group("port"));
        return (host.isEmpty() ? "localhost" : host) + ":" + port;
    }

    private static String tcpHost(String host) {
        if (host.startsWith("/") || host.startsWith("@")) {
            throw new InvalidInputException("DATABASE_URL names a Unix socket (" + host + "); sluice's PostgreSQL driver"
                    + " connects over TCP only: give the server's host name or address instead");
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static String portOf(List<String> hosts) {
        String first = hosts.get(0);
        return first.substring(first.lastIndexOf(':'));
    }

    private static String port(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port > 0 && port < 65536) {
                return Integer.toString(port);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInputException("DATABASE_URL has the port '" + text + "', which is not a number from 1 to 65535");
    }

    private static void requireUtf8(String encoding) {
        String normal = encoding.toLowerCase(Locale.ROOT).replace("-", "");
        if (!normal.equals("utf8") && !normal.equals("unicode")) {
            throw new InvalidInputException("DATABASE_URL asks for client_encoding=" + encoding
                    + "; sluice's PostgreSQL driver always talks UTF-8: remove the parameter");
        }
    }

    private static String pgjdbcName(String name) {
        String mapped = LIBPQ_PARAMETERS.getOrDefault(name, name);
        if (PGProperty.forName(mapped) == null || mapped.equals("PGDBNAME") || mapped.equals("PGHOST") || mapped.equals("PGPORT")) {
            throw new InvalidInputException("DATABASE_URL has the parameter '" + name + "', which sluice's PostgreSQL driver"
                    + " cannot honour; remove it (understood: sslmode, sslcert, sslkey, sslrootcert, sslpassword, connect_timeout,"
                    + " application_name, options, target_session_attrs, keepalives, gssencmode, channel_binding, service,"
                    + " host, port, dbname, user, password, and PgJDBC's own properties)");
        }
        return mapped;
    }

    private static String pgjdbcValue(String name, String value) {
        return switch (name) {
            case "target_session_attrs" -> {
                String type = TARGET_SERVER_TYPES.get(value.toLowerCase(Locale.ROOT));
                if (type == null) {
                    throw new InvalidInputException("DATABASE_URL has target_session_attrs=" + value
                            + "; expected one of " + String.join(", ", TARGET_SERVER_TYPES.keySet()));
                }
                yield type;
            }
            case "keepalives" -> Boolean.toString(!value.equals("0"));
            // asyncpg's ssl=true verifies the server as the default SSL context does
            case "ssl" -> switch (value.toLowerCase(Locale.ROOT)) {
                case "true", "1" -> "verify-full";
                case "false", "0" -> "disable";
                default -> value;
            };
            default -> value;
        };
    }

    /** The query's parameters, decoded as Python's {@code parse_qsl} does ({@code +} is a space); the last of a repeated name wins. */
    private static Map<String, String> queryParameters(String query) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            parameters.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return parameters;
    }

    /** Percent-decoding as SQLAlchemy reads a URL's user, password and database ({@code unquote}: a {@code +} stays a plus). */
    private static String unquote(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length() && isHex(text.charAt(i + 1)) && isHex(text.charAt(i + 2))) {
                bytes.write(Integer.parseInt(text, i + 1, i + 3, 16));
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    /** What kind of URL this is, for the message (never the URL itself, which may hold a password). */
    private static String describe(String url) {
        Matcher scheme = Pattern.compile("^(?:jdbc:)?([A-Za-z][\\w+.-]*):").matcher(url);
        if (!scheme.find()) {
            return "is not a database URL";
        }
        String name = scheme.group(1).toLowerCase(Locale.ROOT);
        String database = name.replaceFirst("\\+.*", "");
        return switch (database) {
            case "sqlite" -> "names a SQLite file";
            case "mysql", "mariadb" -> "names a MySQL/MariaDB database";
            case "mssql", "sqlserver" -> "names a SQL Server database";
            case "oracle" -> "names an Oracle database";
            default -> "names a '" + name + "' database";
        };
    }

    public boolean isEmbedded() {
        return vendor == Vendor.HSQLDB && jdbcUrl.startsWith("jdbc:hsqldb:file:");
    }

    /** The JDBC URL with any password parameter masked, for messages. */
    public String displayUrl() {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1****");
    }

    @Override
    public String toString() {
        return "DatabaseSettings[" + displayUrl() + "]";
    }
}
