package io.sluice.migration.dynoai;

import io.sluice.batch.ListingFingerprint;
import io.sluice.batch.SourceChange;
import io.sluice.batch.SourceRecord;
import io.sluice.batch.StepProgress;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.batch.infrastructure.item.ItemStreamSupport;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Lists the run folders of a DynoAI store (every sub-folder of {@code runs/}), in name order so that
 * a restart resumes after the last committed folder; when the folders before it changed since (one
 * added, removed or rewritten), the restart reads them all again from the start instead, and says so.
 * Only names are held in memory; the processor reads each folder's files.
 */
class RunFolderItemReader extends ItemStreamSupport implements ItemStreamReader<SourceRecord<Path>> {

    private static final String NEXT = "next";
    private static final String FINGERPRINT = "fingerprint";

    private final Path runsRoot;
    /** Of the folders handed out: a restart tells by it whether the folders before its position changed. */
    private final ListingFingerprint read;
    private List<String> names = List.of();
    private int next;

    RunFolderItemReader(String name, Path runsRoot) {
        setName(name);
        this.runsRoot = runsRoot;
        this.read = new ListingFingerprint(folder -> List.of(runsRoot.resolve(folder).resolve("run_state.json"),
                runsRoot.resolve(folder).resolve("jetstream_metadata.json"), runsRoot.resolve(folder).resolve("output").resolve("manifest.json")));
    }

    @Override
    public void open(ExecutionContext context) {
        List<String> found = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(runsRoot, Files::isDirectory)) {
            children.forEach(child -> found.add(child.getFileName().toString()));
        } catch (IOException e) {
            throw new ItemStreamException("cannot list the run folders in " + runsRoot, e);
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
            SourceChange.readAgainFromTheStart(context, "the run folders");
        }
    }

    @Override
    public SourceRecord<Path> read() {
        if (next >= names.size()) {
            return null;
        }
        String name = names.get(next++);
        read.add(name);
        return new SourceRecord<>(name + "/run_state.json", "/", runsRoot.resolve(name));
    }

    @Override
    public void update(ExecutionContext context) {
        context.putInt(getExecutionContextKey(NEXT), next);
        context.putLong(getExecutionContextKey(FINGERPRINT), read.value());
        StepProgress.publish(context, next, names.size(), "folders");
    }
}
