package io.sluice.schema;

import io.sluice.persistence.TableSchema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The business concepts of a schema, derived from its tables with no language model:
 * <ul>
 *   <li>An <em>entity table</em> is a concept: its name humanised and singular ({@code order_items}: Order
 *       Item; with its schema, {@code User (crm)}, when another schema has a table of that name), its id attributes the primary key (else the first unique key), its conditions the
 *       discriminator columns (a type, status, kind, category, role or flag column, or a boolean one, with at
 *       most {@value #DISCRIMINATOR_VALUES} distinct values in a sample), its joins the tables that complete
 *       it: an extension table (whose primary key is its foreign key to the entity, one row per entity row).</li>
 *   <li>A <em>link table</em> (see {@link TableClustering.SchemaIndex#isLinkTable}) is no concept but a
 *       relationship between the concepts of the tables it references.</li>
 *   <li>An extension table is no concept of its own: it is a join of its entity.</li>
 * </ul>
 * Attributes are a concept table's columns other than its id and reference columns, with their data type
 * and {@code is_required} (not nullable). Relationships come from declared foreign keys (confidence 1.0), link
 * tables (1.0 with declared keys), and columns named for another table without a declared key (0.6 before
 * sampling; {@link Sampler#matchRatio} raises it to 0.9 when at least 95 % of the sampled values are keys of
 * the referenced table, keeps 0.6 from half, and drops it below). Ids are derived from the database and the
 * names (SHA-256), so that deriving again gives the same ids.
 */
final class Concepts {

    static final int DISCRIMINATOR_VALUES = 10;
    static final double DECLARED = 1.0;
    static final double BY_NAME = 0.6;
    static final double BY_NAME_CONFIRMED = 0.9;
    private static final Pattern DISCRIMINATOR = Pattern.compile(
            "(?i).*(type|status|state|kind|category|class|role|level|flag|mode|gender|stage)$|^(is|has|can)_?[a-z].*");

    private Concepts() {
    }

    /** What a derivation may ask of the live database: bounded samples. */
    interface Sampler {

        /**
         * The distinct non-null values of {@code column} among at most a bounded number of rows of {@code table},
         * most frequent first; more than {@code max} values tell that the column is no discriminator.
         */
        List<String> distinctValues(TableSchema table, String column, int max);

        /**
         * Of at most a bounded number of non-null values of {@code columns} in {@code child}, the share that are
         * keys ({@code keyColumns}) of {@code parent}; empty when the table has no such rows or they cannot be compared.
         */
        Optional<Double> matchRatio(TableSchema child, List<String> columns, TableSchema parent, List<String> keyColumns);
    }

    /** A concept with its attributes, as {@code concepts} and {@code attributes} keep them. */
    record Concept(String id, String table, int clusterId, String name, String description, List<Map<String, Object>> idAttributes,
                   List<Map<String, Object>> conditions, List<Map<String, Object>> joins, double confidence, List<Attribute> attributes) {
    }

    record Attribute(String id, String name, String column, String table, String dataType, boolean required) {
    }

    /** A relationship between two concepts, as {@code relationships} keeps it. */
    record Relationship(String id, String fromConcept, String toConcept, String name, double confidence) {
    }

    /** How a table takes part: as a concept, a link between concepts, or an extension of one. */
    enum Role { ENTITY, LINK, EXTENSION }

    static Role role(TableClustering.SchemaIndex index, int table) {
        if (index.isLinkTable(table)) {
            return Role.LINK;
        }
        return extended(index, table).isPresent() ? Role.EXTENSION : Role.ENTITY;
    }

    /** The entity an extension table extends: its primary key is its whole foreign key to that table. */
    static Optional<Integer> extended(TableClustering.SchemaIndex index, int table) {
        return Optional.ofNullable(index.extensions().extended[table]);
    }

    /** Each table's extended entity, and each entity's extension tables: found once a schema, not once a concept. */
    static final class Extensions {
        final Integer[] extended;
        final Map<Integer, List<Integer>> extensionsOf = new LinkedHashMap<>();
        /** How many tables have each humanised singular name, to tell same-named tables of several schemas apart. */
        final Map<String, Integer> humanNames = new LinkedHashMap<>();

        Extensions(TableClustering.SchemaIndex index) {
            extended = new Integer[index.tables.size()];
            for (int table = 0; table < index.tables.size(); table++) {
                TableSchema t = index.tables.get(table);
                humanNames.merge(TableNames.humanSingular(t.name()), 1, Integer::sum);
                if (t.primaryKey().isEmpty()) {
                    continue;
                }
                for (TableClustering.Reference reference : index.references(table)) {
                    if (reference.declared() && reference.target() != null && reference.target() != table
                            && lower(reference.columns()).equals(lower(t.primaryKey()))) {
                        extended[table] = reference.target();
                        extensionsOf.computeIfAbsent(reference.target(), e -> new ArrayList<>()).add(table);
                        break;
                    }
                }
            }
        }
    }

    /** The concept of one entity table. */
    static Concept concept(String databaseId, TableClustering.SchemaIndex index, int table, int clusterId, Sampler sampler) {
        TableSchema t = index.tables.get(table);
        String id = id("cpt", databaseId, index.display(table));
        List<String> idColumns = !t.primaryKey().isEmpty() ? t.primaryKey()
                : t.uniqueConstraints().isEmpty() ? List.of() : t.uniqueConstraints().get(0);
        List<Map<String, Object>> idAttributes = new ArrayList<>();
        for (String column : idColumns) {
            idAttributes.add(index.severalSchemas ? map("schema", t.schema(), "table", t.name(), "column", column) : map("table", t.name(), "column", column));
        }
        List<Map<String, Object>> conditions = new ArrayList<>();
        for (TableSchema.Column column : t.columns()) {
            if (idColumns.contains(column.name()) || index.isKeyColumn(table, column.name())) {
                continue;
            }
            boolean flag = column.dataType() != null && column.dataType().toLowerCase(Locale.ROOT).startsWith("bool");
            if (flag || DISCRIMINATOR.matcher(column.name()).matches()) {
                List<String> values = sampler.distinctValues(t, column.name(), DISCRIMINATOR_VALUES);
                if (!values.isEmpty() && values.size() <= DISCRIMINATOR_VALUES) {
                    conditions.add(map("table", t.name(), "column", column.name(), "operator", "in", "values", values));
                }
            }
        }
        List<Map<String, Object>> joins = new ArrayList<>();
        List<Attribute> attributes = new ArrayList<>();
        for (TableSchema.Column column : t.columns()) {
            if (!idColumns.contains(column.name()) && !index.isKeyColumn(table, column.name())) {
                attributes.add(new Attribute(id("att", id, t.name() + "." + column.name()), TableNames.humanSingular(column.name()),
                        column.name(), t.name(), column.dataType(), !column.nullable()));
            }
        }
        for (int other : index.extensions().extensionsOf.getOrDefault(table, List.of())) {
            TableSchema extension = index.tables.get(other);
            joins.add(map("table", index.display(other), "columns", extension.primaryKey(), "referencedTable", index.display(table),
                    "referencedColumns", t.primaryKey(), "kind", "extension"));
            for (TableSchema.Column column : extension.columns()) {
                if (!extension.primaryKey().contains(column.name())) {
                    attributes.add(new Attribute(id("att", id, index.display(other) + "." + column.name()),
                            TableNames.humanSingular(column.name()), column.name(), extension.name(), column.dataType(), !column.nullable()));
                }
            }
        }
        String name = TableNames.humanSingular(t.name());
        if (index.extensions().humanNames.getOrDefault(name, 0) > 1 && t.schema() != null) {
            name = name + " (" + t.schema() + ")"; // users in crm and in hr: two concepts, told apart
        }
        String lowerName = name.toLowerCase(Locale.ROOT);
        String description = ("aeiou".indexOf(lowerName.isEmpty() ? 'x' : lowerName.charAt(0)) >= 0 ? "An " : "A ") + lowerName + ": a row of " + index.display(table)
                + (joins.isEmpty() ? "" : " with " + String.join(", ", joins.stream().map(j -> (String) j.get("table")).toList()))
                + (idColumns.isEmpty() ? "; it has no key." : ", identified by " + String.join(", ", idColumns) + ".");
        double confidence = idColumns.isEmpty() ? 0.6 : 0.9;
        return new Concept(id, index.display(table), clusterId, name, description, idAttributes, conditions, joins, confidence, attributes);
    }

    /**
     * The relationships between the concepts: a declared or name-inferred reference from an entity (or its
     * extension) to another, and the entities a link table joins.
     *
     * @param conceptOf each table's concept id (an extension table's is its entity's), absent for link tables
     */
    static List<Relationship> relationships(String databaseId, TableClustering.SchemaIndex index, Map<Integer, String> conceptOf, Sampler sampler) {
        Map<String, Relationship> found = new LinkedHashMap<>();
        for (int table = 0; table < index.tables.size(); table++) {
            TableSchema t = index.tables.get(table);
            List<TableClustering.Reference> references = index.references(table).stream()
                    .filter(r -> r.target() != null && conceptOf.containsKey(r.target())).toList();
            if (index.isLinkTable(table)) {
                List<TableClustering.Reference> ends = references.stream().filter(r -> r.target() != null).toList();
                for (int a = 0; a < ends.size(); a++) {
                    for (int b = a + 1; b < ends.size(); b++) {
                        double confidence = ends.get(a).declared() && ends.get(b).declared() ? DECLARED
                                : confirmed(sampler, t, ends.get(a), index) * confirmed(sampler, t, ends.get(b), index);
                        if (confidence > 0) {
                            add(found, databaseId, conceptOf.get(ends.get(a).target()), conceptOf.get(ends.get(b).target()),
                                    TableNames.humanLink(t.name()), confidence);
                        }
                    }
                }
                continue;
            }
            String from = conceptOf.get(table);
            if (from == null) {
                continue;
            }
            Optional<Integer> extendedEntity = extended(index, table);
            for (TableClustering.Reference reference : references) {
                if (extendedEntity.isPresent() && reference.target().equals(extendedEntity.get()) && reference.declared()) {
                    continue; // the extension's own key: the join, not a relationship
                }
                double confidence = reference.declared() ? DECLARED : confirmed(sampler, t, reference, index);
                if (confidence > 0) {
                    add(found, databaseId, from, conceptOf.get(reference.target()), TableNames.humanSingular(referenceName(reference.columns())), confidence);
                }
            }
        }
        return List.copyOf(found.values());
    }

    /** The confidence of a reference: 1 when declared, else by sampling whether its values are keys of the referenced table (0: dropped). */
    private static double confirmed(Sampler sampler, TableSchema child, TableClustering.Reference reference, TableClustering.SchemaIndex index) {
        if (reference.declared()) {
            return DECLARED;
        }
        TableSchema parent = index.tables.get(reference.target());
        if (reference.targetColumns().size() != reference.columns().size()) {
            return 0;
        }
        Optional<Double> ratio = sampler.matchRatio(child, reference.columns(), parent, reference.targetColumns());
        if (ratio.isEmpty()) {
            return BY_NAME;
        }
        return ratio.get() >= 0.95 ? BY_NAME_CONFIRMED : ratio.get() >= 0.5 ? BY_NAME : 0;
    }

    private static void add(Map<String, Relationship> found, String databaseId, String from, String to, String name, double confidence) {
        String id = id("rel", databaseId, from + "|" + to + "|" + name);
        found.putIfAbsent(id, new Relationship(id, from, to, name, confidence));
    }

    /** A reference's name: its column without the id part ({@code customer_id}: customer). */
    private static String referenceName(List<String> columns) {
        String column = columns.get(0);
        String stripped = column.replaceFirst("(?i)_?id$", "").replaceFirst("(?i)^id_", "");
        return stripped.isEmpty() ? column : stripped;
    }

    private static List<String> lower(List<String> names) {
        return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).sorted().toList();
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** {@code prefix_} and 24 hexadecimal digits of SHA-256 over the parts. */
    static String id(String prefix, String... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                digest.update(part.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return prefix + "_" + HexFormat.of().formatHex(digest.digest()).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
