package io.sluice.persistence;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A schema as JSON: Hamilton's {@code schema_json} shape for the cached copy in {@code databases}
 * ({@code {tableCount, tables: [{name, schema, columns: [{name, dataType, isPrimaryKey, isForeignKey,
 * isNullable, defaultValue, referencedTable, referencedColumn}]}]}}, which Hamilton's code reads), with
 * what sluice extracts beyond it on each table ({@code primaryKey}, {@code foreignKeys},
 * {@code uniqueConstraints}, {@code indexes}, {@code rowEstimate}); and one {@link TableSchema} as
 * JSON, as a snapshot keeps it.
 */
public final class SchemaJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SchemaJson() {
    }

    /** {@code tables} in Hamilton's shape, with sluice's extras. */
    public static String hamilton(List<TableSchema> tables) {
        ObjectNode root = JSON.createObjectNode();
        root.put("tableCount", tables.size());
        ArrayNode array = root.putArray("tables");
        for (TableSchema table : tables) {
            ObjectNode node = array.addObject();
            node.put("name", table.name());
            node.put("schema", table.schema());
            ArrayNode columns = node.putArray("columns");
            for (TableSchema.Column column : table.columns()) {
                ObjectNode c = columns.addObject();
                c.put("name", column.name());
                c.put("dataType", column.dataType());
                c.put("isPrimaryKey", table.primaryKey().contains(column.name()));
                var key = table.foreignKeyOf(column.name());
                c.put("isForeignKey", key.isPresent());
                c.put("isNullable", column.nullable());
                c.put("defaultValue", column.defaultValue());
                c.put("referencedTable", key.map(TableSchema.ForeignKey::referencedTable).orElse(null));
                c.put("referencedColumn", key.map(k -> k.referencedColumns().get(k.columns().indexOf(column.name()))).orElse(null));
            }
            node.set("primaryKey", JSON.valueToTree(table.primaryKey()));
            node.set("foreignKeys", JSON.valueToTree(table.foreignKeys()));
            node.set("uniqueConstraints", JSON.valueToTree(table.uniqueConstraints()));
            node.set("indexes", JSON.valueToTree(table.indexes()));
            node.put("rowEstimate", table.rowEstimate());
        }
        return JSON.writeValueAsString(root);
    }

    /**
     * The tables of a Hamilton-shaped {@code schema_json}: with sluice's extras where they are, else from
     * the column flags (a migrated Hamilton schema: its foreign keys one column each).
     *
     * @throws tools.jackson.core.JacksonException when it is not JSON
     */
    public static List<TableSchema> fromHamilton(String json) {
        JsonNode root = JSON.readTree(json);
        List<TableSchema> tables = new ArrayList<>();
        for (JsonNode node : root.path("tables")) {
            List<TableSchema.Column> columns = new ArrayList<>();
            List<String> primaryKey = new ArrayList<>();
            List<TableSchema.ForeignKey> foreignKeys = new ArrayList<>();
            for (JsonNode c : node.path("columns")) {
                String name = c.path("name").asString();
                columns.add(new TableSchema.Column(name, text(c.path("dataType")), c.path("isNullable").asBoolean(true), text(c.path("defaultValue"))));
                if (c.path("isPrimaryKey").asBoolean(false)) {
                    primaryKey.add(name);
                }
                if (c.path("isForeignKey").asBoolean(false) && !c.path("referencedTable").isNull() && !c.path("referencedTable").isMissingNode()) {
                    foreignKeys.add(new TableSchema.ForeignKey(null, List.of(name), text(node.path("schema")), c.path("referencedTable").asString(),
                            c.path("referencedColumn").isMissingNode() || c.path("referencedColumn").isNull() ? List.of() : List.of(c.path("referencedColumn").asString())));
                }
            }
            if (node.has("foreignKeys")) {
                foreignKeys = List.of(JSON.treeToValue(node.get("foreignKeys"), TableSchema.ForeignKey[].class));
            }
            if (node.has("primaryKey")) {
                primaryKey = List.of(JSON.treeToValue(node.get("primaryKey"), String[].class));
            }
            List<List<String>> uniques = node.has("uniqueConstraints")
                    ? java.util.Arrays.stream(JSON.treeToValue(node.get("uniqueConstraints"), String[][].class)).map(List::of).toList() : List.of();
            List<TableSchema.Index> indexes = node.has("indexes") ? List.of(JSON.treeToValue(node.get("indexes"), TableSchema.Index[].class)) : List.of();
            Long rows = node.path("rowEstimate").isNumber() ? node.path("rowEstimate").asLong() : null;
            tables.add(new TableSchema(text(node.path("schema")), node.path("name").asString(), columns, primaryKey, foreignKeys, uniques, indexes, rows));
        }
        return tables;
    }

    /** One table as a snapshot keeps it. */
    public static String table(TableSchema table) {
        return JSON.writeValueAsString(table);
    }

    /**
     * A table a snapshot kept.
     *
     * @throws tools.jackson.core.JacksonException when it is not such JSON
     */
    public static TableSchema table(String json) {
        return JSON.readValue(json, TableSchema.class);
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node.asString();
    }
}
