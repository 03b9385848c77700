package io.sluice.migration.hamilton;

import io.sluice.batch.InvalidRecordException;
import io.sluice.batch.RefusedRecords;
import io.sluice.batch.JsonValue;
import io.sluice.migration.MigrationVerificationException;
import io.sluice.batch.Reconciliation;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reconciles the Hamilton store with the target after loading. Per table, the store is read again
 * and every row that is valid (and whose references are) must be in the target with the same
 * content: counts agree, and the checksums over key and content agree (passwords compared
 * decrypted). Then no target row may point at a missing row. Fails the job when anything differs.
 */
final class HamiltonVerificationTasklet implements Tasklet {

    private static final int BATCH = 500;
    private static final String DANGLING = """
            SELECT (SELECT count(*) FROM clustering_results r
                     WHERE NOT EXISTS (SELECT 1 FROM databases d WHERE d.id = r.database_id))
                 + (SELECT count(*) FROM concepts c
                     WHERE NOT EXISTS (SELECT 1 FROM databases d WHERE d.id = c.database_id))
                 + (SELECT count(*) FROM attributes a
                     WHERE NOT EXISTS (SELECT 1 FROM concepts c WHERE c.id = a.concept_id))
                 + (SELECT count(*) FROM relationships r
                     WHERE NOT EXISTS (SELECT 1 FROM concepts c WHERE c.id = r.from_concept_id)
                        OR NOT EXISTS (SELECT 1 FROM concepts c WHERE c.id = r.to_concept_id)
                        OR NOT EXISTS (SELECT 1 FROM databases d WHERE d.id = r.database_id)) AS dangling
            FROM (VALUES (0)) AS one (x)
            """;

    private final HamiltonStore store;
    private final List<HamiltonTable<?, ?>> tables;
    private final Supplier<SourceReferences> references;
    private final NamedParameterJdbcTemplate target;
    private final RefusedRecords refusedRecords;

    /** @param refusedRecords the rows the database refused in the load steps: rejected, not lost */
    HamiltonVerificationTasklet(HamiltonStore store, List<HamiltonTable<?, ?>> tables, Supplier<SourceReferences> references,
                                NamedParameterJdbcTemplate target, RefusedRecords refusedRecords) {
        this.store = store;
        this.tables = tables;
        this.references = references;
        this.target = target;
        this.refusedRecords = refusedRecords;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        SourceReferences sourceReferences = references.get();
        long instance = contribution.getStepExecution().getJobExecution().getJobInstance().getInstanceId();
        List<String> summaries = new ArrayList<>();
        boolean matches = true;
        for (HamiltonTable<?, ?> table : tables) {
            Reconciliation reconciliation = reconcile(table, sourceReferences, refusedRecords.of(instance, table.statements().table()));
            summaries.add(reconciliation.summary());
            matches &= reconciliation.matches();
        }
        Long dangling = target.queryForObject(DANGLING, Map.of(), Long.class);
        String summary = String.join("; ", summaries) + "; rows pointing at missing rows: " + dangling;
        contribution.setExitStatus(contribution.getExitStatus().addExitDescription(summary));
        if (!matches || dangling == null || dangling != 0) {
            throw new MigrationVerificationException("verification failed: " + summary);
        }
        return RepeatStatus.FINISHED;
    }

    private <L, T> Reconciliation reconcile(HamiltonTable<L, T> table, SourceReferences sourceReferences, RefusedRecords.Refused refused) {
        Reconciliation reconciliation = new Reconciliation(table.statements().table());
        Map<Object, T> batch = new LinkedHashMap<>();
        new JdbcTemplate(store.dataSource()).query(table.statements().selectSource(), (RowCallbackHandler) rs -> {
            T row;
            try {
                row = table.convertStorable(table.readSource(rs));
                sourceReferences.requireValid(table.references(row));
            } catch (InvalidRecordException e) {
                return; // rejected by the load step, with its reason
            }
            if (refused.contains(String.valueOf(table.key(row)))) {
                return; // refused by the database, rejected with its reason
            }
            reconciliation.source(fingerprint(table.key(row), row));
            batch.put(table.key(row), row);
            if (batch.size() >= BATCH) {
                check(table, batch, reconciliation);
            }
        });
        check(table, batch, reconciliation);
        return reconciliation;
    }

    private <T> void check(HamiltonTable<?, T> table, Map<Object, T> batch, Reconciliation reconciliation) {
        if (batch.isEmpty()) {
            return;
        }
        Map<Object, T> stored = new HashMap<>();
        target.query(table.statements().selectTarget(), Map.of("ids", new ArrayList<>(batch.keySet())), (ResultSet rs) -> {
            T row = table.readTarget(rs);
            stored.put(table.key(row), row);
        });
        for (Object key : batch.keySet()) {
            T row = stored.get(key);
            if (row == null) {
                reconciliation.missing(String.valueOf(key));
            } else {
                reconciliation.target(fingerprint(key, row));
            }
        }
        batch.clear();
    }

    /** The key and the content: rows are records of plain values and JSON trees, hashed by meaning (jsonb re-spells numbers). */
    private static String fingerprint(Object key, Object row) {
        int hash = row instanceof Record record ? JsonValue.recordHash(record) : row.hashCode();
        return key + "#" + Integer.toHexString(hash);
    }
}
