package io.sluice.workflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.sluice.workflow.OperatorRows.lists;
import static io.sluice.workflow.OperatorRows.read;
import static io.sluice.workflow.OperatorRows.row;
import static io.sluice.workflow.OperatorRows.schema;
import static io.sluice.workflow.OperatorRows.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The decimal, date and timestamp column types through the nodes that switch on a column's type.
 * Expected values are worked out by hand; where pandas (1.5.3) is the reference, the comment gives the
 * pandas expression that produced them.
 */
class ColumnTypesTest {

    private static final LocalDate JAN_31 = LocalDate.of(2024, 1, 31);
    private static final LocalDate FEB_1 = LocalDate.of(2024, 2, 1);

    @TempDir
    Path temp;

    @Test
    void iso_dates_and_timestamps_in_a_csv_file_are_inferred_as_dates_and_timestamps_and_decimals_stay_floats() throws IOException {
        // given: pandas read_csv(parse_dates=['day', 'at']) gives datetime64 for both, float64 for amount
        Path file = temp.resolve("orders.csv");
        Files.writeString(file, """
                id,day,at,amount,note
                1,2024-01-31,2024-01-31T10:00:00,1.10,2024-01-31
                2,2024-02-01,2024-01-31 10:00:00.5,2.345,later
                3,,2024-02-01,,2024-02-30
                """);

        // when
        CsvSource source = CsvSource.open(file, ',', '"', StandardCharsets.UTF_8, false);
        List<List<Object>> rows = new ArrayList<>();
        try (SourceRecords records = source.records(null)) {
            for (Object[] row = records.next(); row != null; row = records.next()) {
                rows.add(Arrays.asList(row));
            }
        }

        // then: a day that does not exist (2024-02-30) is no date, so that column is text
        assertThat(source.schema()).isEqualTo(schema("id", ColumnType.LONG, "day", ColumnType.DATE, "at", ColumnType.TIMESTAMP,
                "amount", ColumnType.DOUBLE, "note", ColumnType.STRING));
        assertThat(rows).isEqualTo(lists(
                row(1L, JAN_31, LocalDateTime.of(2024, 1, 31, 10, 0), 1.1, "2024-01-31"),
                row(2L, FEB_1, LocalDateTime.of(2024, 1, 31, 10, 0, 0, 500_000_000), 2.345, "later"),
                row(3L, null, LocalDateTime.of(2024, 2, 1, 0, 0), null, "2024-02-30")));
    }

    @Test
    void a_date_column_refuses_a_later_value_that_is_not_an_iso_date_naming_the_value() {
        // a row past the sample goes to the reject file with this reason and its line, as a number that does not parse does
        assertThatThrownBy(() -> CsvSource.value("31/01/2024", ColumnType.DATE)).isInstanceOf(NumberFormatException.class)
                .hasMessage("'31/01/2024' is not an ISO date (2024-01-31)");
        assertThatThrownBy(() -> CsvSource.value("2024-01-31 25:00", ColumnType.TIMESTAMP)).isInstanceOf(NumberFormatException.class)
                .hasMessage("'2024-01-31 25:00' is not an ISO timestamp (2024-01-31 10:00:00)");
        assertThat(CsvSource.value("2024-01-31", ColumnType.TIMESTAMP)).isEqualTo(JAN_31.atStartOfDay());
    }

    @Test
    void text_in_a_json_file_that_is_all_iso_dates_is_a_date_column() throws IOException {
        // given
        Path file = temp.resolve("days.jsonl");
        Files.writeString(file, """
                {"day": "2024-01-31", "name": "a"}
                {"day": null, "name": "2024-01-31"}
                {"day": "2024-02-01", "name": "b"}
                """);

        // when
        JsonSource source = JsonSource.open(file, true, StandardCharsets.UTF_8);

        // then
        assertThat(source.schema()).isEqualTo(schema("day", ColumnType.DATE, "name", ColumnType.STRING));
        assertThat(JsonSource.value("2024-02-01", ColumnType.DATE)).isEqualTo(FEB_1);
    }

