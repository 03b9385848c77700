package io.sluice.schema;

import io.sluice.persistence.TableSchema;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both clustering methods on schemas built by hand, whose grouping is evident from what the tables are:
 * modules joined by a hub, schemas (namespaces) without declared keys, references by name, link tables.
 */
class TableClusteringTest {

    @Test
    void a_users_hub_that_every_table_references_does_not_merge_the_modules_it_serves() {
        // given two modules of four tables each (a chain of declared keys inside), every table created by a user
        List<TableSchema> tables = new ArrayList<>();
        tables.add(table("public", "users", List.of("id", "login")));
        for (String module : List.of("hr", "shop")) {
            tables.add(table("public", module + "_units", List.of("id", "name", "created_by"), fk("created_by", "users")));
            for (String noun : List.of("members", "plans", "reviews")) {
                tables.add(table("public", module + "_" + noun, List.of("id", "unit_id", "amount", "created_by"),
                        fk("unit_id", module + "_units"), fk("created_by", "users")));
            }
        }

        // when
        List<TableClustering.Cluster> clusters = TableClustering.cluster(tables, TableClustering.Method.SCHEMA_AFFINITY, 1.0);

        // then
        Map<String, Integer> clusterOf = clusterOf(clusters);
        assertThat(List.of("hr_units", "hr_members", "hr_plans", "hr_reviews")).allSatisfy(t -> assertThat(clusterOf.get(t)).isEqualTo(clusterOf.get("hr_units")));
        assertThat(List.of("shop_units", "shop_members", "shop_plans", "shop_reviews"))
                .allSatisfy(t -> assertThat(clusterOf.get(t)).isEqualTo(clusterOf.get("shop_units")));
        assertThat(clusterOf.get("hr_units")).isNotEqualTo(clusterOf.get("shop_units"));
        assertThat(clusters).extracting(TableClustering.Cluster::name).contains("Hr Units", "Shop Units");
    }

    @Test
    void tables_without_declared_keys_group_by_their_schema_and_by_references_named_for_a_table() {
        // given two schemas of three tables, no declared key at all; orders name their customer by customer_id
        List<TableSchema> tables = List.of(
                table("sales", "customers", List.of("id", "name")),
                table("sales", "orders", List.of("id", "customer_id", "total")),
                table("sales", "invoices", List.of("id", "order_id", "due")),
                table("people", "employees", List.of("id", "name")),
                table("people", "absences", List.of("id", "employee_id", "days")),
                table("people", "salaries", List.of("id", "employee_id", "amount")));

        // when
        List<TableClustering.Cluster> baseline = TableClustering.cluster(tables, TableClustering.Method.FOREIGN_KEY_COMMUNITIES, 1.0);
        List<TableClustering.Cluster> affinity = TableClustering.cluster(tables, TableClustering.Method.SCHEMA_AFFINITY, 1.0);
        TableClustering.SchemaIndex index = new TableClustering.SchemaIndex(tables);

        // then
        assertThat(baseline).hasSize(6); // no declared key: each table on its own
        assertThat(affinity).extracting(TableClustering.Cluster::tables).extracting(t -> t.stream().sorted().toList())
                .containsExactlyInAnyOrder(List.of("people.absences", "people.employees", "people.salaries"),
                        List.of("sales.customers", "sales.invoices", "sales.orders"));
        assertThat(index.references(1)).singleElement().satisfies(reference -> {
            assertThat(reference.target()).isEqualTo(0);
            assertThat(reference.declared()).isFalse();
            assertThat(reference.targetColumns()).containsExactly("id");
        });
    }

    @Test
    void a_link_table_is_told_apart_from_an_entity_that_references_two_tables() {
        // given a link table (its key its two references, one column of its own) and an entity with two references and attributes
        List<TableSchema> tables = List.of(
                table("public", "persons", List.of("id", "name")),
                table("public", "papers", List.of("id", "title")),
                new TableSchema("public", "authorships", columns(List.of("person_id", "paper_id", "position")), List.of("person_id", "paper_id"),
                        List.of(fk("person_id", "persons"), fk("paper_id", "papers")), List.of(), List.of(), null),
                table("public", "reviews", List.of("id", "person_id", "paper_id", "score", "text"), fk("person_id", "persons"), fk("paper_id", "papers")));

        // when
        TableClustering.SchemaIndex index = new TableClustering.SchemaIndex(tables);

        // then
        assertThat(index.isLinkTable(2)).isTrue();
        assertThat(index.isLinkTable(3)).isFalse();
        assertThat(Concepts.role(index, 2)).isEqualTo(Concepts.Role.LINK);
        assertThat(Concepts.role(index, 3)).isEqualTo(Concepts.Role.ENTITY);
    }

