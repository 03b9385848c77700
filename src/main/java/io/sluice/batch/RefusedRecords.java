package io.sluice.batch;

import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The records a load step could not write because the database refused one of their values. A
 * step's writer is made {@link #isolating} so that such a record never takes its chunk down: it is
 * found, rejected with the database's reason, and noted here (in {@code refused_records}, in the
 * chunk's transaction), so that verification counts it as rejected rather than lost
 * ({@link #of}).
 */
@Component
public class RefusedRecords {

    private static final String INSERT = """
            INSERT INTO refused_records (job_execution_id, entity, key_digest) VALUES (:execution, :entity, :digest)
            """;
    private static final String SELECT_FOR_INSTANCE = """
            SELECT r.key_digest
            FROM refused_records r JOIN BATCH_JOB_EXECUTION e ON e.JOB_EXECUTION_ID = r.job_execution_id
            WHERE e.JOB_INSTANCE_ID = :instance AND r.entity = :entity
            """;

    private final NamedParameterJdbcTemplate jdbc;
    private final PlatformTransactionManager transactionManager;
    private final RejectFiles rejectFiles;

    RefusedRecords(NamedParameterJdbcTemplate jdbc, PlatformTransactionManager transactionManager, RejectFiles rejectFiles) {
        this.jdbc = jdbc;
        this.transactionManager = transactionManager;
        this.rejectFiles = rejectFiles;
    }

    /**
     * How one load step isolates the records the database refuses: wrap its processor and its
     * writer with the result (the processor tells the writer where each record came from).
     *
     * @param entity the target the step writes (e.g. {@code runs}), as verification asks for it
     * @param keyOf  the key of an item the writer takes, as verification knows it (e.g. the run id)
     */
    public <T, O> RecordIsolation<T, O> isolating(String entity, Function<? super O, String> keyOf) {
        return new RecordIsolation<>(this, entity, keyOf, transactionManager, rejectFiles);
    }

    /** The keys (as given to {@link #isolating}) refused in any execution of a job instance, for one entity. */
    public Refused of(long jobInstanceId, String entity) {
        Set<String> digests = new HashSet<>(jdbc.queryForList(SELECT_FOR_INSTANCE,
                Map.of("instance", jobInstanceId, "entity", entity), String.class));
        return key -> key != null && !digests.isEmpty() && digests.contains(digest(key));
    }

    /** Which records of one entity the database refused. */
    @FunctionalInterface
    public interface Refused {
        boolean contains(String key);
    }

    /** Notes a refused record, in the current transaction. */
    void record(long jobExecutionId, String entity, String key) {
        jdbc.update(INSERT, Map.of("execution", jobExecutionId, "entity", entity, "digest", digest(key)));
    }

    private static String digest(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_16BE)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
