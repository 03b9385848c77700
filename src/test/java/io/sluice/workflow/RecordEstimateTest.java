package io.sluice.workflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** How many records a workflow's source file holds, estimated up front for its progress's percentage and ETA. */
class RecordEstimateTest {

    @TempDir
    Path temp;

    @Test
    void a_small_file_is_counted_exactly_less_its_header() throws IOException {
        Path csv = Files.writeString(temp.resolve("small.csv"), "a,b\n1,2\n3,4\n5,6");
        Path jsonl = Files.writeString(temp.resolve("small.jsonl"), "{\"a\": 1}\n{\"a\": 2}\n");

        assertThat(SegmentReader.estimateRecords(csv)).isEqualTo(3);
        assertThat(SegmentReader.estimateRecords(jsonl)).isEqualTo(2);
    }

    @Test
    void a_large_file_whose_lines_grow_is_estimated_from_its_first_and_last_lines() throws IOException {
        // given a million rows whose ids grow from 1 to 7 digits
        Path csv = temp.resolve("large.csv");
        try (Writer out = Files.newBufferedWriter(csv)) {
            out.write("id,value\n");
            for (int id = 1; id <= 1_000_000; id++) {
                out.write(id + ",0.5\n");
            }
        }

        // then the estimate is within a tenth of it
        assertThat((double) SegmentReader.estimateRecords(csv)).isCloseTo(1_000_000, within(100_000.0));
    }

    @Test
    void a_file_that_is_not_text_has_no_estimate() throws IOException {
        assertThat(SegmentReader.estimateRecords(Files.write(temp.resolve("book.xlsx"), new byte[]{80, 75, 3, 4}))).isZero();
    }
}
