package io.sluice.batch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cursor over the elements of a real file: what it yields, where, and where it goes on after a rejected element. */
class JsonElementCursorTest {

    /** The index object, the runs array and the run object: the levels around a run's fields. */
    private static final int AROUND_A_FIELD = 3;

    @TempDir
    Path temp;

    @Test
    void each_element_comes_with_its_pointer_its_line_and_the_offset_after_it() throws Exception {
        // given
        String text = "{\"runs\": [\n {\"run_id\": \"a\"},\n {\"run_id\": \"b\"}\n]}\n";
        Path file = write(text);

        try (JsonElementCursor cursor = fromStart(file)) {
            // when
            JsonElementCursor.Next a = cursor.next();
            JsonElementCursor.Next b = cursor.next();

            // then
            assertThat(a.kind()).isEqualTo(JsonElementCursor.Kind.ELEMENT);
            assertThat(a.record().location()).isEqualTo("/runs/0 (line 2)");
            assertThat(a.record().value().get("run_id").asString()).isEqualTo("a");
            assertThat(a.endOffset()).isEqualTo(text.indexOf("},") + 1);
            assertThat(a.endLine()).isEqualTo(2);
            assertThat(b.index()).isEqualTo(1);
            assertThat(b.record().location()).isEqualTo("/runs/1 (line 3)");
            assertThat(cursor.next()).as("the end of the array").isNull();
            assertThat(cursor.next()).isNull();
        }
    }

    @Test
    void an_element_100000_levels_deep_is_rejected_at_its_location_with_its_text_and_the_elements_after_it_are_read() throws Exception {
        // given
        String deep = "{\"run_id\": \"deep\", \"note\": \"]]}}\\\"[\", \"x\": " + nested(100_000) + "}";
        String text = "{\"runs\": [\n {\"run_id\": \"a\"},\n " + deep + ",\n {\"run_id\": \"b\"}\n]}\n";
        Path file = write(text);

        try (JsonElementCursor cursor = fromStart(file)) {
            // when
            JsonElementCursor.Next a = cursor.next();
            JsonElementCursor.Next rejected = cursor.next();
            JsonElementCursor.Next b = cursor.next();

            // then
            assertThat(a.record().value().get("run_id").asString()).isEqualTo("a");
            assertThat(rejected.kind()).isEqualTo(JsonElementCursor.Kind.REJECTED);
            assertThat(rejected.index()).isEqualTo(1);
            assertThat(rejected.where()).isEqualTo("/runs/1 (line 3)");
            long tooDeep = text.indexOf("\"x\": ") + 5 + (LegacyJson.MAX_DEPTH - AROUND_A_FIELD);
            assertThat(text.charAt((int) tooDeep)).isEqualTo('[');
            assertThat(rejected.reason()).isEqualTo("nested deeper than " + LegacyJson.MAX_DEPTH
                    + " levels, the most a record may hold (the level too deep opens at line 3, byte " + tooDeep + ")");
            assertThat(rejected.raw()).isEqualTo(deep);
            assertThat(rejected.endOffset()).isEqualTo(text.indexOf(deep) + deep.length());
            assertThat(rejected.endLine()).isEqualTo(3);
            assertThat(b.kind()).isEqualTo(JsonElementCursor.Kind.ELEMENT);
            assertThat(b.index()).isEqualTo(2);
            assertThat(b.record().location()).isEqualTo("/runs/2 (line 4)");
            assertThat(b.record().value().get("run_id").asString()).isEqualTo("b");
            assertThat(cursor.next()).isNull();
        }
    }

