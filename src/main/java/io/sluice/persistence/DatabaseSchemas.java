package io.sluice.persistence;

import io.sluice.NotFoundException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A registered database's schema for {@code db schema}: read from the live database in chunks of
 * {@value #CHUNK} tables, or, when it cannot be reached, the {@code schema_json} the last analysis cached.
 */
@Component
public class DatabaseSchemas {

    static final int CHUNK = 200;
    private static final String CACHED = "SELECT schema_json, updated_at FROM databases WHERE id = :id";

    private final RegisteredDatabases databases;
    private final JdbcClient jdbc;

    DatabaseSchemas(RegisteredDatabases databases, JdbcClient jdbc) {
        this.databases = databases;
        this.jdbc = jdbc;
    }

    /**
     * The tables, and where they were read: {@code live from ...} or {@code cached ...: the database cannot be reached (why)}.
     */
    public record Found(List<TableSchema> tables, String source, boolean live) {
    }

    /**
     * @throws NotFoundException           when no database has that id
     * @throws RegisteredDatabaseException when it cannot be reached and has no cached schema
     */
    public Found schema(String id) {
        RegisteredDatabase database = databases.get(id);
        Optional<Cached> cached = jdbc.sql(CACHED).param("id", id)
                .query((rs, row) -> new Cached(rs.getString("schema_json"), rs.getTimestamp("updated_at"))).optional()
                .filter(c -> c.json() != null); // read before the status note below changes updated_at
        try {
            List<TableSchema> tables = databases.read(database, connection -> {
                DatabaseCatalog catalog = DatabaseCatalog.of(connection);
                List<TableSchema.Name> names = catalog.tables(connection);
                List<TableSchema> described = new ArrayList<>();
                for (int from = 0; from < names.size(); from += CHUNK) {
                    described.addAll(catalog.describe(connection, names.subList(from, Math.min(names.size(), from + CHUNK))));
                }
                return described;
            });
            return new Found(tables, "Schema of " + database.describe() + ", read live: " + tables.size() + " tables.", true);
        } catch (RegisteredDatabaseException e) {
            String why = e.reason();
            return cached.map(c -> new Found(SchemaJson.fromHamilton(c.json()), "Schema of " + database.describe() + " as cached "
                            + c.at().toInstant() + " (the database cannot be reached: " + why + ").", false))
                    .orElseThrow(() -> new RegisteredDatabaseException(e.getMessage() + "; no schema of it is cached (sluice analyze-schema " + id
                            + " caches one)", e.reason()));
        }
    }

    private record Cached(String json, Timestamp at) {
    }
}
