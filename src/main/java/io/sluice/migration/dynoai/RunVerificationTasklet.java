package io.sluice.migration.dynoai;

import io.sluice.batch.InvalidRecordException;
import io.sluice.batch.Reconciliation;
import io.sluice.batch.RefusedRecords;
import io.sluice.batch.SeenKeys;
import io.sluice.batch.SortedFolderItemReader;
import io.sluice.batch.SourceRecord;
import io.sluice.migration.MigrationVerificationException;
import io.sluice.persistence.Dialect;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

/**
 * Reconciles a DynoAI store with the target after loading, and fails the job when they differ:
 * every valid run of the store must be in {@code runs} (counts and checksums of the ids agree), and
 * no {@code run_files} row may point at a missing run.
 *
 * <p>It reads the store again cheaply: the index is scanned for ids only ({@link IndexIdScanner}),
 * the run folders by name, and the ids are looked up in the target in batches. Only a run that is
 * not in the target is read whole and validated again: if it is invalid, the load step rejected it
 * and its absence is right; if it is valid, it was lost, and verification fails naming it.
 *
 * <p>The store is scanned on a thread of its own, and the batches are looked up two at a time on
 * connections of their own, so that the scan and the database work side by side; this thread
 * reconciles the batches in store order.
 */
class RunVerificationTasklet implements Tasklet {

    private static final String DANGLING_FILES = """
            SELECT count(*) FROM run_files f WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = f.run_id)
            """;
    /** Batches scanned ahead of the look-ups; bounded so that memory stays flat. */
    private static final int BATCHES_AHEAD = 4;
    private static final int LOOKUPS_AT_ONCE = 2;

    /** A source run to look for: its id, and how to tell whether it was valid, asked only when it is missing. */
    private record Candidate(String id, BooleanSupplier valid) {
    }

    /** A batch of candidates, and which of their ids the target holds (once the look-up is done). */
    private record Lookup(List<Candidate> batch, Future<Set<String>> found) {
    }

    private final NamedParameterJdbcTemplate jdbc;
    private final IndexIdScanner index;
    private final Path runsRoot;
    private final RunFolderProcessor folderProcessor;
    private final StoredRunIds storedIds;
    private final int batchSize;
    private final LongFunction<RefusedRecords.Refused> refusedIn;

    /**
     * @param dialect   how ids are looked up, and how many at a time
     * @param refusedIn the runs the database refused in the load steps of a job instance (by its id): rejected, not lost
     */
    RunVerificationTasklet(NamedParameterJdbcTemplate jdbc, IndexIdScanner index, Path runsRoot,
                           RunFolderProcessor folderProcessor, Dialect dialect, LongFunction<RefusedRecords.Refused> refusedIn) {
        this.jdbc = jdbc;
        this.index = index;
        this.runsRoot = runsRoot;
        this.folderProcessor = folderProcessor;
        this.storedIds = new StoredRunIds(jdbc, dialect);
        this.batchSize = dialect.keyLookupBatch();
        this.refusedIn = refusedIn;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws InterruptedException {
        Reconciliation runs = reconcileRuns(refusedIn.apply(contribution.getStepExecution().getJobExecution().getJobInstance().getInstanceId()));
        Long dangling = jdbc.queryForObject(DANGLING_FILES, Map.of(), Long.class);
        String summary = runs.summary() + "; run_files without their run: " + dangling;
        contribution.setExitStatus(contribution.getExitStatus().addExitDescription(summary));
        if (!runs.matches() || dangling != 0) {
            throw new MigrationVerificationException("verification failed: " + summary);
        }
        return RepeatStatus.FINISHED;
    }

    /** Scans the store on one worker while two others look batches up; reconciles them in store order. */
    private Reconciliation reconcileRuns(RefusedRecords.Refused refused) throws InterruptedException {
        Reconciliation runs = new Reconciliation("runs");
        SeenKeys counted = new SeenKeys();
        BlockingQueue<List<Candidate>> batches = new ArrayBlockingQueue<>(BATCHES_AHEAD);
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(1 + LOOKUPS_AT_ONCE, runnable -> {
            Thread thread = new Thread(runnable, "verify-runs.worker-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            Future<?> scan = workers.submit(() -> {
                try {
                    scan(batches);
                } finally {
                    handOver(List.of(), batches); // the end, also after a failure, which resultOf(scan) then throws
                }
                return null;
            });
            Deque<Lookup> lookups = new ArrayDeque<>();
            for (List<Candidate> batch = batches.take(); !batch.isEmpty(); batch = batches.take()) {
                List<String> ids = batch.stream().map(Candidate::id).toList();
                lookups.add(new Lookup(batch, workers.submit(() -> storedIds.among(ids))));
                if (lookups.size() == LOOKUPS_AT_ONCE) {
                    check(lookups.remove(), runs, counted, refused);
                }
            }
            while (!lookups.isEmpty()) {
                check(lookups.remove(), runs, counted, refused);
            }
            resultOf(scan);
        } finally {
            workers.shutdownNow();
            workers.awaitTermination(1, TimeUnit.MINUTES); // a look-up still running gives its connection back first
        }
        return runs;
    }

    /** What a worker returned, or the failure it met, thrown as it was thrown there. */
    private static <T> T resultOf(Future<T> work) throws InterruptedException {
        try {
            return work.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Scans the index, then the run folders, into batches of candidates. */
    private void scan(BlockingQueue<List<Candidate>> batches) {
        List<Candidate> batch = new ArrayList<>(batchSize);
        index.scan(element -> {
            if (element.id() != null) {
                batch.add(new Candidate(element.id(), () -> valid(() -> RunStateParser.parse(index.element(element)))));
                handOverIfFull(batch, batches);
            }
        });
        SortedFolderItemReader<Path> folders = RunFolders.reader("verify", runsRoot);
        folders.open(new ExecutionContext());
        for (SourceRecord<Path> folder = folders.read(); folder != null; folder = folders.read()) {
            SourceRecord<Path> current = folder;
            batch.add(new Candidate(folder.value().getFileName().toString(), () -> valid(() -> folderProcessor.process(current))));
            handOverIfFull(batch, batches);
        }
        if (!batch.isEmpty()) {
            handOver(List.copyOf(batch), batches);
        }
    }

    private void handOverIfFull(List<Candidate> batch, BlockingQueue<List<Candidate>> batches) {
        if (batch.size() >= batchSize) {
            handOver(List.copyOf(batch), batches);
            batch.clear();
        }
    }

    private static void handOver(List<Candidate> batch, BlockingQueue<List<Candidate>> batches) {
        try {
            batches.put(batch);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("verification stopped");
        }
    }

    private static boolean valid(Runnable validation) {
        try {
            validation.run();
            return true;
        } catch (InvalidRecordException e) {
            return false;
        }
    }

    /**
     * Found runs count on both sides once each; a missing one counts only if it was valid and the
     * database did not refuse it, as missing.
     */
    private static void check(Lookup lookup, Reconciliation runs, SeenKeys counted, RefusedRecords.Refused refused)
            throws InterruptedException {
        Set<String> found = resultOf(lookup.found());
        for (Candidate candidate : lookup.batch()) {
            if (found.contains(candidate.id())) {
                if (counted.add(candidate.id())) {
                    runs.source(candidate.id());
                    runs.target(candidate.id());
                }
            } else if (!refused.contains(candidate.id()) && candidate.valid().getAsBoolean() && counted.add(candidate.id())) {
                runs.source(candidate.id());
                runs.missing(candidate.id());
            }
        }
    }
}
