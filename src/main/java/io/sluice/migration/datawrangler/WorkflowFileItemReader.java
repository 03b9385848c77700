package io.sluice.migration.datawrangler;

import io.sluice.batch.ListingFingerprint;
import io.sluice.batch.SourceChange;
import io.sluice.batch.SourceRecord;
import io.sluice.batch.JsonFaults;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.batch.infrastructure.item.ItemStreamSupport;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads the workflow files of a Data Wrangler store ({@code workflows/*.json}) one at a time, in
 * name order, so that a restart resumes after the last committed file (or reads them all again, saying
 * so, when the files before it changed since). Only the names are held in
 * memory. A file that is not valid JSON comes out as an unreadable {@link WorkflowFile} located at
 * the fault's line and column, for the processor to reject; so does a file that cannot be read at
 * all, with the reason ("permission denied").
 */
class WorkflowFileItemReader extends ItemStreamSupport implements ItemStreamReader<SourceRecord<WorkflowFile>> {

    static final String FOLDER = "workflows";
    private static final String NEXT = "next";
    private static final String FINGERPRINT = "fingerprint";
    private static final String SUFFIX = ".json";

    private final Path folder;
    private final ObjectReader json;
    /** Of the files handed out: a restart tells by it whether the files before its position changed. */
    private final ListingFingerprint read;
    private List<String> names = List.of();
    private int next;

    WorkflowFileItemReader(String name, Path storeRoot, ObjectMapper mapper) {
        setName(name);
        this.folder = storeRoot.resolve(FOLDER);
        this.json = mapper.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.read = new ListingFingerprint(file -> List.of(folder.resolve(file)));
    }

    @Override
    public void open(ExecutionContext context) {
        List<String> found = new ArrayList<>();
        if (Files.isDirectory(folder)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(folder,
                    file -> Files.isRegularFile(file) && file.getFileName().toString().endsWith(SUFFIX)
                            && !file.getFileName().toString().startsWith("."))) {
                files.forEach(file -> found.add(file.getFileName().toString()));
            } catch (IOException e) {
                throw new ItemStreamException("cannot list the workflow files in " + folder, e);
            }
        }
        Collections.sort(found);
        names = found;
        int saved = context.getInt(getExecutionContextKey(NEXT), 0);
        next = Math.min(saved, names.size());
        long readBefore = read.restartAfter(names, next);
        String fingerprint = getExecutionContextKey(FINGERPRINT);
        if (saved > 0 && context.containsKey(fingerprint) && (saved > names.size() || context.getLong(fingerprint) != readBefore)) {
            next = 0;
            read.restartAfter(names, 0);
            SourceChange.readAgainFromTheStart(context, FOLDER + "/");
        }
    }

    @Override
    public SourceRecord<WorkflowFile> read() {
        if (next >= names.size()) {
            return null;
        }
        String name = names.get(next++);
        read.add(name);
        String id = name.substring(0, name.length() - SUFFIX.length());
        String file = FOLDER + "/" + name;
        Path path = folder.resolve(name);
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

    @Override
    public void update(ExecutionContext context) {
        context.putInt(getExecutionContextKey(NEXT), next);
        context.putLong(getExecutionContextKey(FINGERPRINT), read.value());
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
