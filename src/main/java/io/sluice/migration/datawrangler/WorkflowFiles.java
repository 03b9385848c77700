package io.sluice.migration.datawrangler;

import io.sluice.batch.JsonFaults;
import io.sluice.batch.SortedFolderItemReader;
import io.sluice.batch.SourceRecord;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The workflow files of a Data Wrangler store ({@code workflows/*.json}), read one at a time in
 * name order by a {@link SortedFolderItemReader}: a restart resumes after the last committed file,
 * or reads them all again, saying so, when the files before it changed since. A missing
 * {@code workflows} folder holds no files. A file that is not valid JSON comes out as an unreadable
 * {@link WorkflowFile} located at the fault's line and column, for the processor to reject; so does
 * a file that cannot be read at all, with the reason ("permission denied").
 */
final class WorkflowFiles {

    static final String FOLDER = "workflows";
    private static final String SUFFIX = ".json";

    private final ObjectReader json;

    private WorkflowFiles(ObjectMapper mapper) {
        this.json = mapper.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /**
     * @param name      the reader's name (its restart key)
     * @param storeRoot the store's root folder, the one holding {@code workflows/}
     */
    static SortedFolderItemReader<WorkflowFile> reader(String name, Path storeRoot, ObjectMapper mapper) {
        WorkflowFiles files = new WorkflowFiles(mapper);
        return SortedFolderItemReader.of(name, storeRoot.resolve(FOLDER), files::read)
                .entries(WorkflowFiles::isWorkflowFile, "the workflow files")
                .changedSourceCalled(FOLDER + "/")
                .missingFolderIsEmpty()
                .progressIn("files")
                .build();
    }

    private static boolean isWorkflowFile(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && name.endsWith(SUFFIX) && !name.startsWith(".");
    }

    private SourceRecord<WorkflowFile> read(Path path) {
        String name = path.getFileName().toString();
        String id = name.substring(0, name.length() - SUFFIX.length());
        String file = FOLDER + "/" + name;
        try {
            JsonNode tree = json.readValue(path.toFile());
            if (tree == null || tree.isMissingNode()) {
                return new SourceRecord<>(file, "line 1", WorkflowFile.unreadable(id, "the file is empty", ""));
            }
            return new SourceRecord<>(file, "/", WorkflowFile.parsed(id, tree));
        } catch (JacksonIOException e) {
            return new SourceRecord<>(file, "the whole file", WorkflowFile.unreadable(id,
                    JsonFaults.describe(e) + "; the workflow was not migrated", null));
        } catch (JacksonException e) {
            String where = e.getLocation() == null || e.getLocation().getLineNr() < 1 ? "the whole file"
                    : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            return new SourceRecord<>(file, where, WorkflowFile.unreadable(id,
                    JsonFaults.describe(e) + "; the workflow was not migrated", excerpt(path)));
        } catch (NumberFormatException e) {
            return new SourceRecord<>(file, "the whole file", WorkflowFile.unreadable(id,
                    "holds a number beyond any range that can be read or stored; the workflow was not migrated", excerpt(path)));
        }
    }

    private static String excerpt(Path path) {
        try {
            byte[] start = new byte[500];
            int length;
            try (var in = Files.newInputStream(path)) {
                length = in.readNBytes(start, 0, start.length);
            }
            return new String(start, 0, length, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
