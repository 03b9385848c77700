package io.sluice.migration.dynoai;

import io.sluice.batch.SortedFolderItemReader;
import io.sluice.batch.SourceRecord;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The run folders of a DynoAI store (every sub-folder of {@code runs/}), read in name order by a
 * {@link SortedFolderItemReader}: a restart resumes after the last committed folder, or reads them
 * all again, saying so, when the folders before it changed since (one added, removed, or one of
 * the files {@link RunFolderProcessor} reads rewritten). Each record is the folder's path, located
 * at its {@code run_state.json}; the processor reads the files.
 */
final class RunFolders {

    private RunFolders() {
    }

    /**
     * @param name     the reader's name (its restart key)
     * @param runsRoot the store's {@code runs/} folder; a missing one fails the reader's {@code open}
     */
    static SortedFolderItemReader<Path> reader(String name, Path runsRoot) {
        return SortedFolderItemReader.of(name, runsRoot, folder -> new SourceRecord<>(folder.getFileName() + "/run_state.json", "/", folder))
                .entries(Files::isDirectory, "the run folders")
                .fingerprinting(folder -> List.of(folder.resolve("run_state.json"), folder.resolve("jetstream_metadata.json"),
                        folder.resolve("output").resolve("manifest.json")))
                .progressIn("folders")
                .build();
    }
}
