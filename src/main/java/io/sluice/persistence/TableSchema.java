package io.sluice.persistence;

import java.util.List;

/**
 * One table of an external database as its catalogue describes it.
 *
 * @param schema            the schema (PostgreSQL, SQL Server, HSQLDB), the database (MySQL, MariaDB) or
 *                          null (SQLite)
 * @param columns           in their order in the table
 * @param primaryKey        the primary key's columns in key order; empty when there is none
 * @param foreignKeys       the foreign keys this table declares
 * @param uniqueConstraints each unique constraint's (or unique index's) columns, the primary key's not among them
 * @param indexes           every index, unique or not, the primary key's included where the vendor lists it
 * @param rowEstimate       the catalogue's estimate of the rows, or null when the vendor keeps none
 *                          (never counted: counting a large table would take long)
 */
public record TableSchema(String schema, String name, List<Column> columns, List<String> primaryKey, List<ForeignKey> foreignKeys,
                          List<List<String>> uniqueConstraints, List<Index> indexes, Long rowEstimate) {

    public TableSchema {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        foreignKeys = List.copyOf(foreignKeys);
        uniqueConstraints = uniqueConstraints.stream().map(List::copyOf).toList();
        indexes = List.copyOf(indexes);
    }

    /**
     * A table's name in its schema.
     *
     * @param schema null where the vendor has no schemas
     */
    public record Name(String schema, String name) {

        /** {@code schema.name}, or {@code name} without a schema. */
        public String qualified() {
            return schema == null ? name : schema + "." + name;
        }
    }

    /**
     * A column.
     *
     * @param dataType     the vendor's type as its catalogue spells it ({@code integer}, {@code character varying(100)})
     * @param defaultValue the default's expression as the catalogue gives it, or null
     */
    public record Column(String name, String dataType, boolean nullable, String defaultValue) {
    }

    /**
     * A declared foreign key: {@code columns} of this table reference {@code referencedColumns} of another (or the same).
     *
     * @param name the constraint's name, or null when the vendor gives none
     */
    public record ForeignKey(String name, List<String> columns, String referencedSchema, String referencedTable,
                             List<String> referencedColumns) {

        public ForeignKey {
            columns = List.copyOf(columns);
            referencedColumns = List.copyOf(referencedColumns);
        }
    }

    /** An index over {@code columns}, in index order (expressions left out). */
    public record Index(String name, List<String> columns, boolean unique) {

        public Index {
            columns = List.copyOf(columns);
        }
    }

    public Name tableName() {
        return new Name(schema, name);
    }

    /** The foreign key that {@code column} belongs to, if any (the first). */
    public java.util.Optional<ForeignKey> foreignKeyOf(String column) {
        return foreignKeys.stream().filter(key -> key.columns().contains(column)).findFirst();
    }
}
