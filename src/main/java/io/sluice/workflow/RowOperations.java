package io.sluice.workflow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The row-wise nodes of both tools' vocabularies, built from their settings.
 *
 * <p>Filters: Data Wrangler's engine ({@code data_transformation} with {@code transformation_type:
 * filter_rows}, {@code filter_column}, {@code filter_operator}, {@code filter_value}, or
 * {@code filter_type: expression} with {@code expression}), its UI ({@code filter} with {@code column},
 * {@code operator}, {@code value}) and etl-core ({@code filter} with {@code rule: {column, operator,
 * value}}, or {@code {logical_operator: AND|OR|NOT, rules: [...]}} nesting them). Operators: {@code == != > >= < <= in not_in contains starts_with ends_with is_null not_null},
 * and the UI's words for them ({@code equals}, {@code greater_than}...). Derived columns: {@code custom_formula}
 * ({@code new_column} or {@code column_name}, {@code formula} or {@code expression}).
 */
final class RowOperations {

    private static final Map<String, String> OPERATOR_WORDS = Map.ofEntries(
            Map.entry("=", "=="), Map.entry("eq", "=="), Map.entry("equals", "=="), Map.entry("equal", "=="),
            Map.entry("ne", "!="), Map.entry("not_equals", "!="), Map.entry("not_equal", "!="), Map.entry("<>", "!="),
            Map.entry("gt", ">"), Map.entry("greater_than", ">"), Map.entry("ge", ">="), Map.entry("greater_than_or_equal", ">="),
            Map.entry("greater_or_equal", ">="), Map.entry("lt", "<"), Map.entry("less_than", "<"), Map.entry("le", "<="),
            Map.entry("less_than_or_equal", "<="), Map.entry("less_or_equal", "<="), Map.entry("not in", "not_in"),
            Map.entry("startswith", "starts_with"), Map.entry("endswith", "ends_with"), Map.entry("isnull", "is_null"),
            Map.entry("is_na", "is_null"), Map.entry("notnull", "not_null"), Map.entry("not_na", "not_null"),
            Map.entry("is_not_null", "not_null"));

    private RowOperations() {
    }

    /**
     * A filter keeping the rows where {@code column OPERATOR value} holds.
     *
     * @return null (with a problem noted) when the column or operator is unknown
     */
    static RowOperation filter(Settings settings, Schema input, String column, String operator, Object value) {
        return keeping(input, condition(settings, input, column, operator, value));
    }

    /**
     * etl-core's filter rule: a leaf {@code {column, operator, value}}, or {@code {logical_operator: AND|OR|NOT,
     * rules: [...]}} combining nested rules (NOT takes one).
     *
     * @return null (with a problem noted) when a rule names an unknown column or operator, or is neither kind
     */
    static RowOperation filterByRule(Settings settings, Schema input, Map<String, Object> rule) {
        return keeping(input, rule(settings, input, rule));
    }

    private static java.util.function.Predicate<Object[]> rule(Settings settings, Schema input, Map<?, ?> rule) {
        Object logical = rule.get("logical_operator");
        if (logical == null) {
            return condition(settings, input, String.valueOf(rule.get("column")),
                    rule.get("operator") == null ? null : rule.get("operator").toString(), rule.get("value"));
        }
        String op = logical.toString().toUpperCase(Locale.ROOT);
        List<?> children = rule.get("rules") instanceof List<?> list ? list : List.of();
        if (!List.of("AND", "OR", "NOT").contains(op) || children.isEmpty() || op.equals("NOT") && children.size() != 1) {
            settings.problem("has a rule with logical_operator '" + logical + "' and " + children.size()
                    + " rules (AND and OR take one or more, NOT takes one)");
            return null;
        }
        List<java.util.function.Predicate<Object[]>> parts = new ArrayList<>();
        for (Object child : children) {
            if (!(child instanceof Map<?, ?> map)) {
                settings.problem("has a rule that is not an object: " + child);
                return null;
            }
            java.util.function.Predicate<Object[]> part = rule(settings, input, map);
            if (part == null) {
                return null;
            }
            parts.add(part);
        }
        return switch (op) {
            case "NOT" -> parts.get(0).negate();
            case "AND" -> row -> {
                for (java.util.function.Predicate<Object[]> part : parts) {
                    if (!part.test(row)) {
                        return false;
                    }
                }
                return true;
            };
            default -> row -> {
                for (java.util.function.Predicate<Object[]> part : parts) {
                    if (part.test(row)) {
                        return true;
                    }
                }
                return false;
            };
        };
    }

