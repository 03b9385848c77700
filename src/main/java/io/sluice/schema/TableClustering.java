package io.sluice.schema;

import io.sluice.persistence.TableSchema;
import nl.cwts.networkanalysis.Clustering;
import nl.cwts.networkanalysis.LeidenAlgorithm;
import nl.cwts.networkanalysis.Network;
import nl.cwts.util.LargeDoubleArray;
import nl.cwts.util.LargeIntArray;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Groups the tables of a schema into clusters of tables that belong together, by one of two methods,
 * each maximising modularity (Newman and Girvan 2004) on a weighted graph of the tables with the Leiden
 * algorithm (Traag, Waltman and van Eck, "From Louvain to Leiden", 2019; CWTS's implementation), seeded so
 * that a run is repeatable:
 * <ul>
 *   <li>{@link Method#FOREIGN_KEY_COMMUNITIES}: the baseline; an edge per pair of tables joined by declared
 *       foreign keys (weight: how many), nothing else.</li>
 *   <li>{@link Method#SCHEMA_AFFINITY}: sluice's own; declared foreign keys (1.0 each), references by
 *       naming convention without a declared key ({@code customer_id} beside a {@code customers} table, or a
 *       column named as another table's primary key: 0.7), the two entities a link table joins (0.5
 *       between them), words the table names share that few tables share ({@code hr_employees},
 *       {@code hr_departments}: up to 0.4, by how many words and how rare; a first word shared by up to half the
 *       tables counts, however many) and column names that few tables
 *       share (0.15 a column), and, in a database of several schemas, being in the same schema ({@code 0.5 / ln(1 + n)}
 *       for a schema of n tables, up to {@value #SCHEMA_MAX}). References to a hub (a table referenced by at least {@value #HUB_MIN} tables
 *       and a tenth of them, such as {@code users}) weigh {@code 2 / (1 + log2(k))} of theirs for k referring
 *       tables, so that a hub does not pull every cluster into its own.</li>
 * </ul>
 * A table with no edge is a cluster of its own. Each cluster is named for its most connected entity table
 * (a link table never names one) and given a confidence: the share of its tables' edge weight that stays
 * inside it.
 */
final class TableClustering {

    /** The clustering methods, by the names {@code --method} takes. */
    enum Method {
        FOREIGN_KEY_COMMUNITIES("fk-communities"), SCHEMA_AFFINITY("schema-affinity");

        private final String label;

        Method(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }

        /**
         * @throws IllegalArgumentException naming the methods there are
         */
        static Method of(String label) {
            for (Method method : values()) {
                if (method.label.equalsIgnoreCase(label)) {
                    return method;
                }
            }
            throw new IllegalArgumentException("unknown method '" + label + "' (fk-communities or schema-affinity)");
        }
    }

    /**
     * One cluster, in Hamilton's {@code clusters} shape.
     *
     * @param clusterId  from 0, the largest cluster first
     * @param tables     its tables' names (qualified with their schema when the schema has several)
     * @param confidence 0 to 1: the share of its tables' edge weight inside it (1 for an isolated table)
     */
    record Cluster(int clusterId, String name, String description, List<String> tables, double confidence) {
    }

    static final double FOREIGN_KEY = 1.0;
    static final double INFERRED_REFERENCE = 0.7;
    static final double LINKED_ENTITIES = 0.5;
    static final double SHARED_WORDS = 0.4;
    static final double SHARED_COLUMN = 0.15;
    static final double SAME_SCHEMA = 0.5;
    /** Schemas of more tables than this add no pairwise edges (their pairs would be too many to say much). */
    static final int SCHEMA_MAX = 400;
    static final int HUB_MIN = 5;
    /** Words or columns in more tables than this are too common to say that tables belong together. */
    static final int COMMON_MAX = 40;
    private static final java.util.regex.Pattern AUDIT = java.util.regex.Pattern.compile(
            "(created|updated|modified|deleted|inserted|changed)(_?(at|on|by|date|time|timestamp))?|version|row_?version|last_?modified");
    private static final long SEED = 20_240_611L;
    private static final int RANDOM_STARTS = 10;
    private static final Set<String> GENERIC_COLUMNS = Set.of("id", "name", "title", "description", "created", "updated", "created_at",
            "updated_at", "createdat", "updatedat", "deleted_at", "modified", "modified_at", "created_by", "updated_by", "status", "type",
            "version", "uuid", "code", "notes", "note", "comment", "comments", "active", "enabled", "uri", "url", "date", "timestamp");

    private TableClustering() {
    }

    /**
     * The resolution a method clusters with unless told: 1 (Newman's modularity) for the baseline, and for
     * {@link Method#SCHEMA_AFFINITY} {@code max(1, sqrt(tables / 150))}. Modularity cannot tell apart communities
     * smaller than about the square root of the graph's weight (Fortunato and Barthelemy, "Resolution limit in
     * community detection", 2007): in a schema of thousands of tables it would merge modules of ten or twenty
     * tables, so the resolution grows with the schema; slowly, as large schemas have large modules too.
     */
    static double defaultResolution(Method method, int tables) {
        return method == Method.FOREIGN_KEY_COMMUNITIES ? 1.0 : Math.max(1.0, Math.sqrt(tables / 150.0));
    }

    /**
     * Clusters {@code tables} by {@code method}.
     *
     * @param resolution modularity's resolution (1 is Newman's; higher gives more, smaller clusters)
     * @return the clusters, largest first, every table in exactly one
     */
    static List<Cluster> cluster(List<TableSchema> tables, Method method, double resolution) {
        SchemaIndex index = new SchemaIndex(tables);
        Map<Long, Double> edges = method == Method.FOREIGN_KEY_COMMUNITIES ? foreignKeyEdges(index) : affinityEdges(index);
        int[] clusterOf = communities(tables.size(), edges, resolution);
        return describe(index, clusterOf, edges);
    }

    /** A cluster label for each table, by Leiden on modularity. */
    private static int[] communities(int nodes, Map<Long, Double> edges, double resolution) {
        if (nodes == 0) {
            return new int[0];
        }
        if (edges.isEmpty()) {
            int[] singletons = new int[nodes];
            for (int i = 0; i < nodes; i++) {
                singletons[i] = i;
            }
            return singletons;
        }
        int[] from = new int[edges.size()];
        int[] to = new int[edges.size()];
        double[] weights = new double[edges.size()];
        int e = 0;
        for (Map.Entry<Long, Double> edge : edges.entrySet()) {
            from[e] = (int) (edge.getKey() >>> 32);
            to[e] = (int) (edge.getKey() & 0xffffffffL);
            weights[e] = edge.getValue();
            e++;
        }
        Network network = new Network(nodes, true, new LargeIntArray[] {new LargeIntArray(from), new LargeIntArray(to)},
                new LargeDoubleArray(weights), false, true);
        double scaled = resolution / (2 * network.getTotalEdgeWeight() + network.getTotalEdgeWeightSelfLinks());
        Random random = new Random(SEED);
        LeidenAlgorithm leiden = new LeidenAlgorithm(scaled, 10, LeidenAlgorithm.DEFAULT_RANDOMNESS, random);
        Clustering best = null;
        double bestQuality = Double.NEGATIVE_INFINITY;
        for (int start = 0; start < RANDOM_STARTS; start++) {
            Clustering clustering = new Clustering(nodes);
            leiden.improveClustering(network, clustering);
            double quality = leiden.calcQuality(network, clustering);
            if (quality > bestQuality) {
                best = clustering;
                bestQuality = quality;
            }
        }
        best.orderClustersByNNodes();
        return best.getClusters();
    }

    private static Map<Long, Double> foreignKeyEdges(SchemaIndex index) {
        Map<Long, Double> edges = new LinkedHashMap<>();
        for (int i = 0; i < index.tables.size(); i++) {
            for (TableSchema.ForeignKey key : index.tables.get(i).foreignKeys()) {
                Integer target = index.find(key.referencedSchema(), key.referencedTable());
                if (target != null && target != i) {
                    add(edges, i, target, FOREIGN_KEY);
                }
            }
        }
        return edges;
    }

    private static Map<Long, Double> affinityEdges(SchemaIndex index) {
        Map<Long, Double> edges = new LinkedHashMap<>();
        List<TableSchema> tables = index.tables;
        // references: declared, then by naming convention
        Map<Integer, Set<Integer>> referrers = new HashMap<>();
        List<int[]> references = new ArrayList<>();
        List<Double> referenceWeights = new ArrayList<>();
        for (int i = 0; i < tables.size(); i++) {
            for (Reference reference : index.references(i)) {
                if (reference.target() != null && reference.target() != i) {
                    references.add(new int[] {i, reference.target()});
                    referenceWeights.add(reference.declared() ? FOREIGN_KEY : INFERRED_REFERENCE);
                    referrers.computeIfAbsent(reference.target(), t -> new HashSet<>()).add(i);
                }
            }
        }
        int hubMin = Math.max(HUB_MIN, tables.size() / 10);
        for (int r = 0; r < references.size(); r++) {
            int target = references.get(r)[1];
            int k = referrers.get(target).size();
            double damping = k >= hubMin ? 2.0 / (1 + Math.log(k) / Math.log(2)) : 1.0;
            add(edges, references.get(r)[0], target, referenceWeights.get(r) * damping);
        }
        // the entities a link table joins
        for (int i = 0; i < tables.size(); i++) {
            if (index.isLinkTable(i)) {
                List<Integer> linked = index.references(i).stream().map(Reference::target).filter(t -> t != null).distinct().toList();
                for (int a = 0; a < linked.size(); a++) {
                    for (int b = a + 1; b < linked.size(); b++) {
                        add(edges, linked.get(a), linked.get(b), LINKED_ENTITIES);
                    }
                }
            }
        }
        // words of table names, and column names, that few tables share
        Map<String, List<Integer>> byWord = new HashMap<>();
        Map<String, List<Integer>> byColumn = new HashMap<>();
        for (int i = 0; i < tables.size(); i++) {
            for (String word : new HashSet<>(TableNames.tokens(tables.get(i).name()))) {
                if (!Character.isDigit(word.charAt(0))) {
                    byWord.computeIfAbsent(word, w -> new ArrayList<>()).add(i);
                }
            }
            for (TableSchema.Column column : tables.get(i).columns()) {
                String name = column.name().toLowerCase(Locale.ROOT);
                if (!GENERIC_COLUMNS.contains(name) && !index.isKeyColumn(i, column.name())) {
                    byColumn.computeIfAbsent(name, c -> new ArrayList<>()).add(i);
                }
            }
        }
        int commonMax = Math.max(2, Math.min(COMMON_MAX, tables.size() / 3));
        Map<Long, Double> words = new HashMap<>();
        for (Map.Entry<String, List<Integer>> word : byWord.entrySet()) {
            List<Integer> sharing = word.getValue();
            // a module's prefix may be shared by many tables (a hundred ops_ tables): as first word of all of them it still
            // tells a module, unless it is most of the schema's (an app_ before every table)
            boolean prefixOfAll = sharing.stream().allMatch(t -> isFirstWord(index, t, word.getKey()));
            int most = prefixOfAll ? Math.min(SCHEMA_MAX, tables.size() / 2) : commonMax;
            if (sharing.size() >= 2 && sharing.size() <= Math.max(most, commonMax)) {
                double rarity = 1.0 / Math.log(1 + sharing.size());
                for (int a = 0; a < sharing.size(); a++) {
                    for (int b = a + 1; b < sharing.size(); b++) {
                        // a shared first word (a module's prefix: hr_, sales_) says more than a shared later one
                        boolean prefix = isFirstWord(index, sharing.get(a), word.getKey()) && isFirstWord(index, sharing.get(b), word.getKey());
                        words.merge(key(sharing.get(a), sharing.get(b)), prefix ? rarity : rarity / 2, Double::sum);
                    }
                }
            }
        }
        for (Map.Entry<Long, Double> pair : words.entrySet()) {
            int a = (int) (pair.getKey() >>> 32);
            int b = (int) (pair.getKey() & 0xffffffffL);
            int most = Math.max(index.words.get(a).size(), index.words.get(b).size());
            add(edges, a, b, SHARED_WORDS * Math.min(1.0, pair.getValue() / most));
        }
        for (List<Integer> sharing : byColumn.values()) {
            if (sharing.size() >= 2 && sharing.size() <= commonMax) {
                for (int a = 0; a < sharing.size(); a++) {
                    for (int b = a + 1; b < sharing.size(); b++) {
                        add(edges, sharing.get(a), sharing.get(b), SHARED_COLUMN);
                    }
                }
            }
        }
        // the schema (namespace) a table is in, where the database has several: its designer's own grouping
        if (index.severalSchemas) {
            Map<String, List<Integer>> bySchema = new HashMap<>();
            for (int i = 0; i < tables.size(); i++) {
                bySchema.computeIfAbsent(String.valueOf(tables.get(i).schema()), k -> new ArrayList<>()).add(i);
            }
            for (List<Integer> sharing : bySchema.values()) {
                if (sharing.size() >= 2 && sharing.size() <= SCHEMA_MAX) {
                    double weight = SAME_SCHEMA / Math.log(1 + sharing.size());
                    for (int a = 0; a < sharing.size(); a++) {
                        for (int b = a + 1; b < sharing.size(); b++) {
                            add(edges, sharing.get(a), sharing.get(b), weight);
                        }
                    }
                }
            }
        }
        return edges;
    }

    private static boolean isFirstWord(SchemaIndex index, int table, String word) {
        List<String> tokens = index.words.get(table);
        return !tokens.isEmpty() && tokens.get(0).equals(word);
    }

    private static void add(Map<Long, Double> edges, int a, int b, double weight) {
        edges.merge(key(a, b), weight, Double::sum);
    }

    /** An undirected edge's key: the smaller node in the high half. */
    private static long key(int a, int b) {
        int low = Math.min(a, b);
        int high = Math.max(a, b);
        return ((long) low << 32) | high;
    }

    private static List<Cluster> describe(SchemaIndex index, int[] clusterOf, Map<Long, Double> edges) {
        int count = 0;
        for (int c : clusterOf) {
            count = Math.max(count, c + 1);
        }
        double[] inside = new double[count];
        double[] total = new double[count];
        double[] degree = new double[clusterOf.length];
        for (Map.Entry<Long, Double> edge : edges.entrySet()) {
            int a = (int) (edge.getKey() >>> 32);
            int b = (int) (edge.getKey() & 0xffffffffL);
            double w = edge.getValue();
            total[clusterOf[a]] += w;
            total[clusterOf[b]] += w;
            if (clusterOf[a] == clusterOf[b]) {
                inside[clusterOf[a]] += 2 * w;
                degree[a] += w;
                degree[b] += w;
            }
        }
        List<List<Integer>> members = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            members.add(new ArrayList<>());
        }
        for (int t = 0; t < clusterOf.length; t++) {
            members.get(clusterOf[t]).add(t);
        }
        members.removeIf(List::isEmpty);
        members.sort(Comparator.comparingInt((List<Integer> m) -> -m.size()).thenComparing(m -> index.display(m.get(0))));
        List<Cluster> clusters = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (List<Integer> cluster : members) {
            int c = clusterOf[cluster.get(0)];
            List<Integer> byConnection = new ArrayList<>(cluster);
            byConnection.sort(Comparator.comparing((Integer t) -> index.isLinkTable(t))
                    .thenComparing(t -> -degree[t]).thenComparing(t -> index.tables.get(t).name().length()).thenComparing(index::display));
            String central = index.tables.get(byConnection.get(0)).name();
            String name = TableNames.humanPlural(central);
            for (int n = 2; !names.add(name); n++) {
                name = TableNames.humanPlural(central) + " (" + n + ")";
            }
            List<String> tableNames = byConnection.stream().map(index::display).toList();
            String description = cluster.size() == 1 ? "The table " + tableNames.get(0) + " on its own."
                    : cluster.size() + " tables around " + index.display(byConnection.get(0)) + ": " + String.join(", ", tableNames) + ".";
            double confidence = total[c] == 0 ? 1.0 : inside[c] / total[c];
            clusters.add(new Cluster(clusters.size(), name, description, tableNames, Math.round(confidence * 1000) / 1000.0));
        }
        return clusters;
    }

    /** A reference from one table to another: a declared foreign key, or a column named for it. */
    record Reference(List<String> columns, Integer target, List<String> targetColumns, boolean declared) {
    }

    /** The tables of a schema by name, with what the methods ask of them. */
    static final class SchemaIndex {
        final List<TableSchema> tables;
        private final Map<String, Integer> byQualified = new HashMap<>();
        private final Map<String, List<Integer>> byName = new HashMap<>();
        /** Tables by the last word of their name ({@code sales_orders}: {@code order}). */
        private final Map<String, List<Integer>> byLastWord = new HashMap<>();
        /** Each table's name as its words. */
        final List<List<String>> words = new ArrayList<>();
        private final Map<String, List<Integer>> byPrimaryKeyColumn = new HashMap<>();
        /** Whether the tables are in more than one schema. */
        final boolean severalSchemas;
        private final List<List<Reference>> references;

        SchemaIndex(List<TableSchema> tables) {
            this.tables = List.copyOf(tables);
            Set<String> schemas = new HashSet<>();
            for (int i = 0; i < tables.size(); i++) {
                TableSchema table = tables.get(i);
                schemas.add(String.valueOf(table.schema()));
                byQualified.put(String.valueOf(table.schema()) + "." + table.name(), i);
                byName.computeIfAbsent(table.name().toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(i);
                List<String> tokens = TableNames.tokens(table.name());
                words.add(tokens);
                if (!tokens.isEmpty()) {
                    byLastWord.computeIfAbsent(tokens.get(tokens.size() - 1), n -> new ArrayList<>()).add(i);
                }
                boolean extension = table.primaryKey().size() == 1 && table.foreignKeys().stream()
                        .anyMatch(key -> key.columns().equals(table.primaryKey())); // customer_profiles(customer_id): customers' extension
                if (table.primaryKey().size() == 1 && !extension) {
                    byPrimaryKeyColumn.computeIfAbsent(table.primaryKey().get(0).toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(i);
                }
            }
            severalSchemas = schemas.size() > 1;
            references = new ArrayList<>();
            for (int i = 0; i < tables.size(); i++) {
                references.add(findReferences(i));
            }
        }

        private Concepts.Extensions extensions;

        /** The schema's extension tables and name counts, found on first use. */
        Concepts.Extensions extensions() {
            if (extensions == null) {
                extensions = new Concepts.Extensions(this);
            }
            return extensions;
        }

        /** A table by its schema and name, or null. */
        Integer find(String schema, String name) {
            Integer exact = byQualified.get(String.valueOf(schema) + "." + name);
            if (exact != null) {
                return exact;
            }
            List<Integer> named = byName.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
            return named.size() == 1 ? named.get(0) : null;
        }

        /** A table's name as clusters list it. */
        String display(int table) {
            TableSchema t = tables.get(table);
            return severalSchemas && t.schema() != null ? t.schema() + "." + t.name() : t.name();
        }

        /** The references a table makes: its declared foreign keys, then its columns named for another table. */
        List<Reference> references(int table) {
            return references.get(table);
        }

        private List<Reference> findReferences(int i) {
            TableSchema table = tables.get(i);
            List<Reference> found = new ArrayList<>();
            Set<String> covered = new HashSet<>();
            for (TableSchema.ForeignKey key : table.foreignKeys()) {
                found.add(new Reference(key.columns(), find(key.referencedSchema(), key.referencedTable()), key.referencedColumns(), true));
                key.columns().forEach(column -> covered.add(column.toLowerCase(Locale.ROOT)));
            }
            for (TableSchema.Column column : table.columns()) {
                String lower = column.name().toLowerCase(Locale.ROOT);
                if (covered.contains(lower) || table.primaryKey().size() == 1 && table.primaryKey().get(0).equalsIgnoreCase(column.name())) {
                    continue;
                }
                Integer target = namedBy(i, TableNames.referencedEntity(column.name()));
                List<Integer> sameKey = byPrimaryKeyColumn.getOrDefault(lower, List.of());
                if (target == null && sameKey.size() == 1 && sameKey.get(0) != i && !lower.equals("id")) {
                    target = sameKey.get(0); // rel_paper_topic.PaperID, papers' key PaperID
                }
                if (target != null) {
                    TableSchema referenced = tables.get(target);
                    found.add(new Reference(List.of(column.name()), target, referenced.primaryKey(), false));
                }
            }
            return found;
        }

        /**
         * The table a reference column of table {@code from} names by the words {@code entity}: the one table whose
         * name ends with those words ({@code order_id}: {@code orders}, {@code sales_orders}); among several, the
         * one whose name starts as {@code from}'s does ({@code sales_order_lines.order_id}: {@code sales_orders});
         * null when none or several are left.
         */
        private Integer namedBy(int from, List<String> entity) {
            if (entity.isEmpty()) {
                return null;
            }
            List<Integer> candidates = byLastWord.getOrDefault(entity.get(entity.size() - 1), List.of()).stream()
                    .filter(t -> t != from && endsWith(words.get(t), entity)).toList();
            List<Integer> exact = candidates.stream().filter(t -> words.get(t).equals(entity)).toList();
            if (exact.size() == 1) {
                return exact.get(0); // paper_id: papers, before rel_person_paper
            }
            if (candidates.size() > 1 && !words.get(from).isEmpty()) {
                String prefix = words.get(from).get(0);
                candidates = candidates.stream().filter(t -> words.get(t).get(0).equals(prefix)).toList();
            }
            return candidates.size() == 1 ? candidates.get(0) : null;
        }

        private static boolean endsWith(List<String> name, List<String> end) {
            return name.size() >= end.size() && name.subList(name.size() - end.size(), name.size()).equals(end);
        }

        /** A column of a key: the table's primary key, or a reference. */
        boolean isKeyColumn(int table, String column) {
            if (tables.get(table).primaryKey().contains(column)) {
                return true;
            }
            return references(table).stream().anyMatch(reference -> reference.columns().contains(column));
        }

        /**
         * A link table: it references at least two other tables, and besides its reference columns, an {@code id}
         * and audit columns ({@code created_at}, {@code updated_by}...) it has at most one column of its own, or at
         * most three when its primary key is made of its reference columns ({@code (person_id, paper_id)} with a role).
         */
        boolean isLinkTable(int table) {
            List<Reference> refs = references(table).stream().filter(r -> r.target() != null && r.target() != table).toList();
            if (refs.stream().map(Reference::target).distinct().count() < 2) {
                return false;
            }
            Set<String> referenceColumns = new HashSet<>();
            refs.forEach(r -> r.columns().forEach(c -> referenceColumns.add(c.toLowerCase(Locale.ROOT))));
            long own = tables.get(table).columns().stream()
                    .map(c -> c.name().toLowerCase(Locale.ROOT))
                    .filter(c -> !referenceColumns.contains(c) && !c.equals("id") && !AUDIT.matcher(c).matches())
                    .count();
            List<String> key = tables.get(table).primaryKey().stream().map(c -> c.toLowerCase(Locale.ROOT)).toList();
            boolean keyOfReferences = !key.isEmpty() && referenceColumns.containsAll(key);
            return own <= 1 || keyOfReferences && own <= 3;
        }
    }
}
