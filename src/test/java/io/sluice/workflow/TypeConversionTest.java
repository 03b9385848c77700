package io.sluice.workflow;

import io.sluice.batch.InvalidRecordException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** etl-core's type conversion, value by value and row by row, without Spring. */
class TypeConversionTest {

    private static final Schema PEOPLE = new Schema(List.of(new Schema.Column("id", ColumnType.STRING), new Schema.Column("score", ColumnType.STRING)));

    @Test
    void values_convert_as_etl_core_converts_them() {
        assertThat(TypeConversion.convert(" 42 ", ColumnType.LONG)).isEqualTo(42L);
        assertThat(TypeConversion.convert("3.0", ColumnType.LONG)).isEqualTo(3L);
        assertThat(TypeConversion.convert("1_000", ColumnType.LONG)).isEqualTo(1000L);
        assertThat(TypeConversion.convert(4.0, ColumnType.LONG)).isEqualTo(4L);
        assertThat(TypeConversion.convert("1e3", ColumnType.DOUBLE)).isEqualTo(1000.0);
        assertThat(TypeConversion.convert("-inf", ColumnType.DOUBLE)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(TypeConversion.convert(true, ColumnType.DOUBLE)).isEqualTo(1.0);
        assertThat(TypeConversion.convert(" Yes ", ColumnType.BOOLEAN)).isEqualTo(true);
        assertThat(TypeConversion.convert("f", ColumnType.BOOLEAN)).isEqualTo(false);
        assertThat(TypeConversion.convert(1L, ColumnType.BOOLEAN)).isEqualTo(true);
        assertThat(TypeConversion.convert(2.5, ColumnType.STRING)).isEqualTo("2.5");
        assertThat(TypeConversion.convert(false, ColumnType.STRING)).isEqualTo("False");
        assertThat(TypeConversion.convert("None", ColumnType.LONG)).isNull();
        assertThat(TypeConversion.convert("", ColumnType.BOOLEAN)).isNull();
        assertThat(TypeConversion.convert("", ColumnType.STRING)).isEqualTo("");
    }

    @Test
    void values_that_do_not_convert_say_what_they_are() {
        assertThatThrownBy(() -> TypeConversion.convert("Alice", ColumnType.DOUBLE)).hasMessage("'Alice' is not a float");
        assertThatThrownBy(() -> TypeConversion.convert(2.5, ColumnType.LONG)).hasMessage("2.5 is not a whole number");
        assertThatThrownBy(() -> TypeConversion.convert(true, ColumnType.LONG)).hasMessage("the boolean True is not an integer");
        assertThatThrownBy(() -> TypeConversion.convert(2L, ColumnType.BOOLEAN)).hasMessageStartingWith("2 is not a boolean");
        assertThatThrownBy(() -> TypeConversion.convert("0x10", ColumnType.LONG)).hasMessage("'0x10' is not an integer");
    }

    @Test
    void each_policy_does_with_a_value_that_does_not_convert_what_it_says() {
        Object[] row = {"7", "n/a"};

        assertThatThrownBy(() -> conversion("raise").apply(row)).isInstanceOf(InvalidRecordException.class)
                .hasMessage("node tc (type_conversion) column score: 'n/a' is not a float");
        assertThat(conversion("null").apply(row)).containsExactly(7L, null);
        assertThat(conversion("null").output().column(1).type()).isEqualTo(ColumnType.DOUBLE);
        // with skip, the score may stay text, so the column is text and a converted score is its float's text
        assertThat(conversion("skip").apply(row)).containsExactly(7L, "n/a");
        assertThat(conversion("skip").apply(new Object[] {"7", "12"})).containsExactly(7L, "12.0");
        assertThat(conversion("skip").output().column(1).type()).isEqualTo(ColumnType.STRING);
        assertThat(row).containsExactly("7", "n/a");
    }

    @Test
    void a_rule_on_a_column_the_input_lacks_or_to_a_type_sluice_has_not_is_a_problem_of_its_node() {
        List<String> problems = new ArrayList<>();
        Settings settings = new Settings(new WorkflowDefinition.Node("tc", "type_conversion", Map.of("rules", List.of(
                Map.of("column_path", "age", "target", "integer"),
                Map.of("column_path", "payload.items.*.price", "target", "float"),
                Map.of("column_path", "id", "target", "complex128"),
                Map.of("column_path", "id", "target", "integer", "on_error", "ignore")))), problems);

        assertThat(TypeConversion.of(settings, PEOPLE)).isNull();
        assertThat(problems).containsExactly(
                "node tc (type_conversion) converts column age, which its input does not have (columns: id, score)",
                "node tc (type_conversion) converts the nested path payload.items.*.price; sluice converts top-level columns (a nested value is its JSON text)",
                "node tc (type_conversion) converts column id to 'complex128', which sluice cannot (integer, float, string, boolean, decimal, date, datetime)",
                "node tc (type_conversion) has on_error 'ignore' for column id (raise, null, skip)");
    }

    private static TypeConversion conversion(String onError) {
        Settings settings = new Settings(new WorkflowDefinition.Node("tc", "type_conversion", Map.of("rules", List.of(
                Map.of("column_path", "id", "target", "integer"),
                Map.of("column_path", "score", "target", "float", "on_error", onError)))), new ArrayList<>());
        return TypeConversion.of(settings, PEOPLE);
    }
}
