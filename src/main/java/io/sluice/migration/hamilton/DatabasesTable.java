package io.sluice.migration.hamilton;

import io.sluice.batch.InvalidRecordException;
import io.sluice.persistence.SecretCipher;
import io.sluice.SluiceException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.sluice.batch.JsonFields.abbreviate;
import static io.sluice.migration.hamilton.LegacyValues.integer;
import static io.sluice.migration.hamilton.LegacyValues.json;
import static io.sluice.migration.hamilton.LegacyValues.jsonText;
import static io.sluice.migration.hamilton.LegacyValues.upper;
import static io.sluice.migration.hamilton.LegacyValues.optional;
import static io.sluice.migration.hamilton.LegacyValues.optionalTime;
import static io.sluice.migration.hamilton.LegacyValues.required;
import static io.sluice.migration.hamilton.LegacyValues.requiredInteger;
import static io.sluice.migration.hamilton.LegacyValues.requiredTime;
import static io.sluice.migration.hamilton.LegacyValues.targetInteger;
import static io.sluice.migration.hamilton.LegacyValues.targetJson;
import static io.sluice.migration.hamilton.LegacyValues.targetTime;

/**
 * Hamilton's registered databases. Provider and status are checked and kept as Hamilton's SQLAlchemy
 * enums store them, member names in upper case ({@code POSTGRESQL}, {@code CONNECTED}; its ORM reads
 * nothing else) whatever their case in the store; the port is read as a number, and the plain-text
 * password encrypted into {@code password_encrypted}: it is taken out of the connection string
 * ({@code postgresql://user@host:port/db} is kept) and replaced by {@code ****} wherever else it
 * occurs in the row, so that it lands nowhere but encrypted.
 */
final class DatabasesTable implements HamiltonTable<DatabasesTable.LegacyDatabase, DatabasesTable.Database> {

    private static final String SELECT_SOURCE = """
            SELECT id, name, provider, host, port, database_name, username, password, connection_string, status,
                   table_count, schema_json, sql_content, created_at, updated_at, last_connected_at, description, tags
            FROM databases ORDER BY id
            """;
    private static final String SELECT_SOURCE_BY_ID = """
            SELECT id, name, provider, host, port, database_name, username, password, connection_string, status,
                   table_count, schema_json, sql_content, created_at, updated_at, last_connected_at, description, tags
            FROM databases WHERE id = ?
            """;
    private static final String SELECT_TARGET = """
            SELECT id, name, provider, host, port, database_name, username, password_encrypted, connection_string, status,
                   table_count, schema_json, sql_content, created_at, updated_at, last_connected_at, description, tags
            FROM databases WHERE id IN (:ids)
            """;
    private static final String INSERT_TARGET = """
            INSERT INTO databases (id, name, provider, host, port, database_name, username, password_encrypted,
                                   connection_string, status, table_count, schema_json, sql_content, created_at,
                                   updated_at, last_connected_at, description, tags)
            VALUES (:id, :name, :provider, :host, :port, :database_name, :username, :password_encrypted,
                    :connection_string, :status, :table_count, CAST(:schema_json AS jsonb), :sql_content, :created_at,
                    :updated_at, :last_connected_at, :description, CAST(:tags AS jsonb))
            """;
    private static final String UPDATE_TARGET = """
            UPDATE databases SET name = :name, provider = :provider, host = :host, port = :port,
                   database_name = :database_name, username = :username, password_encrypted = :password_encrypted,
                   connection_string = :connection_string, status = :status, table_count = :table_count,
                   schema_json = CAST(:schema_json AS jsonb), sql_content = :sql_content, created_at = :created_at,
                   updated_at = :updated_at, last_connected_at = :last_connected_at, description = :description,
                   tags = CAST(:tags AS jsonb)
            WHERE id = :id
            """;
    private static final Statements STATEMENTS = new Statements("databases", SELECT_SOURCE, SELECT_SOURCE_BY_ID, SELECT_TARGET,
            INSERT_TARGET, UPDATE_TARGET);