    @Test
    void decimals_dates_and_timestamps_round_trip_exactly_through_a_row_file() throws IOException {
        // given: a decimal's scale (1.10, 0E-8), digits beyond a double (31 of them), nanoseconds, days far from 1970
        Schema types = schema("amount", ColumnType.DECIMAL, "day", ColumnType.DATE, "at", ColumnType.TIMESTAMP);
        List<Object[]> rows = List.of(
                row(new BigDecimal("1.10"), JAN_31, LocalDateTime.of(2024, 1, 31, 10, 0, 0, 123_456_789)),
                row(new BigDecimal("-1234567890123456789012345.678901"), LocalDate.of(1, 1, 1), LocalDateTime.of(1900, 12, 31, 23, 59, 59)),
                row(new BigDecimal("0E-8"), LocalDate.of(9999, 12, 31), null),
                row(null, null, LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_999)));
        Path file = temp.resolve("typed.rows");

        // when
        RowFile.write(file, types, rows);

        // then: equal values, and a decimal's scale kept (BigDecimal.equals compares it)
        try (RowFile.Reader reader = new RowFile.Reader(file)) {
            assertThat(reader.schema()).isEqualTo(types);
        }
        assertThat(read(file)).isEqualTo(lists(rows.toArray(Object[][]::new)));
        assertThat(((BigDecimal) read(file).get(0).get(0)).scale()).isEqualTo(2);
    }

    @Test
    void csv_export_writes_dates_timestamps_and_decimals_as_pandas_to_csv_does() throws IOException {
        // given: pandas to_csv writes a datetime64 of dates as 2024-01-31, a timestamp as 2024-01-31 10:00:00,
        // a Decimal as str(Decimal): 1.10; sluice writes each timestamp's own fraction (pandas pads a column to its longest)
        Schema types = schema("day", ColumnType.DATE, "at", ColumnType.TIMESTAMP, "amount", ColumnType.DECIMAL);
        List<Object[]> rows = List.of(
                row(JAN_31, LocalDateTime.of(2024, 1, 31, 10, 0), new BigDecimal("1.10")),
                row(null, LocalDateTime.of(2024, 1, 31, 10, 0, 0, 500_000_000), new BigDecimal("1E+3")),
                row(FEB_1, LocalDateTime.of(2024, 1, 31, 10, 0, 0, 1_000), null));

        // when
        String csv = exported(new CsvExport(temp.resolve("out.csv"), ','), types, rows);

        // then
        assertThat(csv.lines()).containsExactly(
                "day,at,amount",
                "2024-01-31,2024-01-31 10:00:00,1.10",
                ",2024-01-31 10:00:00.500,1000",
                "2024-02-01,2024-01-31 10:00:00.000001,");
    }

    @Test
    void json_export_writes_timestamps_in_iso_form_dates_as_days_and_decimals_as_their_digits() throws IOException {
        // given: pandas to_json(orient='records', date_format='iso') writes "2024-01-31T10:00:00.000"
        Schema types = schema("day", ColumnType.DATE, "at", ColumnType.TIMESTAMP, "amount", ColumnType.DECIMAL);
        List<Object[]> rows = List.of(
                row(JAN_31, LocalDateTime.of(2024, 1, 31, 10, 0), new BigDecimal("1.10")),
                row(null, LocalDateTime.of(2024, 1, 31, 10, 0, 0, 123_456_000), null));

        // when
        String json = exported(new JsonExport(temp.resolve("out.jsonl"), true), types, rows);

        // then
        assertThat(json.lines()).containsExactly(
                "{\"day\":\"2024-01-31\",\"at\":\"2024-01-31T10:00:00.000\",\"amount\":1.10}",
                "{\"day\":null,\"at\":\"2024-01-31T10:00:00.123456\",\"amount\":null}");
    }

    @Test
    void table_exports_create_numeric_date_and_timestamp_columns() {
        assertThat(SqlVendor.POSTGRESQL.columnType(ColumnType.DECIMAL)).isEqualTo("NUMERIC");
        assertThat(SqlVendor.POSTGRESQL.columnType(ColumnType.DATE)).isEqualTo("DATE");
        assertThat(SqlVendor.POSTGRESQL.columnType(ColumnType.TIMESTAMP)).isEqualTo("TIMESTAMP");
        assertThat(SqlVendor.SQLITE.columnType(ColumnType.DECIMAL)).isEqualTo("TEXT");
    }

    @Test
    void a_filter_compares_a_date_column_with_iso_text_as_pandas_compares_datetime64_with_a_string() {
        // given: pandas: s = pd.to_datetime(pd.Series(['2023-12-31', '2024-01-01', '2024-02-01', None]));
        // (s >= '2024-01-01') -> [False, True, True, False]; (s == '2024-01-01') -> [False, True, False, False]
        Schema days = schema("day", ColumnType.DATE, "at", ColumnType.TIMESTAMP);
        List<Object[]> rows = List.of(
                row(LocalDate.of(2023, 12, 31), LocalDateTime.of(2023, 12, 31, 23, 59)),
                row(LocalDate.of(2024, 1, 1), LocalDateTime.of(2024, 1, 1, 0, 0)),
                row(FEB_1, LocalDateTime.of(2024, 1, 1, 10, 0)),
                row(null, null));
        List<String> problems = new ArrayList<>();

        // when
        RowOperation from = RowOperations.filter(settings(problems, "filter"), days, "day", ">=", "2024-01-01");
        RowOperation on = RowOperations.filter(settings(problems, "filter"), days, "day", "==", "2024-01-01");
        RowOperation after = RowOperations.filter(settings(problems, "filter"), days, "at", ">", "2024-01-01");

        // then
        assertThat(problems).isEmpty();
        assertThat(kept(from, rows)).containsExactly(1, 2);
        assertThat(kept(on, rows)).containsExactly(1);
        assertThat(kept(after, rows)).containsExactly(2);
    }

    @Test
    void a_filter_on_a_date_column_with_text_that_is_no_date_is_a_problem_of_the_node() {
        // given
        List<String> problems = new ArrayList<>();

        // when
        RowOperations.filter(settings(problems, "filter"), schema("day", ColumnType.DATE), "day", ">", "last week");

        // then
        assertThat(problems).singleElement().asString().contains("'last week'").contains("not an ISO date or timestamp");
    }

    @Test
    void an_expression_compares_dates_with_iso_text_and_computes_decimals_exactly() {
        // given: Python: Decimal('0.10') * 3 == Decimal('0.30'); 0.1 * 3 as floats is 0.30000000000000004
        Schema types = schema("day", ColumnType.DATE, "amount", ColumnType.DECIMAL);
        Object[] row = row(JAN_31, new BigDecimal("0.10"));

        // when
        Expression recent = Expression.compile("day >= '2024-01-01' and day < '2024-02-01'", types);
        Expression tripled = Expression.compile("amount * 3", types);
        Expression text = Expression.compile("string(day)", types);

        // then
        assertThat(recent.evaluate(row)).isEqualTo(true);
        assertThat(tripled.type()).isEqualTo(ColumnType.DECIMAL);
        assertThat(tripled.evaluate(row)).isEqualTo(new BigDecimal("0.30"));
        assertThat(text.evaluate(row)).isEqualTo("2024-01-31");
    }

    @Test
    void a_sort_by_a_date_puts_the_latest_first_when_descending_and_missing_days_last() throws IOException {
        // given: pandas: df.sort_values('day', ascending=False, na_position='last')
        Schema days = schema("id", ColumnType.LONG, "day", ColumnType.DATE);
        List<String> problems = new ArrayList<>();
        Sort sort = Sort.of(settings(problems, "sort", "by", List.of("day"), "ascending", List.of(false)), days, 1L << 20, temp);
        assertThat(problems).isEmpty();
        Path out = temp.resolve("sorted.rows");

        // when
        try (sort) {
            sort.add(row(1L, FEB_1));
            sort.add(row(2L, null));
            sort.add(row(3L, LocalDate.of(2023, 12, 31)));
            sort.add(row(4L, LocalDate.of(2024, 12, 1)));
            sort.finish(out);
        }

        // then
        assertThat(read(out)).isEqualTo(lists(row(4L, LocalDate.of(2024, 12, 1)), row(1L, FEB_1), row(3L, LocalDate.of(2023, 12, 31)), row(2L, null)));
    }

    @Test
    void an_aggregate_gives_the_first_and_last_day_and_an_exact_decimal_sum() throws IOException {
        // given: Python: sum([Decimal('0.10'), Decimal('0.20')]) == Decimal('0.30'); Decimal('1.10') + Decimal('2.345') == Decimal('3.445')
        Schema orders = schema("region", ColumnType.STRING, "day", ColumnType.DATE, "amount", ColumnType.DECIMAL);
        List<String> problems = new ArrayList<>();
        Aggregate aggregate = Aggregate.of(settings(problems, "aggregate", "group_by", List.of("region"),
                "aggregations", Map.of("day", List.of("min", "max"), "amount", List.of("sum"))), orders);
        assertThat(problems).isEmpty();

        // when
        aggregate.add(row("US", FEB_1, new BigDecimal("0.10")));
        aggregate.add(row("EU", JAN_31, new BigDecimal("1.10")));
        aggregate.add(row("US", LocalDate.of(2023, 12, 31), new BigDecimal("0.20")));
        aggregate.add(row("EU", null, new BigDecimal("2.345")));
        aggregate.add(row("EU", FEB_1, null));

        // then
        int min = aggregate.output().indexOf("day_min");
        int max = aggregate.output().indexOf("day_max");
        int sum = aggregate.output().indexOf("amount_sum");
        assertThat(aggregate.output().column(sum).type()).isEqualTo(ColumnType.DECIMAL);
        assertThat(aggregate.output().column(min).type()).isEqualTo(ColumnType.DATE);
        Path groupsFile = temp.resolve("groups.rows");
        aggregate.finish(groupsFile);
        List<Object[]> groups = new java.util.ArrayList<>();
        try (RowFile.Reader reader = new RowFile.Reader(groupsFile)) {
            for (Object[] group = reader.next(); group != null; group = reader.next()) {
                groups.add(group);
            }
        }
        assertThat(groups).hasSize(2);
        assertThat(groups.get(0)[0]).isEqualTo("EU");
        assertThat(List.of(groups.get(0)[min], groups.get(0)[max], groups.get(0)[sum])).containsExactly(JAN_31, FEB_1, new BigDecimal("3.445"));
        assertThat(List.of(groups.get(1)[min], groups.get(1)[max], groups.get(1)[sum])).containsExactly(LocalDate.of(2023, 12, 31), FEB_1, new BigDecimal("0.30"));
    }

    @Test
    void column_statistics_of_a_date_column_give_its_first_and_last_day_its_count_and_nulls() throws IOException {
        // given
        Schema days = schema("day", ColumnType.DATE);
        List<String> problems = new ArrayList<>();
        ColumnStatistics statistics = ColumnStatistics.of(settings(problems, "analysis", "columns", List.of("day")), days);
        assertThat(problems).isEmpty();

        // when
        try (statistics) {
            statistics.add(row(FEB_1));
            statistics.add(row((Object) null));
            statistics.add(row(JAN_31));
            statistics.add(row(FEB_1));
            statistics.finish(temp.resolve("stats.rows"));
        }

        // then
        @SuppressWarnings("unchecked")
        Map<String, Object> figures = (Map<String, Object>) ((Map<String, Object>) statistics.result().get("statistics")).get("day");
        assertThat(figures).containsEntry("count", 3L).containsEntry("nulls", 1L).containsEntry("distinct", 2L)
                .containsEntry("min", "2024-01-31").containsEntry("max", "2024-02-01");
    }

    @Test
    void type_conversion_makes_decimals_dates_and_timestamps_of_text_and_refuses_a_time_of_day_for_a_date() {
        assertThat(TypeConversion.convert(" 1.10 ", ColumnType.DECIMAL)).isEqualTo(new BigDecimal("1.10"));
        assertThat(TypeConversion.convert(0.1, ColumnType.DECIMAL)).isEqualTo(new BigDecimal("0.1"));
        assertThat(TypeConversion.convert("2024-01-31", ColumnType.DATE)).isEqualTo(JAN_31);
        assertThat(TypeConversion.convert("2024-01-31 10:00:00", ColumnType.TIMESTAMP)).isEqualTo(LocalDateTime.of(2024, 1, 31, 10, 0));
        assertThat(TypeConversion.convert(LocalDateTime.of(2024, 1, 31, 10, 0), ColumnType.STRING)).isEqualTo("2024-01-31 10:00:00");
        assertThatThrownBy(() -> TypeConversion.convert("2024-01-31 10:00", ColumnType.DATE)).isInstanceOf(NumberFormatException.class)
                .hasMessageContaining("has a time of day");
        assertThatThrownBy(() -> TypeConversion.convert("abc", ColumnType.DECIMAL)).isInstanceOf(NumberFormatException.class)
                .hasMessage("'abc' is not a decimal number");
    }

    private static String exported(Export export, Schema types, List<Object[]> rows) throws IOException {
        StringWriter out = new StringWriter();
        try (Export.Encoder encoder = export.encoder(types, out)) {
            encoder.begin();
            for (int i = 0; i < rows.size(); i++) {
                encoder.write(rows.get(i), i);
            }
            encoder.end();
            encoder.flush();
        }
        return out.toString();
    }

    /** The positions of the rows an operation keeps. */
    private static List<Integer> kept(RowOperation operation, List<Object[]> rows) {
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (operation.apply(rows.get(i)) != null) {
                kept.add(i);
            }
        }
        return kept;
    }
}
