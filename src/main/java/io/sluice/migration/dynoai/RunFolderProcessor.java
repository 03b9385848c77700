package io.sluice.migration.dynoai;

import io.sluice.batch.InvalidRecordException;
import io.sluice.batch.JsonValue;
import io.sluice.batch.LegacyTimestamps;
import io.sluice.batch.SourceRecord;
import io.sluice.batch.JsonFaults;
import io.sluice.batch.StorableValues;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one run folder: {@code run_state.json} (required), {@code jetstream_metadata.json}, and
 * {@code output/manifest.json} beside the output files. Each file the state names becomes a
 * {@code run_files} row with its real size, its type from the manifest (else its extension) and its
 * path in the store; a state that names no files contributes every file of {@code output/}.
 * {@code input_filename} and {@code config_snapshot} come from the manifest.
 */
class RunFolderProcessor implements ItemProcessor<SourceRecord<Path>, Run> {

    private static final String MANIFEST = "manifest.json";

    private final ObjectMapper mapper;

    RunFolderProcessor(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public Run process(SourceRecord<Path> record) {
        Path folder = record.value();
        Path statePath = folder.resolve("run_state.json");
        if (!Files.isRegularFile(statePath)) {
            throw new InvalidRecordException("no run_state.json in the run folder " + folder.getFileName());
        }
        JsonNode state = readJson(statePath, "run_state.json");
        Run run = RunStateParser.parse(state);
        if (!run.id().equals(folder.getFileName().toString())) {
            throw new InvalidRecordException("run_id '" + run.id() + "' differs from its folder name '" + folder.getFileName() + "'");
        }
        Path output = folder.resolve("output");
        JsonNode manifest = Files.isRegularFile(output.resolve(MANIFEST)) ? readJson(output.resolve(MANIFEST), "output/manifest.json") : null;
        JsonNode metadata = Files.isRegularFile(folder.resolve("jetstream_metadata.json"))
                ? readJson(folder.resolve("jetstream_metadata.json"), "jetstream_metadata.json") : null;

        Map<String, JsonNode> described = manifestOutputs(manifest);
        Map<String, Run.RunFile> files = new LinkedHashMap<>();
        Iterable<String> names = RunStateParser.listsFiles(state)
                ? run.files().stream().map(Run.RunFile::filename).toList()
                : outputFileNames(output);
        for (String name : names) {
            files.put(name, describe(folder, output.resolve(name), name, described.get(name)));
        }
        Run folderRun = new Run(run.id(), run.status(), run.source(), run.createdAt(), run.updatedAt(), run.jetstreamId(),
                run.currentStage(), run.progressPercent(), run.resultsSummary(), run.errorInfo(),
                inputFilename(manifest), manifest == null ? null : JsonValue.of(objectOrNull(manifest.get("config"))), JsonValue.of(metadata),
                RunStateParser.sorted(files.values()));
        StorableValues.requireStorable(folderRun);
        folderRun.files().forEach(StorableValues::requireStorable);
        return folderRun;
    }

    private Run.RunFile describe(Path folder, Path file, String name, JsonNode described) {
        boolean present = Files.isRegularFile(file);
        String type = described != null && described.hasNonNull("type") ? described.get("type").asString() : RunStateParser.typeOf(name);
        Long size = null;
        OffsetDateTime created = null;
        try {
            if (present) {
                size = Files.size(file);
            } else if (described != null && described.get("size_bytes") != null && described.get("size_bytes").canConvertToLong()) {
                size = described.get("size_bytes").asLong();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (described != null && described.hasNonNull("created")) {
            // a manifest time that cannot be read rejects the run: no value is dropped silently
            created = LegacyTimestamps.parse("output/manifest.json outputs[" + name + "].created", described.get("created").asString());
        }
        String path = present ? folder.getFileName() + "/output/" + name : null;
        return new Run.RunFile(name, type == null ? null : fitting("output/manifest.json outputs[" + name + "].type", type, 50),
                size, path, created);
    }

    private static Map<String, JsonNode> manifestOutputs(JsonNode manifest) {
        Map<String, JsonNode> outputs = new HashMap<>();
        if (manifest != null && manifest.get("outputs") != null && manifest.get("outputs").isArray()) {
            for (JsonNode output : manifest.get("outputs")) {
                if (output.hasNonNull("name")) {
                    outputs.put(output.get("name").asString(), output);
                }
            }
        }
        return outputs;
    }

    private static Iterable<String> outputFileNames(Path output) {
        if (!Files.isDirectory(output)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(output, Files::isRegularFile)) {
            files.forEach(file -> names.add(file.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        names.remove(MANIFEST);
        names.sort(null);
        return names;
    }

    private static String inputFilename(JsonNode manifest) {
        if (manifest == null || manifest.get("input") == null || !manifest.get("input").hasNonNull("path")) {
            return null;
        }
        String path = manifest.get("input").get("path").asString();
        String name = path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
        return fitting("output/manifest.json input.path's file name", name, 255);
    }

    private static JsonNode objectOrNull(JsonNode node) {
        return node != null && node.isObject() ? node : null;
    }

    /** The text, when it fits its column; a record is never stored with a shortened value. */
    private static String fitting(String field, String text, int max) {
        if (text.length() > max) {
            throw new InvalidRecordException(field + " is " + text.length() + " characters long, over its column's " + max);
        }
        return text;
    }

    private JsonNode readJson(Path file, String name) {
        try {
            return mapper.readTree(file.toFile());
        } catch (JacksonException e) {
            boolean located = e.getLocation() != null && e.getLocation().getLineNr() > 0;
            throw new InvalidRecordException(name + " " + JsonFaults.describe(e)
                    + (located ? " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() : ""));
        } catch (NumberFormatException e) {
            throw new InvalidRecordException(name + " holds a number beyond any range that can be read or stored");
        }
    }
}
