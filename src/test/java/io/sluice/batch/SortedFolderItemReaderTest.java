package io.sluice.batch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.scope.context.StepSynchronizationManager;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sorted-folder reader on real folders: entries of a folder (here: sub-folders holding a
 * {@code state.txt}, as DynoAI's run folders hold their {@code run_state.json}) handed out by name,
 * and a restart that resumes only where the entries before its position are the ones it read.
 */
class SortedFolderItemReaderTest {

    @TempDir
    Path temp;

    @AfterEach
    void releaseStep() {
        StepSynchronizationManager.close();
    }

    @Test
    void only_the_entries_the_filter_passes_are_handed_out_in_name_order() throws Exception {
        // given
        Path folder = entries("run_c", "run_a", "run_b");
        Files.writeString(folder.resolve("notes.txt"), "not an entry");
        Files.createDirectories(folder.resolve("run_0"));

        // when
        List<SourceRecord<String>> read = readAll(reader(folder), new ExecutionContext());

        // then
        assertThat(read).extracting(SourceRecord::value).containsExactly("run_a", "run_b", "run_c");
        assertThat(read.get(0).file()).isEqualTo("run_a/state.txt");
    }

    @Test
    void a_restart_in_an_unchanged_folder_resumes_after_the_saved_position_and_an_entry_added_after_it_is_read() throws Exception {
        // given a reader that committed after 2 of 3 entries
        Path folder = entries("run_a", "run_b", "run_c");
        ExecutionContext context = readThenSave(folder, 2);

        // when an entry is added after that position, and the reader restarted
        entries("run_d");
        List<SourceRecord<String>> rest = readAll(reader(folder), context);

        // then
        assertThat(rest).extracting(SourceRecord::value).containsExactly("run_c", "run_d");
    }

    @Test
    void a_restart_after_an_entry_before_the_position_was_rewritten_reads_every_entry_again_and_says_so() throws Exception {
        // given a step whose reader committed after 2 of 3 entries, with the step's counts beside it
        Path folder = entries("run_a", "run_b", "run_c");
        StepExecution step = new StepExecution(1L, "test.load", new JobExecution(1L, new JobInstance(1L, "test"), new JobParameters()));
        StepSynchronizationManager.register(step);
        ExecutionContext context = step.getExecutionContext();
        SortedFolderItemReader<String> first = reader(folder);
        first.open(context);
        first.read();
        first.read();
        first.update(context);
        first.close();
        context.putLong(WriteCounts.INSERTED, 2);

        // when a file the fingerprint covers is rewritten in an entry before that position, and the reader restarted
        Files.writeString(folder.resolve("run_a").resolve("state.txt"), "state of run_a, rewritten longer");
        List<SourceRecord<String>> read = readAll(reader(folder), context);

        // then every entry is read from the first, the counts start over, and the step says why
        assertThat(read).extracting(SourceRecord::value).containsExactly("run_a", "run_b", "run_c");
        assertThat(context.containsKey(WriteCounts.INSERTED)).isFalse();
        assertThat(SourceChange.notices(List.of(step))).containsExactly(
                "the test entries changed since the last commit: read again from the start (what already landed comes out unchanged)");
        assertThat(StepProgress.of(step)).isEqualTo(new StepProgress(3, 3, "folders"));
    }

    @Test
    void a_restart_after_an_entry_before_the_position_was_removed_reads_every_entry_again() throws Exception {
        // given a reader that committed after 2 of 3 entries
        Path folder = entries("run_a", "run_b", "run_c");
        ExecutionContext context = readThenSave(folder, 2);

        // when the first entry is removed, and the reader restarted
        Files.delete(folder.resolve("run_a").resolve("state.txt"));
        Files.delete(folder.resolve("run_a"));
        List<SourceRecord<String>> read = readAll(reader(folder), context);

        // then
        assertThat(read).extracting(SourceRecord::value).containsExactly("run_b", "run_c");
    }

    @Test
    void a_missing_folder_is_a_listing_failure_that_names_it_unless_it_is_asked_to_hold_no_entries() {
        // given
        Path missing = temp.resolve("absent");

        // when
        List<SourceRecord<String>> read = readAll(builder(missing).missingFolderIsEmpty().build(), new ExecutionContext());

        // then
        assertThat(read).isEmpty();
        assertThatThrownBy(() -> reader(missing).open(new ExecutionContext()))
                .isInstanceOf(ItemStreamException.class)
                .hasMessage("cannot list the test entries in " + missing);
    }

    /** Sub-folders of {@code temp/runs}, each holding a {@code state.txt}. */
    private Path entries(String... names) throws Exception {
        Path folder = temp.resolve("runs");
        for (String name : names) {
            Files.createDirectories(folder.resolve(name));
            Files.writeString(folder.resolve(name).resolve("state.txt"), "state of " + name);
        }
        return folder;
    }

    private ExecutionContext readThenSave(Path folder, int count) {
        ExecutionContext context = new ExecutionContext();
        SortedFolderItemReader<String> reader = reader(folder);
        reader.open(context);
        for (int i = 0; i < count; i++) {
            reader.read();
        }
        reader.update(context);
        reader.close();
        return context;
    }

    private static List<SourceRecord<String>> readAll(SortedFolderItemReader<String> reader, ExecutionContext context) {
        reader.open(context);
        List<SourceRecord<String>> read = new ArrayList<>();
        for (SourceRecord<String> record = reader.read(); record != null; record = reader.read()) {
            read.add(record);
        }
        reader.update(context);
        reader.close();
        return read;
    }

    /** Entries: the sub-folders whose name starts with {@code run_} and that hold a state file. */
    private static SortedFolderItemReader<String> reader(Path folder) {
        return builder(folder).build();
    }

    private static SortedFolderItemReader.Builder<String> builder(Path folder) {
        return SortedFolderItemReader.of("test.reader", folder,
                        entry -> new SourceRecord<>(entry.getFileName() + "/state.txt", "/", entry.getFileName().toString()))
                .entries(entry -> Files.isDirectory(entry) && entry.getFileName().toString().startsWith("run_")
                        && Files.isRegularFile(entry.resolve("state.txt")), "the test entries")
                .fingerprinting(entry -> List.of(entry.resolve("state.txt")))
                .progressIn("folders");
    }
}
