package io.sluice.migration.dynoai;

import io.sluice.migration.InvalidRecordException;
import io.sluice.migration.JsonArrayItemReader;
import io.sluice.migration.MigrationVerificationException;
import io.sluice.migration.Reconciliation;
import io.sluice.migration.SeenKeys;
import io.sluice.migration.SourceRecord;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reconciles a DynoAI store with the target after loading: reads the store again (ids only), and
 * checks in batches that every valid run is in {@code runs} (counts and checksums must agree), and
 * that no {@code run_files} row points at a missing run. Fails the job when they differ.
 */
class RunVerificationTasklet implements Tasklet {

    private static final int BATCH = 1000;
    private static final String SELECT_IDS = "SELECT id FROM runs WHERE id IN (:ids)";
    private static final String DANGLING_FILES = """
            SELECT count(*) FROM run_files f WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = f.run_id)
            """;

    private final NamedParameterJdbcTemplate jdbc;
    private final Supplier<JsonArrayItemReader> indexReader;
    private final Path runsRoot;
    private final RunFolderProcessor folderProcessor;

    RunVerificationTasklet(NamedParameterJdbcTemplate jdbc, Supplier<JsonArrayItemReader> indexReader, Path runsRoot,
                           RunFolderProcessor folderProcessor) {
        this.jdbc = jdbc;
        this.indexReader = indexReader;
        this.runsRoot = runsRoot;
        this.folderProcessor = folderProcessor;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        Reconciliation runs = new Reconciliation("runs");
        SeenKeys seen = new SeenKeys();
        List<String> batch = new ArrayList<>(BATCH);

        JsonArrayItemReader index = indexReader.get();
        index.open(new ExecutionContext());
        try {
            for (SourceRecord<JsonNode> record = index.read(); record != null; record = index.read()) {
                String id = validId(record.value());
                if (id != null && seen.add(id)) {
                    runs.source(id);
                    batch.add(id);
                    flushIfFull(batch, runs);
                }
            }
        } finally {
            index.close();
        }
        RunFolderItemReader folders = new RunFolderItemReader("verify", runsRoot);
        folders.open(new ExecutionContext());
        for (SourceRecord<Path> folder = folders.read(); folder != null; folder = folders.read()) {
            String id = validId(folder);
            if (id != null && seen.add(id)) {
                runs.source(id);
                batch.add(id);
                flushIfFull(batch, runs);
            }
        }
        check(batch, runs);

        Long dangling = jdbc.queryForObject(DANGLING_FILES, Map.of(), Long.class);
        String summary = runs.summary() + "; run_files without their run: " + dangling;
        contribution.setExitStatus(contribution.getExitStatus().addExitDescription(summary));
        if (!runs.matches() || dangling != 0) {
            throw new MigrationVerificationException("verification failed: " + summary);
        }
        return RepeatStatus.FINISHED;
    }

    /** The run id of a valid index entry; invalid ones were rejected by the load step. */
    private static String validId(JsonNode state) {
        try {
            return RunStateParser.parse(state).id();
        } catch (InvalidRecordException e) {
            return null;
        }
    }

    /** The run id of a valid run folder; invalid ones were rejected by the load step. */
    private String validId(SourceRecord<Path> folder) {
        try {
            return folderProcessor.process(folder).id();
        } catch (InvalidRecordException e) {
            return null;
        }
    }

    private void flushIfFull(List<String> batch, Reconciliation runs) {
        if (batch.size() >= BATCH) {
            check(batch, runs);
        }
    }

    private void check(List<String> batch, Reconciliation runs) {
        if (batch.isEmpty()) {
            return;
        }
        Set<String> found = new HashSet<>(jdbc.queryForList(SELECT_IDS, Map.of("ids", batch), String.class));
        for (String id : batch) {
            if (found.contains(id)) {
                runs.target(id);
            } else {
                runs.missing(id);
            }
        }
        batch.clear();
    }
}
