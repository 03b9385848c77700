package io.sluice.workflow;

import io.sluice.testing.Executions;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * etl-core's own job files (the shared fixtures' {@code etl-core/jobs}) run as workflow jobs on both
 * databases, with {@code __IN__} and {@code __OUT__} replaced by etl-core's test data and a temporary
 * output; each expected output is worked out by hand from that data (ids 1, 2, 3 named Alice, Bob,
 * Charlie; in the XML files Alice, Bob, Carol). A workbook the jobs write is read back cell by cell by
 * POI's own workbook model, each cell with its type.
 */
class EtlCoreJobsTest {

    private static final Path FIXTURES = Path.of("..", "shared", "fixtures", "etl-core");
    private static final String CSV = "csv/test_data.csv";
    private static final String JSON = "json/testdata.json";
    private static final String JSON_LINES = "json/testdata.jsonl";
    private static final String EXCEL = "excel/test_data.xlsx";
    private static final String XML = "xml/test_data.xml";
    private static final List<String> PEOPLE_XML = List.of("<?xml version=\"1.0\" encoding=\"utf-8\"?>", "<rows>",
            "<row><id>1</id><name>Alice</name></row>", "<row><id>2</id><name>Bob</name></row>", "<row><id>3</id><name>Carol</name></row>",
            "</rows>");
    private static final List<String> PEOPLE_ARRAY = List.of("[", "{\"id\":1,\"name\":\"Alice\"},", "{\"id\":2,\"name\":\"Bob\"},",
            "{\"id\":3,\"name\":\"Charlie\"}", "]");
    private static final List<String> PEOPLE_LINES = List.of("{\"id\":1,\"name\":\"Alice\"}", "{\"id\":2,\"name\":\"Bob\"}",
            "{\"id\":3,\"name\":\"Charlie\"}");

    private static final List<String> SELF_JOINED = List.of("id,name_x,name_y", "1,Alice,Alice", "2,Bob,Bob", "3,Charlie,Charlie");

    @TempDir
    Path temp;

    /**
     * One fixture job: its file under {@code jobs/}, its input under {@code data/}, the output's file
     * name (its extension chooses CSV, a JSON array or JSON Lines), the output's lines, and how many
     * records go to the reject file.
     */
    record Job(String file, String input, String output, List<String> expected, long rejected) {

        @Override
        public String toString() {
            return file;
        }
    }

