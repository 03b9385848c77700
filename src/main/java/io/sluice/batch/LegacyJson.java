package io.sluice.batch;

import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamWriteConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON mapper for reading legacy stores and the JSON columns read back from the target. It
 * reads what Python's {@code json} module writes and reads, and keeps every value exactly:
 * <ul>
 * <li>{@code NaN}, {@code Infinity} and {@code -Infinity} are read (as doubles), so that one such
 *     value is a fault of its record only ({@link StorableValues} rejects it), never of the file;</li>
 * <li>numbers with a fraction or an exponent are read as {@link java.math.BigDecimal}, their trailing
 *     zeros kept ({@code 3.141592653589793238462643383279502884197}, {@code 1e-400}, {@code 9e9999}
 *     and {@code 1.50} stay what they are); whole numbers become int, long or BigInteger by size;</li>
 * <li>documents may nest {@value #MAX_DEPTH} levels deep, counted from the document's top (Jackson's
 *     default is 500): twice Python's default recursion limit of 1000, and more than Python's
 *     {@code json} reads and writes by default (993 levels in Python 3.10 and 3.11, 1,497 in 3.12;
 *     3.13 alone goes further, to 9,998). An element of a stream nested deeper is rejected alone
 *     and the elements after it are read ({@link JsonArrayItemReader}); the bound is not higher
 *     because a tree's serialization and comparison recurse, a stack frame or more a level.
 *     Numbers may have
 *     {@value #MAX_NUMBER_LENGTH} characters, enough for the longest number PostgreSQL's
 *     {@code jsonb} gives back ({@code 1e131071} written out in full);</li>
 * <li>{@code NaN} and {@code Infinity} are written as the bare tokens Python writes, never as the
 *     strings {@code "NaN"}: a value that slipped past the checks is refused by jsonb, never changed;</li>
 * <li>trailing tokens are allowed, so that one element of a stream can be read at a time (Jackson 3
 *     fails on them by default).</li>
 * </ul>
 */
public final class LegacyJson {

    /** How deep a document may nest, in the file and in what is written, in levels from its top. */
    public static final int MAX_DEPTH = 2000;
    /** The longest number, in characters. */
    public static final int MAX_NUMBER_LENGTH = 200_000;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxNumberLength(MAX_NUMBER_LENGTH)
                            .build())
                    .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                    .build())
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private LegacyJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * The value as JSON text, as deep as {@link #MAX_DEPTH} (a JsonNode's own {@code toString()} fails
     * past 500 levels), {@code NaN} and {@code Infinity} written as Python writes them.
     */
    public static String text(JsonNode value) {
        return MAPPER.writeValueAsString(value);
    }
}
