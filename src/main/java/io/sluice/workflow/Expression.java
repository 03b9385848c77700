package io.sluice.workflow;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A user's expression over one row ({@code price * quantity}, {@code amount > 100 and region == 'EU'}),
 * checked once and compiled into a tree of closures.
 *
 * <p>The language is CEL (Common Expression Language, <a href="https://github.com/google/cel-spec">cel-spec</a>),
 * parsed and checked by {@code dev.cel:cel}: it has no way to name a Java class, call a method the
 * sluice code did not declare, or reach files, the network or the process, and its parser refuses
 * nesting deeper than CEL's limit. Formulas as the Python tools' users wrote them also work: {@code and},
 * {@code or}, {@code not}, {@code True}, {@code False} and {@code None} outside quotes read as CEL's
 * {@code &&}, {@code ||}, {@code !}, {@code true}, {@code false} and {@code null}.
 *
 * <p>Semantics follow pandas where CEL's differ: whole numbers and floats mix ({@code 2 * 1.5} is
 * 3.0), {@code /} is true division, {@code %} takes the divisor's sign, arithmetic with a null gives
 * null, and a comparison with a null is false ({@code !=} true). Supported: constants, columns,
 * {@code + - * / %}, unary minus, comparisons, {@code && || !}, {@code ?:}, {@code in [list]},
 * {@code size}, {@code int}, {@code double}, {@code string}, and {@code contains}, {@code startsWith},
 * {@code endsWith} on text. Decimals compute exactly with whole numbers and decimals ({@code + - * %};
 * {@code /} gives a float; with a float, a float). Dates and timestamps are not CEL timestamps: they
 * compare with each other and with ISO text ({@code order_date >= '2024-01-01'}, as pandas compares a
 * {@code datetime64} column with a string), {@code string()} gives their ISO text, and no arithmetic
 * takes them. Anything else CEL accepts (macros, maps, messages) is refused when compiled.
 */
final class Expression {

    private static final Pattern PYTHON_WORDS = Pattern.compile("'(?:[^'\\\\]|\\\\.)*'|\"(?:[^\"\\\\]|\\\\.)*\"|\\b(and|or|not|True|False|None)\\b");

    private final String source;
    private final Function<Object[], Object> evaluate;
    private final ColumnType type;

    private Expression(String source, Function<Object[], Object> evaluate, ColumnType type) {
        this.source = source;
        this.evaluate = evaluate;
        this.type = type;
    }

    /**
     * Checks and compiles {@code source} over rows of {@code schema}.
     *
     * @throws ExpressionException with CEL's message (position included) or naming what is not supported
     */
    static Expression compile(String source, Schema schema) {
        CelCompilerBuilder builder = CelCompilerFactory.standardCelCompilerBuilder();
        for (Schema.Column column : schema.columns()) {
            if (isIdentifier(column.name())) {
                builder.addVar(column.name(), celType(column.type()));
            }
        }
        CelCompiler compiler = builder.build();
        CelAbstractSyntaxTree ast;
        try {
            ast = compiler.compile(pythonToCel(source)).getAst();
        } catch (CelValidationException e) {
            String message = e.getMessage().replaceFirst("^ERROR: <input>:", "at ").lines().findFirst().orElse("");
            // the parser's list of the tokens it expected says little to a user: a syntax error, and where
            message = message.replaceFirst(" expecting \\{.*$", " (a syntax error)");
            throw new ExpressionException("'" + source + "': " + message);
        }
        Compiled compiled = new Compiler(schema, source).compile(ast.getExpr());
        return new Expression(source, compiled.function(), compiled.type());
    }

    /** The value for one row: a String, Long, Double, Boolean, BigDecimal, LocalDate, LocalDateTime or null. */
    Object evaluate(Object[] row) {
        return evaluate.apply(row);
    }

    /** The value's type where the compiler can tell (null when it depends on the row). */
    ColumnType type() {
        return type;
    }

    String source() {
        return source;
    }

