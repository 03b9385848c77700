package io.sluice.schema;

import io.sluice.persistence.TableSchema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@link Concepts.Sampler} over a read-only connection to the analysed database: every query reads at most
 * {@value #SAMPLE_ROWS} rows of a table ({@code LIMIT}, SQL Server's {@code TOP}, Oracle's {@code FETCH FIRST})
 * and times out after {@value #TIMEOUT_SECONDS} s. Identifiers are quoted with the driver's quote string. A
 * query the database refuses (a reference between columns of types that do not compare) gives no sample and
 * is rolled back; a lost connection fails the step.
 */
final class JdbcSampler implements Concepts.Sampler {

    static final int SAMPLE_ROWS = 1000;
    static final int TIMEOUT_SECONDS = 30;

    private final Connection connection;
    private final Function<SQLException, RuntimeException> lost;
    private final String quote;
    private final String product;

    /**
     * @param lost what a lost connection fails the step with ({@link io.sluice.persistence.RegisteredDatabases#unreachable})
     */
    JdbcSampler(Connection connection, Function<SQLException, RuntimeException> lost) throws SQLException {
        this.connection = connection;
        this.lost = lost;
        String q = connection.getMetaData().getIdentifierQuoteString();
        this.quote = q == null || q.isBlank() ? "\"" : q.trim();
        this.product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
    }

    @Override
    public List<String> distinctValues(TableSchema table, String column, int max) {
        String c = quoted(column);
        String sql = "SELECT v, count(*) AS n FROM (" + sample(c + " AS v", table, c + " IS NOT NULL") + ") s GROUP BY v ORDER BY n DESC, v";
        List<String> values = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(TIMEOUT_SECONDS);
            statement.setMaxRows(max + 1);
            try (ResultSet rows = statement.executeQuery(sql)) {
                while (rows.next()) {
                    values.add(rows.getString("v"));
                }
            }
            return values;
        } catch (SQLException e) {
            return refused(e, List.of());
        }
    }

    @Override
    public Optional<Double> matchRatio(TableSchema child, List<String> columns, TableSchema parent, List<String> keyColumns) {
        StringBuilder notNull = new StringBuilder();
        StringBuilder select = new StringBuilder();
        StringBuilder match = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            String c = quoted(columns.get(i));
            select.append(i == 0 ? "" : ", ").append(c).append(" AS c").append(i);
            notNull.append(i == 0 ? "" : " AND ").append(c).append(" IS NOT NULL");
            match.append(i == 0 ? "" : " AND ").append("p.").append(quoted(keyColumns.get(i))).append(" = s.c").append(i);
        }
        String sql = "SELECT count(*) AS sampled, sum(CASE WHEN EXISTS (SELECT 1 FROM " + qualified(parent) + " p WHERE " + match
                + ") THEN 1 ELSE 0 END) AS matched FROM (" + sample(select.toString(), child, notNull.toString()) + ") s";
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(TIMEOUT_SECONDS);
            try (ResultSet rows = statement.executeQuery(sql)) {
                rows.next();
                long sampled = rows.getLong("sampled");
                long matched = rows.getLong("matched");
                return sampled == 0 ? Optional.empty() : Optional.of((double) matched / sampled);
            }
        } catch (SQLException e) {
            return refused(e, Optional.empty());
        }
    }

    /** At most {@value #SAMPLE_ROWS} rows of {@code what} from {@code table} where {@code condition}, in the vendor's words. */
    private String sample(String what, TableSchema table, String condition) {
        if (product.contains("microsoft")) {
            return "SELECT TOP " + SAMPLE_ROWS + " " + what + " FROM " + qualified(table) + " WHERE " + condition;
        }
        if (product.contains("oracle")) {
            return "SELECT " + what + " FROM " + qualified(table) + " WHERE " + condition + " FETCH FIRST " + SAMPLE_ROWS + " ROWS ONLY";
        }
        return "SELECT " + what + " FROM " + qualified(table) + " WHERE " + condition + " LIMIT " + SAMPLE_ROWS;
    }

    private <T> T refused(SQLException e, T none) {
        String state = e.getSQLState();
        if (state != null && state.startsWith("08")) {
            throw lost.apply(e);
        }
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback(); // PostgreSQL refuses every later statement of a transaction that failed
            }
        } catch (SQLException gone) {
            throw lost.apply(gone);
        }
        return none;
    }

    private String qualified(TableSchema table) {
        boolean catalogs = product.contains("mysql") || product.contains("mariadb");
        return table.schema() == null || catalogs && table.schema().equals(catalogOrNull()) ? quoted(table.name())
                : quoted(table.schema()) + "." + quoted(table.name());
    }

    private String catalogOrNull() {
        try {
            return connection.getCatalog();
        } catch (SQLException e) {
            return null;
        }
    }

    private String quoted(String identifier) {
        return quote + identifier.replace(quote, quote + quote) + quote;
    }
}