    private static RowOperation keeping(Schema input, java.util.function.Predicate<Object[]> keep) {
        if (keep == null) {
            return null;
        }
        return RowOperation.of(input, row -> keep.test(row) ? row : null);
    }

    /** Whether a row's {@code column OPERATOR value} holds; null (with a problem noted) when the column or operator is unknown. */
    private static java.util.function.Predicate<Object[]> condition(Settings settings, Schema input, String column, String operator, Object value) {
        int index = input.indexOf(column);
        if (index < 0) {
            settings.problem("filters on column " + column + ", which its input does not have (columns: " + String.join(", ", input.names()) + ")");
            return null;
        }
        String op = operator == null ? "==" : OPERATOR_WORDS.getOrDefault(operator.trim().toLowerCase(Locale.ROOT), operator.trim().toLowerCase(Locale.ROOT));
        ColumnType type = input.column(index).type();
        java.util.function.Predicate<Object> test;
        switch (op) {
            case "is_null" -> test = v -> v == null;
            case "not_null" -> test = v -> v != null;
            case "in", "not_in" -> {
                List<Object> values = new ArrayList<>();
                for (Object element : value instanceof List<?> list ? list : Arrays.asList(String.valueOf(value).split(","))) {
                    values.add(Values.normalNumber(typed(settings, element instanceof String s ? s.trim() : element, type)));
                }
                boolean in = op.equals("in");
                test = v -> v != null && values.contains(Values.normalNumber(v instanceof java.time.LocalDate d ? d.atStartOfDay() : v)) == in;
            }
            case "contains", "starts_with", "ends_with" -> {
                String text = value == null ? "" : value.toString();
                test = switch (op) {
                    case "contains" -> v -> v != null && Values.text(v).contains(text);
                    case "starts_with" -> v -> v != null && Values.text(v).startsWith(text);
                    default -> v -> v != null && Values.text(v).endsWith(text);
                };
            }
            case "==", "!=", ">", ">=", "<", "<=" -> {
                Object operand = typed(settings, value, type);
                test = cell -> {
                    Object v = cell instanceof Double d && d.isNaN() ? null : cell; // NaN is missing, as in pandas
                    if (v == null || operand == null) {
                        return op.equals("!=") ? v != operand : op.equals("==") && v == operand;
                    }
                    Integer order = Values.compare(v, operand);
                    if (order == null) {
                        return op.equals("!=");
                    }
                    return switch (op) {
                        case "==" -> order == 0;
                        case "!=" -> order != 0;
                        case ">" -> order > 0;
                        case ">=" -> order >= 0;
                        case "<" -> order < 0;
                        default -> order <= 0;
                    };
                };
            }
            default -> {
                settings.problem("has the unknown operator '" + operator + "' (== != > >= < <= in not_in contains starts_with ends_with is_null not_null)");
                return null;
            }
        }
        java.util.function.Predicate<Object> holds = test;
        return row -> holds.test(row[index]);
    }

    /** A filter keeping the rows where {@code expression} is true. */
    static RowOperation filterByExpression(Settings settings, Schema input, String expression) {
        Expression compiled = compile(settings, expression, input);
        if (compiled == null) {
            return null;
        }
        return RowOperation.of(input, row -> Values.truth(compiled.evaluate(row)) ? row : null);
    }