    @Test
    void an_element_as_deep_as_the_limit_is_read_and_one_level_deeper_is_rejected_from_the_start_and_after_a_resume_alike() throws Exception {
        // given
        String atTheLimit = "{\"x\": " + nested(LegacyJson.MAX_DEPTH - AROUND_A_FIELD) + "}";
        String deeper = "{\"x\": " + nested(LegacyJson.MAX_DEPTH - AROUND_A_FIELD + 1) + "}";
        Path file = write("{\"runs\": [\n{},\n" + atTheLimit + ",\n" + deeper + "\n]}\n");
        JsonElementCursor.Next first;
        JsonElementCursor.Next fromStart;
        JsonElementCursor.Next deeperFromStart;
        try (JsonElementCursor cursor = fromStart(file)) {
            first = cursor.next();
            fromStart = cursor.next();
            deeperFromStart = cursor.next();
        }

        // when
        JsonElementCursor.Next resumed;
        JsonElementCursor.Next deeperResumed;
        try (JsonElementCursor cursor = JsonElementCursor.resume(file, "index.json", "runs", false, LegacyJson.mapper(),
                first.index() + 1, first.endOffset(), first.endLine())) {
            resumed = cursor.next();
            deeperResumed = cursor.next();
        }

        // then
        assertThat(fromStart.kind()).isEqualTo(JsonElementCursor.Kind.ELEMENT);
        assertThat(resumed.kind()).isEqualTo(JsonElementCursor.Kind.ELEMENT);
        assertThat(resumed.record().location()).isEqualTo(fromStart.record().location());
        assertThat(resumed.endOffset()).isEqualTo(fromStart.endOffset()); // not the trees: comparing them recurses a level a frame
        assertThat(deeperFromStart.kind()).isEqualTo(JsonElementCursor.Kind.REJECTED);
        assertThat(deeperResumed).isEqualTo(deeperFromStart);
    }

    @Test
    void a_value_of_an_object_nested_too_deep_is_rejected_under_its_key_and_the_next_value_is_read_with_its_key() throws Exception {
        // given
        Path file = write("{\"datasets\": {\n \"a/1\": {\"x\": " + nested(5000) + "},\n \"b\": {\"id\": \"b\"}\n}}\n");

        try (JsonElementCursor cursor = JsonElementCursor.fromStart(file, "index/datasets.json", "datasets", true, LegacyJson.mapper(), 0)) {
            // when
            JsonElementCursor.Next rejected = cursor.next();
            JsonElementCursor.Next b = cursor.next();

            // then
            assertThat(rejected.kind()).isEqualTo(JsonElementCursor.Kind.REJECTED);
            assertThat(rejected.where()).isEqualTo("/datasets/a~11 (line 2)");
            assertThat(rejected.raw()).startsWith("{\"x\": [[[").endsWith("]]]}");
            assertThat(b.key()).isEqualTo("b");
            assertThat(b.record().location()).isEqualTo("/datasets/b (line 3)");
            assertThat(cursor.next()).isNull();
        }
    }

    @Test
    void a_file_that_ends_inside_an_element_nested_too_deep_is_a_fault_that_ends_the_reading() throws Exception {
        // given
        Path file = write("{\"runs\": [\n{\"run_id\": \"a\"},\n{\"x\": " + "[".repeat(5000));

        try (JsonElementCursor cursor = fromStart(file)) {
            // when
            cursor.next();
            JsonElementCursor.Next fault = cursor.next();

            // then
            assertThat(fault.kind()).isEqualTo(JsonElementCursor.Kind.FAULT);
            assertThat(fault.reason()).isEqualTo("the file ends before the array is closed (truncated?)");
            assertThat(cursor.next()).isNull();
        }
    }

    @Test
    void a_file_without_the_field_is_a_fault_of_the_file_said_when_it_is_opened() throws Exception {
        // given
        Path file = write("{\"other\": []}");

        // when / then
        assertThatThrownBy(() -> fromStart(file)).isInstanceOfSatisfying(JsonElementCursor.FileFault.class, fault -> {
            assertThat(fault.where()).isEqualTo("line 1");
            assertThat(fault.reason()).isEqualTo("no \"runs\" array in the file");
        });
    }

    private Path write(String text) throws Exception {
        return Files.writeString(temp.resolve("index.json"), text, StandardCharsets.UTF_8);
    }

    private static JsonElementCursor fromStart(Path file) throws Exception {
        return JsonElementCursor.fromStart(file, "index.json", "runs", false, LegacyJson.mapper(), 0);
    }

    /** {@code levels} arrays, one in the other, the innermost empty. */
    private static String nested(int levels) {
        return "[".repeat(levels) + "]".repeat(levels);
    }
}
