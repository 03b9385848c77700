package io.sluice.migration.datawrangler;

import io.sluice.batch.LegacyJson;
import io.sluice.batch.SortedFolderItemReader;
import io.sluice.batch.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.sluice.migration.datawrangler.DataWranglerStore.aStoreIn;
import static org.assertj.core.api.Assertions.assertThat;

class WorkflowFilesTest {

    @TempDir
    Path temp;

    @Test
    void workflow_files_are_read_in_name_order_and_a_restart_resumes_after_the_last_committed_one() throws Exception {
        // given
        Path store = aStoreIn(temp)
                .workflow("c", "{\"name\": \"C\"}")
                .workflow("a", "{\"name\": \"A\"}")
                .workflow("b", "{\"name\": \"B\",\n\"nodes\": [}")
                .write();
        Files.writeString(store.resolve("workflows").resolve("notes.txt"), "not a workflow");
        ExecutionContext context = new ExecutionContext();
        SortedFolderItemReader<WorkflowFile> first = WorkflowFiles.reader("test.reader", store, LegacyJson.mapper());
        first.open(context);
        SourceRecord<WorkflowFile> a = first.read();
        SourceRecord<WorkflowFile> b = first.read();
        first.update(context);
        first.close();

        // when
        SortedFolderItemReader<WorkflowFile> restarted = WorkflowFiles.reader("test.reader", store, LegacyJson.mapper());
        restarted.open(context);
        List<SourceRecord<WorkflowFile>> rest = new ArrayList<>();
        for (SourceRecord<WorkflowFile> record = restarted.read(); record != null; record = restarted.read()) {
            rest.add(record);
        }

        // then
        assertThat(a.value().id()).isEqualTo("a");
        assertThat(a.value().json().get("name").asString()).isEqualTo("A");
        assertThat(b.file()).isEqualTo("workflows/b.json");
        assertThat(b.location()).isEqualTo("line 2, column 11");
        assertThat(b.value().fault()).startsWith("not valid JSON");
        assertThat(b.value().toString()).contains("\"nodes\": [}");
        assertThat(rest).extracting(record -> record.value().id()).containsExactly("c");
    }

    @Test
    void a_restart_after_a_workflow_file_was_added_before_its_position_reads_every_file_again() throws Exception {
        // given a reader that committed after "b" and "d"
        Path store = aStoreIn(temp).workflow("b", "{\"name\": \"B\"}").workflow("d", "{\"name\": \"D\"}")
                .workflow("f", "{\"name\": \"F\"}").write();
        ExecutionContext context = new ExecutionContext();
        SortedFolderItemReader<WorkflowFile> first = WorkflowFiles.reader("test.reader", store, LegacyJson.mapper());
        first.open(context);
        first.read();
        first.read();
        first.update(context);
        first.close();

        // when a file is added before that position, and the reader restarted
        Files.writeString(store.resolve("workflows").resolve("a.json"), "{\"name\": \"A\"}");
        List<String> read = readAll(context, store);

        // then it reads every file from the start, none skipped
        assertThat(read).containsExactly("a", "b", "d", "f");
    }

    @Test
    void a_restart_after_a_read_workflow_file_was_rewritten_reads_every_file_again_and_an_unchanged_folder_resumes() throws Exception {
        // given a reader that committed after "b"
        Path store = aStoreIn(temp).workflow("b", "{\"name\": \"B\"}").workflow("d", "{\"name\": \"D\"}").write();
        ExecutionContext context = new ExecutionContext();
        SortedFolderItemReader<WorkflowFile> first = WorkflowFiles.reader("test.reader", store, LegacyJson.mapper());
        first.open(context);
        first.read();
        first.update(context);
        first.close();
        ExecutionContext unchanged = new ExecutionContext(context);

        // when "b" is rewritten, and the reader restarted
        List<String> untouched = readAll(unchanged, store);
        Files.writeString(store.resolve("workflows").resolve("b.json"), "{\"name\": \"B, renamed\"}");
        List<String> afterRewrite = readAll(context, store);

        // then the unchanged folder resumed after "b", the rewritten one is read again whole
        assertThat(untouched).containsExactly("d");
        assertThat(afterRewrite).containsExactly("b", "d");
    }

    @Test
    void a_store_without_a_workflows_folder_holds_no_workflow_files() throws Exception {
        // given
        Path store = aStoreIn(temp).dataset("{\"id\": \"d1\", \"name\": \"D1\"}").write();

        // when
        List<String> read = readAll(new ExecutionContext(), store);

        // then
        assertThat(store.resolve("workflows")).doesNotExist();
        assertThat(read).isEmpty();
    }

    private static List<String> readAll(ExecutionContext context, Path store) throws Exception {
        SortedFolderItemReader<WorkflowFile> reader = WorkflowFiles.reader("test.reader", store, LegacyJson.mapper());
        reader.open(context);
        List<String> ids = new ArrayList<>();
        for (SourceRecord<WorkflowFile> record = reader.read(); record != null; record = reader.read()) {
            ids.add(record.value().id());
        }
        reader.close();
        return ids;
    }
}
