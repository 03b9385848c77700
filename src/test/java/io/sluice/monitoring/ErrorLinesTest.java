package io.sluice.monitoring;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorLinesTest {

    @Test
    void a_stack_trace_becomes_its_root_cause_in_one_line_with_the_simple_class_name() {
        // given an exit description as Spring Batch writes it: the whole trace of a wrapped failure
        Exception failure = new IllegalStateException("Unable to process chunk",
                new RuntimeException("Retry policy exhausted", new SQLException("ERROR: poisoned run\n  Where: PL/pgSQL function")));
        String description = trace(failure);

        // when
        String cause = ErrorLines.rootCause(description);

        // then
        assertThat(description).contains("\tat ", "Caused by: java.sql.SQLException");
        assertThat(cause).isEqualTo("SQLException: ERROR: poisoned run");
    }

    @Test
    void a_summary_added_after_a_trace_is_kept_and_text_without_a_trace_stays_as_it_is() {
        // given
        String description = trace(new IllegalArgumentException("bad parameter")).strip() + "; inserted 0, updated 0, unchanged 0, rejected 0";

        // when
        var readable = ErrorLines.readable(description);
        var plain = ErrorLines.readable("inserted 4, updated 2\nsecond line");

        // then
        assertThat(readable).containsExactly("IllegalArgumentException: bad parameter", "inserted 0, updated 0, unchanged 0, rejected 0");
        assertThat(plain).containsExactly("inserted 4, updated 2", "second line");
        assertThat(ErrorLines.rootCause("nothing to archive")).isNull();
    }

    private static String trace(Exception exception) {
        StringWriter text = new StringWriter();
        exception.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