    static final Set<String> PROVIDERS = Set.of("POSTGRESQL", "MYSQL", "SQLITE", "SQLSERVER", "ORACLE");
    static final Set<String> STATUSES = Set.of("PENDING", "CONNECTED", "FAILED", "DISCONNECTED");
    static final String REDACTED = "****";
    /** Stands for a stored password that the configured key cannot decrypt: never equal to a real one. */
    private static final String UNREADABLE = "\u0000unreadable";
    /** {@code scheme://user:password@rest}: the password part of a URL's user info. */
    private static final Pattern URL_PASSWORD = Pattern.compile("^([A-Za-z][A-Za-z0-9+.\\-]*://[^:@/?#]*):[^@/?#]*@");

    private final SecretCipher cipher;

    DatabasesTable(SecretCipher cipher) {
        this.cipher = cipher;
    }

    /** A row as stored by Hamilton. Its text form, which rejects show, holds no password and no column that may hold one. */
    record LegacyDatabase(String id, String name, String provider, String host, String port, String databaseName,
                          String username, String password, String connectionString, String status, String tableCount,
                          String schemaJson, String sqlContent, String createdAt, String updatedAt, String lastConnectedAt,
                          String description, String tags) {
        @Override
        public String toString() {
            return "{id=" + id + ", provider=" + provider + ", port=" + port + ", status=" + status + ", table_count=" + tableCount
                    + ", created_at=" + createdAt + ", updated_at=" + updatedAt + "} (name, password, connection string,"
                    + " SQL and other free text left out: they may hold the password)";
        }
    }

    /** A row as it lands; {@code password} is plain text in memory only, and left out of its text form. */
    record Database(String id, String name, String provider, String host, Integer port, String databaseName,
                    String username, String password, String connectionString, String status, int tableCount,
                    JsonNode schemaJson, String sqlContent, OffsetDateTime createdAt, OffsetDateTime updatedAt,
                    OffsetDateTime lastConnectedAt, String description, JsonNode tags) {
        @Override
        public String toString() {
            return "{id=" + id + ", provider=" + provider + ", host=" + host + ", port=" + port + ", status=" + status
                    + ", table_count=" + tableCount + "} (password and free text left out)";
        }
    }

    @Override
    public Statements statements() {
        return STATEMENTS;
    }

    @Override
    public LegacyDatabase readSource(ResultSet rs) throws SQLException {
        return new LegacyDatabase(rs.getString("id"), rs.getString("name"), rs.getString("provider"), rs.getString("host"),
                rs.getString("port"), rs.getString("database_name"), rs.getString("username"), rs.getString("password"),
                rs.getString("connection_string"), rs.getString("status"), rs.getString("table_count"),
                rs.getString("schema_json"), rs.getString("sql_content"), rs.getString("created_at"),
                rs.getString("updated_at"), rs.getString("last_connected_at"), rs.getString("description"), rs.getString("tags"));
    }

    @Override
    public String sourceKey(LegacyDatabase row) {
        return row.id();
    }

