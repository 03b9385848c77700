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
import java.sql.PreparedStatement;
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
 *
 * <p>On PostgreSQL a batch is one {@code = ANY(array)} parameter: one short statement prepared
 * once, instead of a thousand-placeholder {@code IN} list parsed and planned per batch.
 */
class RunVerificationTasklet implements Tasklet {

    private static final String SELECT_IDS = "SELECT id FROM runs WHERE id IN (:ids)";
    private static final String SELECT_IDS_POSTGRES = "SELECT id FROM runs WHERE id = ANY(?)";
    private static final String DANGLING_FILES = """
            SELECT count(*) FROM run_files f WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = f.run_id)
            """;

    private final NamedParameterJdbcTemplate jdbc;
    private final Supplier<JsonArrayItemReader> indexReader;
    private final Path runsRoot;
    private final RunFolderProcessor folderProcessor;
    private final boolean postgres;
    private final int batchSize;

    /** @param postgres look ids up as one array parameter per batch of 10,000, instead of IN lists of 1,000 */
    RunVerificationTasklet(NamedParameterJdbcTemplate jdbc, Supplier<JsonArrayItemReader> indexReader, Path runsRoot,
                           RunFolderProcessor folderProcessor, boolean postgres) {
        this.jdbc = jdbc;
        this.postgres = postgres;
        this.batchSize = postgres ? 10_000 : 1000;
        this.indexReader = indexReader;
        this.runsRoot = runsRoot;
        this.folderProcessor = folderProcessor;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        Reconciliation runs = new Reconciliation("runs");
        SeenKeys seen = new SeenKeys();
        List<String> batch = new ArrayList<>(batchSize);

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
        if (batch.size() >= batchSize) {
            check(batch, runs);
        }
    }

    private void check(List<String> batch, Reconciliation runs) {
        if (batch.isEmpty()) {
            return;
        }
        List<String> ids = postgres
                ? jdbc.getJdbcTemplate().query(connection -> {
                    PreparedStatement statement = connection.prepareStatement(SELECT_IDS_POSTGRES);
                    statement.setArray(1, connection.createArrayOf("varchar", batch.toArray()));
                    return statement;
                }, (rs, row) -> rs.getString("id"))
                : jdbc.queryForList(SELECT_IDS, Map.of("ids", batch), String.class);
        Set<String> found = new HashSet<>(ids);
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
