package io.sluice.batch;

import org.springframework.core.NestedExceptionUtils;

import java.util.ArrayList;
import java.util.List;

/**
 * The reason a database gave for refusing a record, as one line for the reject file: the
 * driver's own message, without its statement text, data excerpts and internal positions.
 */
final class DatabaseRefusal {

    private DatabaseRefusal() {
    }

    /** {@code rejected by the database: <its message>[; <its detail>]}. */
    static String reason(Throwable refusal) {
        if (refusal instanceof InvalidRecordException invalid) {
            return invalid.getMessage();
        }
        Throwable cause = NestedExceptionUtils.getMostSpecificCause(refusal);
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        List<String> parts = new ArrayList<>();
        for (String line : message.lines().map(String::strip).filter(line -> !line.isEmpty()).toList()) {
            if (parts.isEmpty()) {
                parts.add(line.replaceFirst("^ERROR:\\s*", ""));
            } else if (line.startsWith("Detail:") && !line.startsWith("Detail: Failing row contains")) {
                // PostgreSQL's detail says which value is wrong; Where, Hint and Position do not, and
                // "Failing row contains" would copy the whole row (a secret column too) into the reason
                parts.add(line.substring("Detail:".length()).strip());
            }
        }
        String said = String.join("; ", parts);
        if (said.contains("0x00") || said.contains("\\u0000 cannot be converted")) {
            return "rejected by the database: the text holds the character U+0000 (NUL), which PostgreSQL cannot store (" + said + ")";
        }
        return "rejected by the database: " + said;
    }
}
