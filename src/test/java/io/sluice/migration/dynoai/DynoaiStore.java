package io.sluice.migration.dynoai;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test builder: writes a DynoAI runs folder ({@code index.json} and run folders) into a directory. */
final class DynoaiStore {

    private final List<String> indexEntries = new ArrayList<>();
    private final List<RunFolder> folders = new ArrayList<>();
    private String rawIndex;

    static DynoaiStore aDynoaiStore() {
        return new DynoaiStore();
    }

    /** A valid run state as the index holds it. */
    static String run(String id, String status, String updatedAt, String... files) {
        String fileList = String.join(",", java.util.Arrays.stream(files).map(f -> "\"" + f + "\"").toList());
        return """
                {"run_id": "%s", "status": "%s", "source": "jetstream", "created_at": "2025-12-05T11:52:20.493Z",
                 "updated_at": "%s", "jetstream_id": "JS-1", "current_stage": "export", "progress_percent": 100,
                 "files": [%s], "results_summary": {"avg_correction": 1.5}}""".formatted(id, status, updatedAt, fileList);
    }

    DynoaiStore withIndexEntry(String json) {
        indexEntries.add(json);
        return this;
    }

    DynoaiStore withIndexRuns(int count) {
        for (int i = 0; i < count; i++) {
            indexEntries.add(run("run_%05d".formatted(i), "complete", "2025-12-08T06:18:43.578Z", "a.csv", "b.txt"));
        }
        return this;
    }

    /** The index file exactly as given, for malformed-file tests. */
    DynoaiStore withRawIndex(String content) {
        rawIndex = content;
        return this;
    }

    DynoaiStore withRunFolder(String id, String state, String manifest, String... outputFiles) {
        folders.add(new RunFolder(id, state, manifest, List.of(outputFiles)));
        return this;
    }

    Path writeTo(Path root) {
        try {
            Path runs = Files.createDirectories(root.resolve("runs"));
            String index = rawIndex != null ? rawIndex
                    : "{\"updated_at\": \"2025-12-08T06:18:43.624Z\", \"total\": " + indexEntries.size() + ", \"runs\": [\n"
                      + String.join(",\n", indexEntries) + "\n]}\n";
            Files.writeString(runs.resolve("index.json"), index, StandardCharsets.UTF_8);
            for (RunFolder folder : folders) {
                Path dir = Files.createDirectories(runs.resolve(folder.id()).resolve("output"));
                Files.writeString(runs.resolve(folder.id()).resolve("run_state.json"), folder.state());
                Files.writeString(runs.resolve(folder.id()).resolve("jetstream_metadata.json"), "{\"vehicle\": \"demo\", \"peak_hp\": 118.4}");
                if (folder.manifest() != null) {
                    Files.writeString(dir.resolve("manifest.json"), folder.manifest());
                }
                for (String file : folder.outputFiles()) {
                    Files.writeString(dir.resolve(file), "rpm,map\n1000,20\n");
                }
            }
            return runs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String manifest(String inputPath) {
        return """
                {"schema_id": "dynoai.manifest@1", "input": {"path": "%s"}, "config": {"args": {"clamp": 7}},
                 "outputs": [{"name": "a.csv", "type": "csv", "size_bytes": 999, "created": "2025-12-08T05:34:43.586752+00:00"}]}
                """.formatted(inputPath);
    }

    private record RunFolder(String id, String state, String manifest, List<String> outputFiles) {
    }
}
