package io.sluice.workflow;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The SQL that differs between the databases a workflow reads from and writes to: how an identifier
 * is quoted and what a column of each {@link ColumnType} is created as.
 *
 * <p>Identifiers from node settings and from a schema's column names are checked by
 * {@link #problemWith} (letters, digits and underscores, not starting with a digit, at most
 * {@link #MAX_IDENTIFIER} characters) and then always quoted, so that their case is kept as written
 * and no keyword or character can change the statement.
 */
enum SqlVendor {
    POSTGRESQL, HSQLDB, MYSQL, SQLITE;

    /** PostgreSQL's limit (63 bytes), the smallest of the four; table names leave room for {@link TableExport#STAGING_SUFFIX}. */
    static final int MAX_IDENTIFIER = 63;
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** The vendor of a {@code databases.provider} ({@code POSTGRESQL}, {@code MYSQL}, {@code SQLITE}...); null when sluice cannot reach it. */
    static SqlVendor ofProvider(String provider) {
        return switch (provider == null ? "" : provider.toUpperCase(Locale.ROOT)) {
            case "POSTGRESQL", "POSTGRES" -> POSTGRESQL;
            case "MYSQL", "MARIADB" -> MYSQL;
            case "SQLITE" -> SQLITE;
            case "HSQLDB" -> HSQLDB;
            default -> null;
        };
    }

    /**
     * What is wrong with an identifier, or null when it may be used.
     *
     * @param what     what it is, for the message ({@code table name}, {@code column name})
     * @param maxLength its longest allowed length
     */
    static String problemWith(String what, String identifier, int maxLength) {
        if (identifier == null || identifier.isEmpty()) {
            return "has an empty " + what;
        }
        if (!IDENTIFIER.matcher(identifier).matches()) {
            return "has the " + what + " '" + identifier + "'; sluice takes letters, digits and underscores, not starting with a digit";
        }
        if (identifier.length() > maxLength) {
            return "has the " + what + " '" + identifier + "', longer than " + maxLength + " characters";
        }
        return null;
    }

    /** An identifier checked by {@link #problemWith}, quoted. */
    String quote(String identifier) {
        if (problemWith("identifier", identifier, Integer.MAX_VALUE) != null) {
            throw new IllegalArgumentException("not a checked identifier: " + identifier);
        }
        return this == MYSQL ? "`" + identifier + "`" : "\"" + identifier + "\"";
    }

    /**
     * The SQL type a column of {@code type} is created with. Decimals: PostgreSQL's {@code NUMERIC}
     * (any digits), HSQLDB's {@code DECIMAL(128,32)} (its plain {@code NUMERIC} has scale 0), MySQL's
     * {@code DECIMAL(65,30)}, SQLite's {@code TEXT} (its {@code NUMERIC} affinity would store
     * {@code 1.10} as a float). Dates {@code DATE} (SQLite {@code TEXT}, ISO); timestamps without a zone
     * {@code TIMESTAMP} (microseconds in PostgreSQL, {@code TIMESTAMP(9)} in HSQLDB, {@code DATETIME(6)}
     * in MySQL, ISO {@code TEXT} in SQLite).
     */
    String columnType(ColumnType type) {
        return switch (type) {
            case LONG -> this == SQLITE ? "INTEGER" : "BIGINT";
            case DOUBLE -> switch (this) {
                case POSTGRESQL -> "DOUBLE PRECISION";
                case SQLITE -> "REAL";
                default -> "DOUBLE";
            };
            case BOOLEAN -> "BOOLEAN";
            case DECIMAL -> switch (this) {
                case POSTGRESQL -> "NUMERIC";
                case HSQLDB -> "DECIMAL(128,32)";
                case MYSQL -> "DECIMAL(65,30)";
                case SQLITE -> "TEXT";
            };
            case DATE -> this == SQLITE ? "TEXT" : "DATE";
            case TIMESTAMP -> switch (this) {
                case HSQLDB -> "TIMESTAMP(9)";
                case MYSQL -> "DATETIME(6)";
                case SQLITE -> "TEXT";
                default -> "TIMESTAMP";
            };
            case STRING -> switch (this) {
                case HSQLDB -> "LONGVARCHAR";
                case MYSQL -> "LONGTEXT";
                default -> "TEXT";
            };
        };
    }
}