    static Stream<Arguments> jobs() {
        List<Job> jobs = List.of(
                new Job("json/job_config_row.json", JSON_LINES, "out.jsonl", PEOPLE_LINES, 0),
                new Job("json/job_config_bulk.json", JSON, "out.json", PEOPLE_ARRAY, 0),
                new Job("json/job_config_bigdata.json", JSON_LINES, "out.jsonl", PEOPLE_LINES, 0),
                // one row a name: each of the three names once
                new Job("mixed/file_aggregation_file/csv_row_agg_count_by_name_csv.json", CSV, "out.csv",
                        List.of("name,n", "Alice,1", "Bob,1", "Charlie,1"), 0),
                new Job("mixed/file_aggregation_file/json_bigdata_agg_count_by_name_json.json", JSON_LINES, "out.jsonl",
                        List.of("{\"name\":\"Alice\",\"n\":1}", "{\"name\":\"Bob\",\"n\":1}", "{\"name\":\"Charlie\",\"n\":1}"), 0),
                // the names' first and last in text order
                new Job("mixed/file_aggregation_file/json_bulk_agg_minmax_name_json.json", JSON, "out.json",
                        List.of("[", "{\"name_min\":\"Alice\",\"name_max\":\"Charlie\"}", "]"), 0),
                // ids 1, 2, 3: sum 6, mean and median 2, sample standard deviation sqrt(((1-2)^2 + 0 + (3-2)^2) / 2) = 1
                new Job("mixed/file_aggregation_file/json_row_agg_id_stats_csv.json", JSON_LINES, "out.csv",
                        List.of("id_min,id_max,id_sum,id_mean,id_median,id_std,n", "1,3,6,2.0,2.0,1.0,3"), 0),
                new Job("mixed/file_type_conversion_file/csv_bigdata_typeconv_csv.json", CSV, "out.csv",
                        List.of("id,name", "1,Alice", "2,Bob", "3,Charlie"), 0),
                // no name is a float: with raise, each row is rejected and the array is empty
                new Job("mixed/file_type_conversion_file/json_bulk_typeconv_json.json", JSON, "out.json", List.of("[", "]"), 3),
                // with skip, every name keeps its text
                new Job("mixed/file_type_conversion_file/json_bulk_typeconv_skip_json.json", JSON, "out.json", PEOPLE_ARRAY, 0),
                new Job("mixed/file_type_conversion_file/json_row_typeconv_csv.json", JSON_LINES, "out.csv",
                        List.of("id,name", "1,Alice", "2,Bob", "3,Charlie"), 0),
                // no name is a boolean: with null, each becomes null (an empty CSV field)
                new Job("mixed/file_type_conversion_file/json_row_typeconv_null_csv.json", JSON_LINES, "out.csv",
                        List.of("id,name", "1,", "2,", "3,"), 0),
                // name == Alice OR name == Charlie
                new Job("mixed/file_filter_file/json_bigdata_filter_json.json", JSON_LINES, "out.jsonl",
                        List.of("{\"id\":1,\"name\":\"Alice\"}", "{\"id\":3,\"name\":\"Charlie\"}"), 0),
                // id >= 2
                new Job("mixed/file_filter_file/json_bulk_filter_json.json", JSON, "out.json",
                        List.of("[", "{\"id\":2,\"name\":\"Bob\"},", "{\"id\":3,\"name\":\"Charlie\"}", "]"), 0),
                new Job("mixed/file_filter_file/json_row_filter_csv.json", JSON_LINES, "out.csv",
                        List.of("id,name", "1,Alice", "3,Charlie"), 0),
                // the workbook's ids are whole numbers, its names text; name != Bob
                new Job("mixed/file_filter_file/excel_bulk_filter_csv.json", EXCEL, "out.csv", List.of("id,name", "1,Alice", "3,Charlie"), 0),
                new Job("mixed/file_filter_file/excel_bulk_filter_json.json", EXCEL, "out.json",
                        List.of("[", "{\"id\":1,\"name\":\"Alice\"},", "{\"id\":3,\"name\":\"Charlie\"}", "]"), 0),
                // three different names
                new Job("mixed/file_aggregation_file/excel_bulk_agg_nunique_json.json", EXCEL, "out.json", List.of("[", "{\"names\":3}", "]"), 0),
                // XML passed through: the same records under etl-core's default root and record tags
                new Job("xml/job_config_xml_row.json", XML, "out.xml", PEOPLE_XML, 0),
                new Job("xml/job_config_xml_bulk.json", XML, "out.xml", PEOPLE_XML, 0),
                new Job("xml/job_config_xml_bigdata.json", "xml/test_bigdata.xml", "out.xml", PEOPLE_XML, 0),
                // the people joined with themselves on id: every id matches once, whatever the join
                new Job("mapping/csv_bulk_join_inner_csv.json", CSV, "out.csv", SELF_JOINED, 0),
                new Job("mapping/csv_bigdata_join_inner_csv.json", CSV, "out.csv", SELF_JOINED, 0),
                new Job("mapping/csv_bulk_join_left_csv.json", CSV, "out.csv", SELF_JOINED, 0),
                new Job("mapping/csv_bulk_join_right_csv.json", CSV, "out.csv", SELF_JOINED, 0),
                new Job("mapping/csv_bulk_join_outer_csv.json", CSV, "out.csv", SELF_JOINED, 0));
        return TestDatabase.both().flatMap(database -> jobs.stream().map(job -> Arguments.of(database, job)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jobs")
    void an_etl_core_job_file_runs_and_writes_what_etl_core_would(TestDatabase database, Job job) throws Exception {
        // given
        Path file = fixtureJob(job.file(), FIXTURES.resolve("data").resolve(job.input()), temp.resolve(job.output()));

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", file.toString());

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readAllLines(temp.resolve(job.output()))).containsExactlyElementsOf(job.expected());
        long id = Executions.newest(database);
        assertThat(Executions.status(database, id)).isEqualTo("COMPLETED");
        assertThat(Executions.total(database, id).rejected()).isEqualTo(job.rejected());
    }

    static Stream<Arguments> mongodbJobs() throws Exception {
        Path folder = FIXTURES.resolve("jobs");
        assumeThat(Files.isDirectory(folder)).as("the shared fixtures are beside the project").isTrue();
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(file -> file.toString().endsWith(".json")).filter(file -> readQuietly(file).contains("mongodb"))
                    .map(file -> Arguments.of(folder.relativize(file).toString())).toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mongodbJobs")
    void a_mongodb_job_is_refused_before_launch_with_one_line(String job) throws Exception {
        Path file = fixtureJob(job, FIXTURES.resolve("data").resolve(CSV), temp.resolve("out.csv"));

        Sluice.Result result = new Sluice(TestDatabase.hsqldb()).run("workflow", "validate", "--file", file.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().strip().lines()).hasSize(1);
        assertThat(result.err()).contains("reads or writes MongoDB, which sluice does not reach");
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Stream<Arguments> excelJobs() {
        List<String> header = List.of("s:id", "s:name");
        List<List<List<String>>> people = List.of(List.of(header, List.of("n:1.0", "s:Alice"), List.of("n:2.0", "s:Bob"), List.of("n:3.0", "s:Charlie")));
        List<Arguments> jobs = List.of(
                // the workbook passed through: whole numbers stay numbers, names text
                Arguments.of("excel/job_config_excel_row.json", EXCEL, people.get(0)),
                Arguments.of("excel/job_config_excel_bulk.json", EXCEL, people.get(0)),
                Arguments.of("excel/job_config_excel_bigdata.json", EXCEL, people.get(0)),
                // name != Bob
                Arguments.of("mixed/file_filter_file/excel_bulk_filter_excel.json", EXCEL,
                        List.of(header, List.of("n:1.0", "s:Alice"), List.of("n:3.0", "s:Charlie"))),
                // etl-core's CSV reader gives text, so the ids are text cells
                Arguments.of("mixed/file_filter_file/csv_bulk_filter_excel.json", CSV,
                        List.of(header, List.of("s:1", "s:Alice"), List.of("s:3", "s:Charlie"))),
                // three rows counted
                Arguments.of("mixed/file_aggregation_file/csv_bulk_agg_count_excel.json", CSV, List.of(List.of("s:n"), List.of("n:3.0"))));
        return TestDatabase.both().flatMap(database -> jobs.stream().map(job -> Arguments.of(database, job.get()[0], job.get()[1], job.get()[2])));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("excelJobs")
    void an_etl_core_job_writing_a_workbook_writes_typed_cells_under_a_header_in_sheet1(TestDatabase database, String job, String input,
                                                                                        List<List<String>> expected) throws Exception {
        // given
        Path file = fixtureJob(job, FIXTURES.resolve("data").resolve(input), temp.resolve("out.xlsx"));

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", file.toString());

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(ExcelExportTest.cells(temp.resolve("out.xlsx"), "Sheet1")).isEqualTo(expected);
        assertThat(Executions.status(database, Executions.newest(database))).isEqualTo("COMPLETED");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_schema_mapping_puts_each_output_port_out_with_its_own_columns(TestDatabase database) throws Exception {
        // given etl-core's fan-out mapping: port A renames id, name to uid, uname; port B keeps them; each to its own CSV
        Path a = temp.resolve("a.csv");
        Path b = temp.resolve("b.csv");
        Path file = fixtureJob("mapping/csv_bulk_map_fanout_csv.json", FIXTURES.resolve("data").resolve(CSV), a);
        Files.writeString(file, Files.readString(file).replaceFirst("(\"name\": \"writer_B\"[^}]*\"filepath\": \")[^\"]*", "$1" + b));

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", file.toString());

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readAllLines(a)).containsExactly("uid,uname", "1,Alice", "2,Bob", "3,Charlie");
        assertThat(Files.readAllLines(b)).containsExactly("id,name", "1,Alice", "2,Bob", "3,Charlie");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void two_exports_to_one_file_are_refused_before_launch_naming_both(TestDatabase database) throws Exception {
        // given the fan-out mapping as the fixture has it: both writers write the one output file
        Path file = fixtureJob("mapping/csv_bulk_map_fanout_csv.json", FIXTURES.resolve("data").resolve(CSV), temp.resolve("out.csv"));

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", file.toString());

        // then
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.err()).contains("nodes writer_A and writer_B both export to " + temp.resolve("out.csv"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_row_whose_value_does_not_convert_is_rejected_with_its_line_and_reason(TestDatabase database) throws Exception {
        // given etl-core's name -> float conversion (raise) over Alice, Bob, Charlie, who are on lines 2 to 4 of the array
        Path file = fixtureJob("mixed/file_type_conversion_file/json_bulk_typeconv_json.json", FIXTURES.resolve("data").resolve(JSON),
                temp.resolve("out.json"));

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", file.toString());

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        List<String> rejects = rejects(database);
        assertThat(rejects).hasSize(3);
        assertThat(rejects.get(0)).contains("testdata.json").contains("\"location\":\"line 2\"")
                .contains("node tc (type_conversion) column name: 'Alice' is not a float")
                .contains("{\\\"id\\\":1,\\\"name\\\":\\\"Alice\\\"}");
        assertThat(rejects.get(2)).contains("\"location\":\"line 4\"").contains("'Charlie'");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_json_lines_line_that_is_not_json_is_rejected_and_the_other_lines_are_written(TestDatabase database) throws Exception {
        // given etl-core's JSON Lines pass-through over a file whose second line is not JSON
        Path file = fixtureJob("json/job_config_row.json", FIXTURES.resolve("data/json/testdata_bad_line.jsonl"), temp.resolve("out.jsonl"));

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", file.toString());

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readAllLines(temp.resolve("out.jsonl"))).containsExactly("{\"id\":1,\"name\":\"Alice\"}", "{\"id\":3,\"name\":\"Charlie\"}");
        List<String> rejects = rejects(database);
        assertThat(rejects).hasSize(1);
        assertThat(rejects.get(0)).contains("testdata_bad_line.jsonl").contains("\"location\":\"line 2, column 3\"")
                .contains("not valid JSON").contains("\"raw\":\"{ this is not json }\"");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_json_array_broken_in_its_first_element_is_rejected_where_it_breaks_and_the_export_is_empty(TestDatabase database) throws Exception {
        // given etl-core's array pass-through over a file whose first object is not closed
        Path file = fixtureJob("json/job_config_bulk.json", FIXTURES.resolve("data/json/testdata_bad.json"), temp.resolve("out.json"));

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", file.toString());

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readAllLines(temp.resolve("out.json"))).containsExactly("[", "]");
        List<String> rejects = rejects(database);
        assertThat(rejects).hasSize(1);
        assertThat(rejects.get(0)).contains("testdata_bad.json").contains("\"location\":\"line 3, column 3\"")
                .contains("not valid JSON").contains("the elements after it cannot be read");
    }

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    /** The fixture job with its placeholders replaced, in the temporary folder; skips the test when the fixtures are absent. */
    private Path fixtureJob(String job, Path input, Path output) throws Exception {
        Path file = FIXTURES.resolve("jobs").resolve(job);
        assumeThat(Files.exists(file)).as("the shared fixtures are beside the project").isTrue();
        Path copy = temp.resolve(file.getFileName());
        Files.writeString(copy, Files.readString(file).replace("__IN__", input.toAbsolutePath().toString())
                .replace("__OUT__", output.toString()));
        return copy;
    }

    private static List<String> rejects(TestDatabase database) throws Exception {
        long id = Executions.newest(database);
        return Files.readAllLines(database.dataDir().resolve("executions").resolve(Long.toString(id)).resolve("rejects.jsonl"));
    }
}