    @Override
    public Database convert(LegacyDatabase row) {
        String password = row.password() == null || row.password().isEmpty() ? null : row.password();
        try {
            String provider = upper(required("provider", row.provider(), 20));
            if (!PROVIDERS.contains(provider)) {
                throw new InvalidRecordException("unknown provider '" + abbreviate(provider) + "': expected one of POSTGRESQL, MYSQL, SQLITE, SQLSERVER, ORACLE");
            }
            String status = upper(required("status", row.status(), 20));
            if (!STATUSES.contains(status)) {
                throw new InvalidRecordException("unknown status '" + abbreviate(status) + "': expected one of PENDING, CONNECTED, FAILED, DISCONNECTED");
            }
            Integer port = integer("port", row.port());
            if (port != null && (port < 0 || port > 65535)) {
                throw new InvalidRecordException("port " + port + " is out of range (0..65535)");
            }
            return new Database(
                    required("id", row.id(), 50),
                    redact(required("name", row.name(), 255), password),
                    provider,
                    redact(optional("host", row.host(), 255), password),
                    port,
                    redact(optional("database_name", row.databaseName(), 255), password),
                    redact(optional("username", row.username(), 255), password),
                    password,
                    redact(withoutPassword(row.connectionString()), password),
                    status,
                    requiredInteger("table_count", row.tableCount()),
                    redact(json("schema_json", row.schemaJson()), password),
                    redact(row.sqlContent(), password),
                    requiredTime("created_at", row.createdAt()),
                    requiredTime("updated_at", row.updatedAt()),
                    optionalTime("last_connected_at", row.lastConnectedAt()),
                    redact(row.description(), password),
                    redact(json("tags", row.tags()), password));
        } catch (InvalidRecordException e) {
            String reason = redact(e.getMessage(), password);
            throw reason.equals(e.getMessage()) ? e : new InvalidRecordException(reason);
        }
    }

    /** The connection string without the password of its user info: {@code postgresql://appuser@localhost:5433/db}. */
    static String withoutPassword(String connectionString) {
        if (connectionString == null) {
            return null;
        }
        Matcher matcher = URL_PASSWORD.matcher(connectionString);
        return matcher.find() ? matcher.group(1) + "@" + connectionString.substring(matcher.end()) : connectionString;
    }

    static String redact(String text, String password) {
        return text == null || password == null ? text : text.replace(password, REDACTED);
    }

    /** The JSON with the password replaced in every string value and property name. */
    static JsonNode redact(JsonNode node, String password) {
        if (node == null || password == null) {
            return node;
        }
        if (node.isString()) {
            String text = node.asString();
            return text.contains(password) ? JsonNodeFactory.instance.stringNode(redact(text, password)) : node;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.values().forEach(element -> copy.add(redact(element, password)));
            return copy;
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.properties().forEach(property -> copy.set(redact(property.getKey(), password), redact(property.getValue(), password)));
            return copy;
        }
        return node;
    }

    @Override
    public Object key(Database row) {
        return row.id();
    }

    @Override
    public Database readTarget(ResultSet rs) throws SQLException {
        return new Database(rs.getString("id"), rs.getString("name"), rs.getString("provider"), rs.getString("host"),
                targetInteger(rs, "port"), rs.getString("database_name"), rs.getString("username"),
                decrypt(rs.getString("password_encrypted")), rs.getString("connection_string"), rs.getString("status"),
                rs.getInt("table_count"), targetJson(rs, "schema_json"), rs.getString("sql_content"),
                targetTime(rs, "created_at"), targetTime(rs, "updated_at"), targetTime(rs, "last_connected_at"),
                rs.getString("description"), targetJson(rs, "tags"));
    }

    private String decrypt(String stored) {
        try {
            return cipher.decrypt(stored);
        } catch (SluiceException e) {
            return UNREADABLE;
        }
    }

    @Override
    public SqlParameterSource parameters(Database row) {
        return new MapSqlParameterSource()
                .addValue("id", row.id())
                .addValue("name", row.name())
                .addValue("provider", row.provider())
                .addValue("host", row.host())
                .addValue("port", row.port())
                .addValue("database_name", row.databaseName())
                .addValue("username", row.username())
                .addValue("password_encrypted", cipher.encrypt(row.password()))
                .addValue("connection_string", row.connectionString())
                .addValue("status", row.status())
                .addValue("table_count", row.tableCount())
                .addValue("schema_json", jsonText(row.schemaJson()))
                .addValue("sql_content", row.sqlContent())
                .addValue("created_at", row.createdAt())
                .addValue("updated_at", row.updatedAt())
                .addValue("last_connected_at", row.lastConnectedAt())
                .addValue("description", row.description())
                .addValue("tags", jsonText(row.tags()));
    }
}
