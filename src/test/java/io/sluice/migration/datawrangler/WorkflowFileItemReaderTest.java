package io.sluice.migration.datawrangler;

import io.sluice.batch.LegacyJson;
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

class WorkflowFileItemReaderTest {

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
        WorkflowFileItemReader first = new WorkflowFileItemReader("test.reader", store, LegacyJson.mapper());
        first.open(context);
        SourceRecord<WorkflowFile> a = first.read();
        SourceRecord<WorkflowFile> b = first.read();
        first.update(context);
        first.close();

        // when
        WorkflowFileItemReader restarted = new WorkflowFileItemReader("test.reader", store, LegacyJson.mapper());
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
}