    static boolean isIdentifier(String name) {
        return name.matches("[A-Za-z_][A-Za-z0-9_]*");
    }

    /** {@code and or not True False None} outside quotes, as CEL spells them. */
    static String pythonToCel(String source) {
        Matcher matcher = PYTHON_WORDS.matcher(source);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String word = matcher.group(1);
            String replacement = word == null ? matcher.group() : switch (word) {
                case "and" -> "&&";
                case "or" -> "||";
                case "not" -> "!";
                case "True" -> "true";
                case "False" -> "false";
                default -> "null";
            };
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static CelType celType(ColumnType type) {
        return switch (type) {
            case STRING -> SimpleType.STRING;
            case BOOLEAN -> SimpleType.BOOL;
            // numbers are dyn, so that a whole-number column and a float column mix as pandas lets them;
            // decimals, dates and timestamps too, computed and compared by Values (not CEL's timestamp)
            case LONG, DOUBLE, DECIMAL, DATE, TIMESTAMP -> SimpleType.DYN;
        };
    }

    /** A compiled sub-expression and, when known before any row, its type. */
    private record Compiled(Function<Object[], Object> function, ColumnType type) {
    }

    /** Thrown for an expression that does not check or that uses what is not supported. */
    static final class ExpressionException extends IllegalArgumentException {
        ExpressionException(String message) {
            super(message);
        }
    }

    private static final class Compiler {

        private final Schema schema;
        private final String source;

        Compiler(Schema schema, String source) {
            this.schema = schema;
            this.source = source;
        }

        Compiled compile(CelExpr expr) {
            return switch (expr.exprKind().getKind()) {
                case CONSTANT -> constant(expr.constant());
                case IDENT -> column(expr.ident().name());
                case CALL -> call(expr);
                default -> throw unsupported(expr.exprKind().getKind().toString().toLowerCase().replace('_', ' '));
            };
        }

        private Compiled constant(CelConstant constant) {
            Object value = switch (constant.getKind()) {
                case NULL_VALUE -> null;
                case BOOLEAN_VALUE -> constant.booleanValue();
                case INT64_VALUE -> constant.int64Value();
                case UINT64_VALUE -> constant.uint64Value().longValue();
                case DOUBLE_VALUE -> constant.doubleValue();
                case STRING_VALUE -> constant.stringValue();
                default -> throw unsupported(constant.getKind().toString().toLowerCase().replace('_', ' '));
            };
            return new Compiled(row -> value, ColumnType.of(value));
        }

        private Compiled column(String name) {
            int index = schema.indexOf(name);
            if (index < 0) {
                throw new ExpressionException("'" + source + "': no column " + name + " (columns: " + String.join(", ", schema.names()) + ")");
            }
            return new Compiled(row -> row[index], schema.column(index).type());
        }

        private Compiled call(CelExpr expr) {
            String function = expr.call().function();
            List<Compiled> args = new ArrayList<>();
            if (expr.call().target().isPresent()) {
                args.add(compile(expr.call().target().get()));
            }
            if (!function.equals("@in")) {
                expr.call().args().forEach(arg -> args.add(compile(arg)));
            }
            return switch (function) {
                case "_+_" -> arithmetic(args, '+');
                case "_-_" -> arithmetic(args, '-');
                case "_*_" -> arithmetic(args, '*');
                case "_/_" -> arithmetic(args, '/');
                case "_%_" -> arithmetic(args, '%');
                case "-_" -> negate(args.get(0));
                case "_==_" -> comparison(args, c -> c == 0, true);
                case "_!=_" -> comparison(args, c -> c != 0, false);
                case "_<_" -> comparison(args, c -> c < 0, null);
                case "_<=_" -> comparison(args, c -> c <= 0, null);
                case "_>_" -> comparison(args, c -> c > 0, null);
                case "_>=_" -> comparison(args, c -> c >= 0, null);
                case "_&&_" -> and(args.get(0), args.get(1));
                case "_||_" -> or(args.get(0), args.get(1));
                case "!_" -> not(args.get(0));
                case "_?_:_" -> conditional(args.get(0), args.get(1), args.get(2));
                case "@in" -> in(expr);
                case "size" -> size(args.get(0));
                case "contains" -> text(args, String::contains);
                case "startsWith" -> text(args, String::startsWith);
                case "endsWith" -> text(args, String::endsWith);
                case "int" -> toLong(args.get(0));
                case "double" -> toDouble(args.get(0));
                case "string" -> new Compiled(row -> {
                    Object value = args.get(0).function().apply(row);
                    return value == null ? null : Values.text(value);
                }, ColumnType.STRING);
                default -> throw unsupported("the function " + function);
            };
        }

        private Compiled arithmetic(List<Compiled> args, char operator) {
            Function<Object[], Object> left = args.get(0).function();
            Function<Object[], Object> right = args.get(1).function();
            ColumnType type = operator == '/' ? ColumnType.DOUBLE : arithmeticType(args.get(0).type(), args.get(1).type());
            return new Compiled(row -> Values.arithmetic(operator, left.apply(row), right.apply(row)), type);
        }

        private static ColumnType arithmeticType(ColumnType a, ColumnType b) {
            if (a == ColumnType.STRING && b == ColumnType.STRING) {
                return ColumnType.STRING;
            }
            if (a == ColumnType.LONG && b == ColumnType.LONG) {
                return ColumnType.LONG;
            }
            if ((a == ColumnType.LONG || a == ColumnType.DECIMAL) && (b == ColumnType.LONG || b == ColumnType.DECIMAL)) {
                return ColumnType.DECIMAL;
            }
            if (a != null && b != null && a.numeric() && b.numeric()) {
                return ColumnType.DOUBLE;
            }
            return null;
        }

        private Compiled negate(Compiled operand) {
            Function<Object[], Object> value = operand.function();
            return new Compiled(row -> {
                Object v = value.apply(row);
                if (v instanceof Long l) {
                    return Math.negateExact(l);
                }
                if (v instanceof Double d) {
                    return -d;
                }
                if (v instanceof java.math.BigDecimal d) {
                    return d.negate();
                }
                if (v == null) {
                    return null;
                }
                throw new ArithmeticException("cannot negate '" + v + "'");
            }, operand.type());
        }

        private Compiled comparison(List<Compiled> args, java.util.function.IntPredicate test, Boolean equality) {
            Function<Object[], Object> left = args.get(0).function();
            Function<Object[], Object> right = args.get(1).function();
            return new Compiled(row -> {
                Object a = left.apply(row);
                Object b = right.apply(row);
                if (a instanceof Double x && x.isNaN()) {
                    a = null;
                }
                if (b instanceof Double y && y.isNaN()) {
                    b = null;
                }
                if (a == null || b == null) {
                    // pandas: a comparison with a missing value (null, NaN) is false, except !=
                    return equality != null ? (equality ? a == b : a != b) : Boolean.FALSE;
                }
                Integer order = Values.compare(a, b);
                if (order == null) {
                    if (equality != null) {
                        return !equality;
                    }
                    throw new ArithmeticException("cannot compare '" + a + "' with '" + b + "'");
                }
                return test.test(order);
            }, ColumnType.BOOLEAN);
        }

        private Compiled and(Compiled a, Compiled b) {
            Function<Object[], Object> left = a.function();
            Function<Object[], Object> right = b.function();
            return new Compiled(row -> Values.truth(left.apply(row)) && Values.truth(right.apply(row)), ColumnType.BOOLEAN);
        }

        private Compiled or(Compiled a, Compiled b) {
            Function<Object[], Object> left = a.function();
            Function<Object[], Object> right = b.function();
            return new Compiled(row -> Values.truth(left.apply(row)) || Values.truth(right.apply(row)), ColumnType.BOOLEAN);
        }

        private Compiled not(Compiled operand) {
            Function<Object[], Object> value = operand.function();
            return new Compiled(row -> !Values.truth(value.apply(row)), ColumnType.BOOLEAN);
        }

        private Compiled conditional(Compiled condition, Compiled then, Compiled otherwise) {
            Function<Object[], Object> test = condition.function();
            Function<Object[], Object> a = then.function();
            Function<Object[], Object> b = otherwise.function();
            return new Compiled(row -> Values.truth(test.apply(row)) ? a.apply(row) : b.apply(row), then.type() == otherwise.type() ? then.type() : null);
        }

        private Compiled in(CelExpr expr) {
            Compiled needle = compile(expr.call().args().get(0));
            CelExpr haystack = expr.call().args().get(1);
            if (haystack.exprKind().getKind() != CelExpr.ExprKind.Kind.LIST) {
                throw unsupported("'in' with anything but a list of values");
            }
            Set<Object> values = new HashSet<>();
            for (CelExpr element : haystack.list().elements()) {
                if (element.exprKind().getKind() != CelExpr.ExprKind.Kind.CONSTANT) {
                    throw unsupported("'in' with anything but a list of constant values");
                }
                Compiled constant = compile(element);
                values.add(Values.normalNumber(constant.function().apply(new Object[0])));
            }
            Function<Object[], Object> value = needle.function();
            return new Compiled(row -> values.contains(Values.normalNumber(value.apply(row))), ColumnType.BOOLEAN);
        }

        private Compiled size(Compiled operand) {
            Function<Object[], Object> value = operand.function();
            return new Compiled(row -> {
                Object v = value.apply(row);
                String text = v == null ? null : Values.text(v);
                return v == null ? null : (long) text.codePointCount(0, text.length());
            }, ColumnType.LONG);
        }

        private Compiled text(List<Compiled> args, java.util.function.BiPredicate<String, String> test) {
            Function<Object[], Object> subject = args.get(0).function();
            Function<Object[], Object> argument = args.get(1).function();
            return new Compiled(row -> {
                Object s = subject.apply(row);
                Object a = argument.apply(row);
                return s != null && a != null && test.test(Values.text(s), Values.text(a));
            }, ColumnType.BOOLEAN);
        }

        private Compiled toLong(Compiled operand) {
            Function<Object[], Object> value = operand.function();
            return new Compiled(row -> {
                Object v = value.apply(row);
                if (v == null || v instanceof Long) {
                    return v;
                }
                if (v instanceof Double d) {
                    if (d.isNaN() || d.isInfinite()) {
                        throw new ArithmeticException("int(" + d + ") has no whole-number value");
                    }
                    return (long) d.doubleValue();
                }
                if (v instanceof Boolean b) {
                    return b ? 1L : 0L;
                }
                if (v instanceof java.math.BigDecimal d) {
                    try {
                        return d.toBigInteger().longValueExact(); // toward zero, as Python's int(Decimal)
                    } catch (ArithmeticException e) {
                        throw new ArithmeticException("int(" + d.toPlainString() + ") is beyond a whole number's range");
                    }
                }
                try {
                    return Long.parseLong(v.toString().trim());
                } catch (NumberFormatException e) {
                    throw new ArithmeticException("int('" + v + "'): not a whole number");
                }
            }, ColumnType.LONG);
        }

        private Compiled toDouble(Compiled operand) {
            Function<Object[], Object> value = operand.function();
            return new Compiled(row -> {
                Object v = value.apply(row);
                if (v == null || v instanceof Double) {
                    return v;
                }
                if (v instanceof Long l) {
                    return l.doubleValue();
                }
                if (v instanceof java.math.BigDecimal d) {
                    return d.doubleValue();
                }
                try {
                    return Double.parseDouble(v.toString().trim());
                } catch (NumberFormatException e) {
                    throw new ArithmeticException("double('" + v + "'): not a number");
                }
            }, ColumnType.DOUBLE);
        }

        private ExpressionException unsupported(String what) {
            return new ExpressionException("'" + source + "': " + what + " is not supported in workflow expressions");
        }
    }
}
