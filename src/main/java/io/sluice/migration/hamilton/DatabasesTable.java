package io.sluice.migration.hamilton;

import io.sluice.batch.InvalidRecordException;
import io.sluice.persistence.SecretCipher;
import io.sluice.SluiceException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import tools.jackson.databind.JsonNode;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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
 * nothing else) whatever their case in the store; the port is read as a number, and the password encrypted into {@code password_encrypted}: the {@code password}
 * column's, or, when that is empty, the one the connection string holds (in any form
 * {@link ConnectionPasswords} reads). Every password is taken out of the connection string
 * ({@code postgresql://user@host:port/db} is kept, a key's value becomes {@code ****}). When the
 * connection string holds another password than the column, the column's is the password and the
 * connection string's is kept encrypted in {@code connection_password_encrypted}: nothing is lost.
 * Every other occurrence of a password is masked by {@link MaskedTable}, not here.
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
            SELECT id, name, provider, host, port, database_name, username, password_encrypted, connection_password_encrypted,
                   connection_string, status, table_count, schema_json, sql_content, created_at, updated_at, last_connected_at, description, tags
            FROM databases WHERE id IN (:ids)
            """;
    private static final String INSERT_TARGET = """
            INSERT INTO databases (id, name, provider, host, port, database_name, username, password_encrypted,
                                   connection_password_encrypted, connection_string, status, table_count, schema_json, sql_content, created_at,
                                   updated_at, last_connected_at, description, tags)
            VALUES (:id, :name, :provider, :host, :port, :database_name, :username, :password_encrypted,
                    :connection_password_encrypted, :connection_string, :status, :table_count, CAST(:schema_json AS jsonb), :sql_content, :created_at,
                    :updated_at, :last_connected_at, :description, CAST(:tags AS jsonb))
            """;
    private static final String UPDATE_TARGET = """
            UPDATE databases SET name = :name, provider = :provider, host = :host, port = :port,
                   database_name = :database_name, username = :username, password_encrypted = :password_encrypted,
                   connection_password_encrypted = :connection_password_encrypted,
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
    /** Stands for a stored password that the configured key cannot decrypt: never equal to a real one. */
    private static final Secret UNREADABLE = new Secret("\u0000unreadable");

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

    /** A password in memory, never in a text form. */
    record Secret(String value) {
        @Override
        public String toString() {
            return ConnectionPasswords.MASK;
        }
    }

    /**
     * A row's passwords as they land.
     *
     * @param password           the password: the column's, else the connection string's; null when neither holds one
     * @param connectionPassword the connection string's, when it differs from the column's; else null
     * @param recovered          whether the password came from the connection string, the column being empty
     */
    record Passwords(Secret password, Secret connectionPassword, boolean recovered) {
        boolean disagree() {
            return connectionPassword != null;
        }
    }

    /**
     * A row as it lands; its passwords are plain text in memory only, and left out of its text form.
     * {@code connectionPassword} is the connection string's when it differs from {@code password}.
     */
    record Database(String id, String name, String provider, String host, Integer port, String databaseName,
                    String username, Secret password, Secret connectionPassword, String connectionString, String status, int tableCount,
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

    /** The row's passwords: see {@link Passwords}. */
    static Passwords passwords(LegacyDatabase row) {
        String column = row.password() == null || row.password().isEmpty() ? null : row.password();
        List<ConnectionPasswords.Found> found = ConnectionPasswords.find(row.connectionString());
        if (column == null) {
            return found.isEmpty() ? new Passwords(null, null, false)
                    : new Passwords(new Secret(found.get(0).password()), otherThan(found.get(0).password(), found), true);
        }
        boolean spelledIn = PasswordMask.of(List.of(column)).matches(row.connectionString());
        return new Passwords(new Secret(column), spelledIn ? null : otherThan(column, found), false);
    }

    private static Secret otherThan(String password, List<ConnectionPasswords.Found> found) {
        return found.stream().filter(candidate -> !candidate.means(password)).findFirst()
                .map(other -> new Secret(other.password())).orElse(null);
    }

    /** Every password of the row in every reading, for the mask of the whole store. */
    static List<String> secrets(LegacyDatabase row) {
        List<String> secrets = new ArrayList<>();
        secrets.add(row.password());
        for (ConnectionPasswords.Found found : ConnectionPasswords.find(row.connectionString())) {
            secrets.add(found.password());
            secrets.add(found.raw());
            secrets.add(PasswordSpellings.unquote(found.raw()));
        }
        return secrets;
    }

    @Override
    public Database convert(LegacyDatabase row) {
        Passwords passwords = passwords(row);
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
                required("name", row.name(), 255),
                provider,
                optional("host", row.host(), 255),
                port,
                optional("database_name", row.databaseName(), 255),
                optional("username", row.username(), 255),
                passwords.password(),
                passwords.connectionPassword(),
                ConnectionPasswords.withoutPasswords(row.connectionString()),
                status,
                requiredInteger("table_count", row.tableCount()),
                json("schema_json", row.schemaJson()),
                row.sqlContent(),
                requiredTime("created_at", row.createdAt()),
                requiredTime("updated_at", row.updatedAt()),
                optionalTime("last_connected_at", row.lastConnectedAt()),
                row.description(),
                json("tags", row.tags()));
    }

    @Override
    public Object key(Database row) {
        return row.id();
    }

    @Override
    public Database readTarget(ResultSet rs) throws SQLException {
        return new Database(rs.getString("id"), rs.getString("name"), rs.getString("provider"), rs.getString("host"),
                targetInteger(rs, "port"), rs.getString("database_name"), rs.getString("username"),
                decrypt(rs.getString("password_encrypted")), decrypt(rs.getString("connection_password_encrypted")),
                rs.getString("connection_string"), rs.getString("status"),
                rs.getInt("table_count"), targetJson(rs, "schema_json"), rs.getString("sql_content"),
                targetTime(rs, "created_at"), targetTime(rs, "updated_at"), targetTime(rs, "last_connected_at"),
                rs.getString("description"), targetJson(rs, "tags"));
    }

    private Secret decrypt(String stored) {
        try {
            String plain = cipher.decrypt(stored);
            return plain == null ? null : new Secret(plain);
        } catch (SluiceException e) {
            return UNREADABLE;
        }
    }

    private String encrypt(Secret secret) {
        return secret == null ? null : cipher.encrypt(secret.value());
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
                .addValue("password_encrypted", encrypt(row.password()))
                .addValue("connection_password_encrypted", encrypt(row.connectionPassword()))
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