    /** Adds (or replaces) {@code column} with the value of {@code expression} for each row. */
    static RowOperation derive(Settings settings, Schema input, String column, String expression) {
        Expression compiled = compile(settings, expression, input);
        if (compiled == null) {
            return null;
        }
        ColumnType type = compiled.type() == null ? ColumnType.DOUBLE : compiled.type();
        Schema output = input.with(new Schema.Column(column, type));
        int at = output.indexOf(column);
        boolean widen = type == ColumnType.DOUBLE;
        return RowOperation.of(output, row -> {
            Object[] out = Arrays.copyOf(row, output.size());
            Object value = compiled.evaluate(row);
            out[at] = widen && value instanceof Long l ? Double.valueOf(l) : value;
            return out;
        });
    }

    /** Keeps {@code columns} in the order given. */
    static RowOperation select(Settings settings, Schema input, List<String> columns) {
        int[] indices = indices(settings, input, columns);
        if (indices == null) {
            return null;
        }
        List<Schema.Column> kept = new ArrayList<>();
        for (int index : indices) {
            kept.add(input.column(index));
        }
        Schema output = new Schema(kept);
        return RowOperation.of(output, row -> {
            Object[] out = new Object[indices.length];
            for (int i = 0; i < indices.length; i++) {
                out[i] = row[indices[i]];
            }
            return out;
        });
    }

    /**
     * New columns from input columns: each entry of {@code columns} names an output column (in order) and
     * the input column it takes its values and type from, as etl-core's {@code rules_by_dest} map them.
     */
    static RowOperation project(Settings settings, Schema input, Map<String, String> columns) {
        int[] indices = indices(settings, input, new ArrayList<>(columns.values()));
        if (indices == null) {
            return null;
        }
        List<Schema.Column> output = new ArrayList<>();
        int i = 0;
        for (String name : columns.keySet()) {
            output.add(new Schema.Column(name, input.column(indices[i++]).type()));
        }
        return RowOperation.of(new Schema(output), row -> {
            Object[] out = new Object[indices.length];
            for (int at = 0; at < indices.length; at++) {
                out[at] = row[indices[at]];
            }
            return out;
        });
    }

    /** Drops {@code columns}. */
    static RowOperation drop(Settings settings, Schema input, List<String> columns) {
        if (indices(settings, input, columns) == null) {
            return null;
        }
        List<String> kept = new ArrayList<>(input.names());
        kept.removeAll(columns);
        return select(settings, input, kept);
    }

    /** Renames columns: old name to new name. */
    static RowOperation rename(Settings settings, Schema input, Map<String, Object> names) {
        if (indices(settings, input, new ArrayList<>(names.keySet())) == null) {
            return null;
        }
        Map<String, String> renamed = new LinkedHashMap<>();
        names.forEach((from, to) -> renamed.put(from, String.valueOf(to)));
        List<Schema.Column> columns = new ArrayList<>();
        for (Schema.Column column : input.columns()) {
            columns.add(new Schema.Column(renamed.getOrDefault(column.name(), column.name()), column.type()));
        }
        Schema output = new Schema(columns);
        return RowOperation.of(output, row -> row);
    }