    @Test
    void two_tables_of_one_name_in_two_schemas_give_two_concepts_told_apart_by_their_schema() {
        // given users in crm and in hr
        List<TableSchema> tables = List.of(table("crm", "users", List.of("id", "email")), table("hr", "users", List.of("id", "badge")));
        TableClustering.SchemaIndex index = new TableClustering.SchemaIndex(tables);
        Concepts.Sampler none = new Concepts.Sampler() {
            @Override
            public List<String> distinctValues(TableSchema table, String column, int max) {
                return List.of();
            }

            @Override
            public java.util.Optional<Double> matchRatio(TableSchema child, List<String> columns, TableSchema parent, List<String> keyColumns) {
                return java.util.Optional.empty();
            }
        };

        // when
        List<Concepts.Concept> concepts = List.of(Concepts.concept("db_1", index, 0, 0, none), Concepts.concept("db_1", index, 1, 0, none));

        // then
        assertThat(concepts).extracting(Concepts.Concept::name).containsExactly("User (crm)", "User (hr)");
        assertThat(concepts.get(0).idAttributes()).containsExactly(Map.of("schema", "crm", "table", "users", "column", "id"));
        assertThat(concepts.get(0).id()).isNotEqualTo(concepts.get(1).id());
    }

    @Test
    void names_in_any_script_are_clustered_and_named_whole() {
        // given tables named in Cyrillic, with accents, and in Chinese
        List<TableSchema> tables = List.of(table("public", "клиенты", List.of("id")), table("public", "café_orders", List.of("id", "клиенты_id")),
                table("public", "表", List.of("id")));

        // when
        List<TableClustering.Cluster> clusters = TableClustering.cluster(tables, TableClustering.Method.SCHEMA_AFFINITY, 1.0);

        // then
        assertThat(clusters.stream().mapToInt(c -> c.tables().size()).sum()).isEqualTo(3);
        assertThat(TableNames.humanSingular("клиенты")).isEqualTo("Клиенты");
        assertThat(TableNames.humanSingular("café_orders")).isEqualTo("Café Order");
        assertThat(TableNames.humanPlural("表")).isEqualTo("表");
    }

    @Test
    void the_same_schema_gives_the_same_clusters() {
        // given
        GeneratedSchema generated = GeneratedSchema.of(60, 5);
        List<TableSchema> tables = new ArrayList<>();
        for (String name : generated.groundTruth().keySet()) {
            tables.add(table("public", name, List.of("id", "title")));
        }

        // when
        List<TableClustering.Cluster> first = TableClustering.cluster(tables, TableClustering.Method.SCHEMA_AFFINITY, 1.0);
        List<TableClustering.Cluster> second = TableClustering.cluster(tables, TableClustering.Method.SCHEMA_AFFINITY, 1.0);

        // then
        assertThat(second).isEqualTo(first);
        assertThat(first.stream().mapToInt(c -> c.tables().size()).sum()).isEqualTo(tables.size());
    }

    private static Map<String, Integer> clusterOf(List<TableClustering.Cluster> clusters) {
        return clusters.stream().flatMap(c -> c.tables().stream().map(t -> Map.entry(t, c.clusterId())))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** A table with an {@code id} primary key (when it has an id column) and these columns and foreign keys. */
    private static TableSchema table(String schema, String name, List<String> columns, TableSchema.ForeignKey... keys) {
        return new TableSchema(schema, name, columns(columns), columns.contains("id") ? List.of("id") : List.of(), List.of(keys), List.of(), List.of(), null);
    }

    private static List<TableSchema.Column> columns(List<String> names) {
        return names.stream().map(n -> new TableSchema.Column(n, "integer", !n.equals("id"), null)).toList();
    }

    private static TableSchema.ForeignKey fk(String column, String table) {
        return new TableSchema.ForeignKey(null, List.of(column), null, table, List.of("id"));
    }
}
