package io.sluice.migration.dynoai;

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
 * a restart resumes after the last committed folder. Only names are held in memory; the processor
 * reads each folder's files.
 */
class RunFolderItemReader extends ItemStreamSupport implements ItemStreamReader<SourceRecord<Path>> {

    private static final String NEXT = "next";

    private final Path runsRoot;
    private List<String> names = List.of();
    private int next;

    RunFolderItemReader(String name, Path runsRoot) {
        setName(name);
        this.runsRoot = runsRoot;
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
        next = context.getInt(getExecutionContextKey(NEXT), 0);
    }

    @Override
    public SourceRecord<Path> read() {
        if (next >= names.size()) {
            return null;
        }
        String name = names.get(next++);
        return new SourceRecord<>(name + "/run_state.json", "/", runsRoot.resolve(name));
    }

    @Override
    public void update(ExecutionContext context) {
        context.putInt(getExecutionContextKey(NEXT), next);
        StepProgress.publish(context, next, names.size(), "folders");
    }
}