    /**
     * Missing values: {@code strategy} (or {@code method}) {@code drop} drops the rows with a null in one
     * of {@code columns} (all columns when none is named); {@code value} (also {@code fill}, {@code constant})
     * puts {@code value} (or {@code fill_value}) in their place. A {@code handle_dict} maps each column to
     * its own strategy. Filling with a column's mean, median or mode needs the whole column first: not yet.
     */
    static RowOperation missingValues(Settings settings, Schema input) {
        Map<String, Object> perColumn = settings.object("handle_dict");
        List<String> columns = perColumn.isEmpty() ? settings.texts("columns", "column", "subset") : new ArrayList<>(perColumn.keySet());
        if (columns.isEmpty()) {
            columns = input.names();
        }
        int[] indices = indices(settings, input, columns);
        if (indices == null) {
            return null;
        }
        String defaultStrategy = settings.text("strategy", "method", "operation");
        Object fill = settings.value("value", "fill_value");
        String[] strategies = new String[indices.length];
        Object[] fills = new Object[indices.length];
        for (int i = 0; i < indices.length; i++) {
            Object strategy = perColumn.isEmpty() ? defaultStrategy : perColumn.get(columns.get(i));
            String name = strategy == null ? "drop" : strategy.toString().toLowerCase(Locale.ROOT);
            name = switch (name) {
                case "drop", "dropna", "drop_missing", "remove", "handle_missing", "missing_values" -> "drop";
                case "value", "fill", "constant", "fillna", "fill_value" -> "value";
                default -> name;
            };
            if (!name.equals("drop") && !name.equals("value")) {
                settings.problem("fills missing values with the strategy '" + strategy + "', which sluice cannot run yet (drop, value)");
                return null;
            }
            if (name.equals("value") && fill == null) {
                settings.problem("fills missing values but has no value (fill_value)");
                return null;
            }
            strategies[i] = name;
            fills[i] = name.equals("value") ? typed(settings, fill, input.column(indices[i]).type()) : null;
        }
        return RowOperation.of(input, row -> {
            Object[] out = row;
            for (int i = 0; i < indices.length; i++) {
                Object value = row[indices[i]];
                if (value == null || value instanceof Double d && d.isNaN()) {
                    if (strategies[i].equals("drop")) {
                        return null;
                    }
                    if (out == row) {
                        out = Arrays.copyOf(row, row.length);
                    }
                    out[indices[i]] = fills[i];
                }
            }
            return out;
        });
    }

    private static int[] indices(Settings settings, Schema input, List<String> columns) {
        int[] indices = new int[columns.size()];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            indices[i] = input.indexOf(columns.get(i));
            if (indices[i] < 0) {
                missing.add(columns.get(i));
            }
        }
        if (!missing.isEmpty()) {
            settings.problem("names columns its input does not have: " + String.join(", ", missing)
                    + " (columns: " + String.join(", ", input.names()) + ")");
            return null;
        }
        return indices;
    }

    private static Expression compile(Settings settings, String expression, Schema input) {
        if (expression == null || expression.isBlank()) {
            settings.problem("has no expression");
            return null;
        }
        try {
            return Expression.compile(expression, input);
        } catch (Expression.ExpressionException e) {
            settings.problem("has an expression that cannot run: " + e.getMessage());
            return null;
        }
    }

    /**
     * A setting's value as the column's type, so that {@code quantity >= "3"} compares numbers: for a
     * decimal column an exact decimal ({@code "0.10"}, or a float setting's shortest digits); for a date or
     * timestamp column the ISO date or timestamp the text is ({@code '2024-01-01'} is that day's
     * midnight, as pandas compares a {@code datetime64} column with a string), a problem when it is none.
     */
    private static Object typed(Settings settings, Object value, ColumnType type) {
        if (value == null) {
            return null;
        }
        if (type == ColumnType.DECIMAL) {
            try {
                String text = value.toString().trim();
                return new java.math.BigDecimal(text.startsWith("+") ? text.substring(1) : text);
            } catch (NumberFormatException e) {
                settings.problem("compares the decimal column with '" + value + "', which is not a number");
                return null;
            }
        }
        if (type.temporal()) {
            java.time.LocalDateTime time = Values.parseTimestamp(value.toString().trim());
            if (time == null) {
                settings.problem("compares the " + type.label() + " column with '" + value + "', which is not an ISO date or timestamp (2024-01-31, 2024-01-31 10:00:00)");
            }
            return time;
        }
        if (type.numeric()) {
            if (value instanceof Number number) {
                return number instanceof Double || number instanceof Float ? (Object) number.doubleValue() : (Object) number.longValue();
            }
            try {
                String text = value.toString().trim();
                return text.matches("[-+]?\\d+") ? (Object) Long.parseLong(text) : (Object) Double.parseDouble(text);
            } catch (NumberFormatException e) {
                settings.problem("compares the numeric column with '" + value + "', which is not a number");
                return null;
            }
        }
        if (type == ColumnType.BOOLEAN) {
            return Boolean.parseBoolean(value.toString());
        }
        return value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && !(n instanceof Double) ? String.valueOf(n.longValue()) : value.toString();
    }
}
