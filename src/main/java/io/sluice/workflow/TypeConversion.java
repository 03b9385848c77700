package io.sluice.workflow;

import io.sluice.batch.InvalidRecordException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * etl-core's {@code type_conversion}: {@code rules: [{column_path, target, on_error}]}, each converting
 * one column to {@code integer}, {@code float}, {@code string} or {@code boolean}, in order, as
 * etl-core converts one value:
 * <ul>
 * <li>null stays null, and so does a text that says nothing ({@code ""}, {@code na}, {@code nan},
 *     {@code null}, {@code none}, any case) for a target other than string;</li>
 * <li>to integer: a whole number; a float without a fraction; a text in Python's {@code int} or
 *     {@code float} syntax whose value is whole ({@code "42"}, {@code " 7 "}, {@code "3.0"}); not a boolean;</li>
 * <li>to float: a number; a boolean (1.0, 0.0); a text in Python's {@code float} syntax
 *     ({@code "1.5"}, {@code "1e3"}, {@code "inf"});</li>
 * <li>to boolean: a boolean; the numbers 0 and 1; the texts {@code true t 1 yes y} and
 *     {@code false f 0 no n} (any case, blanks around);</li>
 * <li>to string: the value as Python's {@code str} writes it ({@code 3.0}, {@code True}; a decimal's
 *     plain digits, a date {@code 2024-01-31}, a timestamp {@code 2024-01-31 10:00:00}).</li>
 * </ul>
 * etl-core's schema types stop there; sluice adds three targets of its own (ISO forms only, no
 * {@code format} setting):
 * <ul>
 * <li>to {@code decimal} (or {@code numeric}): a whole number; a decimal; a float as the shortest digits
 *     that read back as it ({@code 0.1}, as Python's {@code Decimal(str(x))}); a text in Python's
 *     {@code float} syntax, keeping its digits ({@code "1.10"} stays 1.10); not inf, NaN or a boolean;</li>
 * <li>to {@code date}: a date; a timestamp at midnight; a text that is an ISO date ({@code 2024-01-31})
 *     or an ISO timestamp at midnight (a time of day is refused, not cut off);</li>
 * <li>to {@code datetime} (or {@code timestamp}): a timestamp; a date (its midnight); a text that is an
 *     ISO date or timestamp ({@code 2024-01-31T10:00:00}, {@code 2024-01-31 10:00:00.5}).</li>
 * </ul>
 * A value that does not convert: with {@code on_error: raise} (the default) its row goes to the
 * reject file with the reason and the others go on (etl-core would stop the job); with {@code null}
 * it becomes null; with {@code skip} it keeps its value. A column holds one type, so after a
 * {@code skip} rule it holds the type both fit in ({@link ColumnType#common}: text when a text may
 * stay text), and the converted values are of that type too. Only top-level columns: a nested value
 * is its JSON text here.
 */
final class TypeConversion implements RowOperation {

    /** What happens to a value that does not convert. */
    enum OnError { RAISE, NULL, SKIP }

    /** One rule: the column, its type after the rule, and the type the rule converts to. */
    private record Rule(int column, String name, ColumnType target, OnError onError, ColumnType output) {
    }

    private static final Set<String> NULL_TEXTS = Set.of("", "na", "nan", "null", "none");
    private static final Set<String> TRUE_TEXTS = Set.of("true", "t", "1", "yes", "y");
    private static final Set<String> FALSE_TEXTS = Set.of("false", "f", "0", "no", "n");
    private static final String DIGITS = "\\d(?:_?\\d)*";
    private static final Pattern PYTHON_INT = Pattern.compile("[+-]?" + DIGITS);
    private static final Pattern PYTHON_FLOAT = Pattern.compile(
            "[+-]?(?:(?:" + DIGITS + "(?:\\.(?:" + DIGITS + ")?)?|\\." + DIGITS + ")(?:[eE][+-]?" + DIGITS + ")?|(?i:inf|infinity))");

    private final String node;
    private final List<Rule> rules;
    private final Schema output;

    private TypeConversion(String node, List<Rule> rules, Schema output) {
        this.node = node;
        this.rules = rules;
        this.output = output;
    }

    /**
     * From etl-core's settings: {@code rules}, a list of {@code {column_path, target, on_error}}; or from Data
     * Wrangler's engine: {@code convert_dict} (also {@code dtypes}) mapping a column to a pandas dtype name
     * ({@code int64}, {@code float64}, {@code str}, {@code object}, {@code bool}, {@code datetime64[ns]}...), or one
     * {@code column} with its {@code target_type} (also {@code dtype}), each a rule that rejects a row whose value
     * does not convert.
     *
     * @return null (problems noted) when a rule names an unknown column, target or policy
     */
    static TypeConversion of(Settings settings, Schema input) {
        Object given = settings.value("rules");
        Map<String, Object> byColumn = settings.object("convert_dict", "conversions", "dtypes", "column_types");
        if (given == null && !byColumn.isEmpty()) {
            given = rulesOf(byColumn); // Data Wrangler's engine: pandas' astype of {column: dtype}
        } else if (given == null && settings.text("column") != null && settings.text("target_type", "dtype", "new_type", "to_type") != null) {
            given = rulesOf(Map.of(settings.text("column"), settings.text("target_type", "dtype", "new_type", "to_type")));
        }
        if (!(given instanceof List<?> list) || list.isEmpty()) {
            settings.problem("has no rules (a list of {column_path, target, on_error})");
            return null;
        }
        List<Rule> rules = new ArrayList<>();
        Schema schema = input;
        boolean ok = true;
        for (Object element : list) {
            if (!(element instanceof Map<?, ?> rule)) {
                settings.problem("has a rule that is not an object: " + element);
                ok = false;
                continue;
            }
            String path = String.valueOf(rule.get("column_path") != null ? rule.get("column_path") : rule.get("column"));
            int column = schema.indexOf(path);
            if (column < 0) {
                settings.problem(path.contains(".") || path.contains("*")
                        ? "converts the nested path " + path + "; sluice converts top-level columns (a nested value is its JSON text)"
                        : "converts column " + path + ", which its input does not have (columns: " + String.join(", ", schema.names()) + ")");
                ok = false;
                continue;
            }
            ColumnType target = target(rule.get("target"));
            if (target == null) {
                settings.problem("converts column " + path + " to '" + rule.get("target") + "', which sluice cannot (integer, float, string, boolean, decimal, date, datetime)");
                ok = false;
                continue;
            }
            OnError onError = onError(rule.get("on_error"));
            if (onError == null) {
                settings.problem("has on_error '" + rule.get("on_error") + "' for column " + path + " (raise, null, skip)");
                ok = false;
                continue;
            }
            ColumnType type = onError == OnError.SKIP ? ColumnType.common(target, schema.column(column).type()) : target;
            rules.add(new Rule(column, path, target, onError, type));
            schema = schema.with(new Schema.Column(path, type));
        }
        return ok ? new TypeConversion("node " + settings.node().id() + " (" + settings.node().type() + ")", rules, schema) : null;
    }

    /** Rules of a {@code {column: dtype}} map, each raising (pandas' {@code astype} fails on a value it cannot convert: here the row is rejected). */
    private static List<Object> rulesOf(Map<String, Object> byColumn) {
        List<Object> rules = new ArrayList<>();
        byColumn.forEach((column, dtype) -> rules.add(Map.of("column_path", column, "target", String.valueOf(dtype), "on_error", "raise")));
        return rules;
    }

    private static ColumnType target(Object name) {
        return switch (name == null ? "" : name.toString().toLowerCase(Locale.ROOT)) {
            case "integer", "int", "int64", "int32", "long" -> ColumnType.LONG;
            case "float", "float64", "float32", "double", "number" -> ColumnType.DOUBLE;
            case "string", "str", "text", "object", "category" -> ColumnType.STRING;
            case "boolean", "bool" -> ColumnType.BOOLEAN;
            case "decimal", "numeric" -> ColumnType.DECIMAL;
            case "date" -> ColumnType.DATE;
            case "datetime", "timestamp", "datetime64", "datetime64[ns]" -> ColumnType.TIMESTAMP;
            default -> null;
        };
    }

    private static OnError onError(Object name) {
        return switch (name == null ? "raise" : name.toString().toLowerCase(Locale.ROOT)) {
            case "raise" -> OnError.RAISE;
            case "null" -> OnError.NULL;
            case "skip" -> OnError.SKIP;
            default -> null;
        };
    }

    @Override
    public Schema output() {
        return output;
    }

    /** @throws InvalidRecordException when a value does not convert under a rule that raises */
    @Override
    public Object[] apply(Object[] row) {
        Object[] out = row.clone();
        for (Rule rule : rules) {
            Object value = out[rule.column()];
            Object converted;
            try {
                converted = convert(value, rule.target());
            } catch (NumberFormatException e) {
                converted = switch (rule.onError()) {
                    case RAISE -> throw new InvalidRecordException(node + " column " + rule.name() + ": " + e.getMessage());
                    case NULL -> null;
                    case SKIP -> value;
                };
            }
            out[rule.column()] = rule.output() == rule.target() ? converted : JsonSource.value(converted, rule.output());
        }
        return out;
    }

    /**
     * One value to {@code target}, as etl-core converts it.
     *
     * @throws NumberFormatException naming the value when it does not convert
     */
    static Object convert(Object value, ColumnType target) {
        if (value == null || value instanceof Double d && d.isNaN()) {
            return null;
        }
        if (target != ColumnType.STRING && value instanceof String text && NULL_TEXTS.contains(text.strip().toLowerCase(Locale.ROOT))) {
            return null;
        }
        return switch (target) {
            case STRING -> value instanceof String ? value : CsvExport.field(value);
            case LONG -> toInteger(value);
            case DOUBLE -> toFloat(value);
            case BOOLEAN -> toBoolean(value);
            case DECIMAL -> toDecimal(value);
            case DATE -> toDate(value);
            case TIMESTAMP -> toTimestamp(value);
        };
    }

    private static Object toDecimal(Object value) {
        if (value instanceof java.math.BigDecimal) {
            return value;
        }
        if (value instanceof Long l) {
            return java.math.BigDecimal.valueOf(l);
        }
        if (value instanceof Double d) {
            if (d.isInfinite()) {
                throw new NumberFormatException(CsvExport.field(d) + " is not a decimal number");
            }
            return new java.math.BigDecimal(Double.toString(d));
        }
        if (value instanceof String text) {
            String number = text.strip().replace("_", "");
            if (PYTHON_FLOAT.matcher(number).matches() && !number.toLowerCase(Locale.ROOT).contains("inf")) {
                return new java.math.BigDecimal(number.startsWith("+") ? number.substring(1) : number);
            }
            throw new NumberFormatException("'" + text + "' is not a decimal number");
        }
        throw new NumberFormatException(CsvExport.field(value) + " is not a decimal number");
    }

    private static Object toDate(Object value) {
        if (value instanceof java.time.LocalDate) {
            return value;
        }
        java.time.LocalDateTime time = value instanceof java.time.LocalDateTime t ? t
                : value instanceof String text ? Values.parseTimestamp(text.strip()) : null;
        if (time == null) {
            throw new NumberFormatException((value instanceof String ? "'" + value + "'" : CsvExport.field(value)) + " is not an ISO date (2024-01-31)");
        }
        if (!time.toLocalTime().equals(java.time.LocalTime.MIDNIGHT)) {
            throw new NumberFormatException("'" + Values.text(time) + "' has a time of day, which a date would drop (convert to datetime)");
        }
        return time.toLocalDate();
    }

    private static Object toTimestamp(Object value) {
        if (value instanceof java.time.LocalDateTime) {
            return value;
        }
        if (value instanceof java.time.LocalDate date) {
            return date.atStartOfDay();
        }
        java.time.LocalDateTime time = value instanceof String text ? Values.parseTimestamp(text.strip()) : null;
        if (time == null) {
            throw new NumberFormatException((value instanceof String ? "'" + value + "'" : CsvExport.field(value))
                    + " is not an ISO timestamp (2024-01-31 10:00:00)");
        }
        return time;
    }

    private static Object toInteger(Object value) {
        if (value instanceof Long) {
            return value;
        }
        if (value instanceof java.math.BigDecimal d) {
            try {
                return d.longValueExact();
            } catch (ArithmeticException e) {
                throw new NumberFormatException(d.toPlainString() + " is not a whole number of 64 bits");
            }
        }
        if (value instanceof Double d) {
            if (d == Math.rint(d) && Math.abs(d) < 0x1p63) {
                return (long) (double) d;
            }
            throw new NumberFormatException(CsvExport.field(d) + " is not a whole number");
        }
        if (value instanceof String text) {
            String number = text.strip();
            if (PYTHON_INT.matcher(number).matches()) {
                try {
                    return Long.parseLong(number.replace("_", ""));
                } catch (NumberFormatException e) {
                    throw new NumberFormatException("'" + text + "' is beyond the 64-bit integers");
                }
            }
            if (PYTHON_FLOAT.matcher(number).matches()) {
                double d = parseFloat(number);
                if (d == Math.rint(d) && Math.abs(d) < 0x1p63) {
                    return (long) d;
                }
            }
            throw new NumberFormatException("'" + text + "' is not an integer");
        }
        throw new NumberFormatException("the boolean " + CsvExport.field(value) + " is not an integer");
    }

    private static Object toFloat(Object value) {
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        if (value instanceof Boolean b) {
            return b ? 1.0 : 0.0;
        }
        String number = value.toString().strip();
        if (PYTHON_FLOAT.matcher(number).matches()) {
            return parseFloat(number);
        }
        throw new NumberFormatException("'" + value + "' is not a float");
    }

    private static double parseFloat(String number) {
        String lower = number.toLowerCase(Locale.ROOT);
        if (lower.endsWith("inf") || lower.endsWith("infinity")) {
            return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return Double.parseDouble(number.replace("_", ""));
    }

    private static Object toBoolean(Object value) {
        if (value instanceof Boolean) {
            return value;
        }
        if (value instanceof Long l && (l == 0 || l == 1)) {
            return l == 1;
        }
        if (value instanceof Double d && (d == 0 || d == 1)) {
            return d == 1;
        }
        if (value instanceof java.math.BigDecimal d && (d.signum() == 0 || d.compareTo(java.math.BigDecimal.ONE) == 0)) {
            return d.signum() != 0;
        }
        if (value instanceof String text) {
            String word = text.strip().toLowerCase(Locale.ROOT);
            if (TRUE_TEXTS.contains(word)) {
                return Boolean.TRUE;
            }
            if (FALSE_TEXTS.contains(word)) {
                return Boolean.FALSE;
            }
            throw new NumberFormatException("'" + text + "' is not a boolean (true, t, 1, yes, y or false, f, 0, no, n)");
        }
        throw new NumberFormatException(CsvExport.field(value) + " is not a boolean (only 0 and 1 are)");
    }
}
