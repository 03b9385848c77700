package io.sluice.batch;

import io.sluice.persistence.SluiceProperties;
import org.springframework.batch.core.scope.context.StepContext;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.scope.context.StepSynchronizationManager;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Hands out the reject file of each running job execution; the job's listener releases it at the end. */
@Component
public class RejectFiles {

    private final SluiceProperties properties;
    private final Map<Long, RejectFile> open = new ConcurrentHashMap<>();

    RejectFiles(SluiceProperties properties) {
        this.properties = properties;
    }

    public RejectFile forExecution(long jobExecutionId) {
        return open.computeIfAbsent(jobExecutionId,
                id -> new RejectFile(RejectFile.pathFor(properties.dataDir(), id)));
    }

    /**
     * The reject file of the job execution whose step runs on this thread; each rejection through
     * it is also counted in the step's execution context (saved with the chunk, kept on restart).
     */
    public Rejects current() {
        StepContext context = StepSynchronizationManager.getContext();
        if (context == null) {
            throw new IllegalStateException("no step is running on this thread");
        }
        StepExecution step = context.getStepExecution();
        RejectFile file = forExecution(step.getJobExecutionId());
        return (source, location, reason, raw) -> {
            file.reject(source, location, reason, raw);
            WriteCounts.addRejected(step);
        };
    }

    /**
     * As {@link #current}, for records a step turns away inside a chunk that a restart reads again (a
     * workflow's source rows and node rows): their count is taken back if the chunk rolls back, so that
     * a restart does not count them twice. The reject file keeps the line.
     */
    public Rejects currentInChunk() {
        StepContext context = StepSynchronizationManager.getContext();
        if (context == null) {
            throw new IllegalStateException("no step is running on this thread");
        }
        RejectFile file = forExecution(context.getStepExecution().getJobExecutionId());
        return (source, location, reason, raw) -> {
            file.reject(source, location, reason, raw);
            WriteCounts.addRejectedToCurrentStep();
        };
    }

    /** Where a step sends a record it cannot migrate. */
    @FunctionalInterface
    public interface Rejects {
        void reject(String file, String location, String reason, String raw);
    }

    /** Closes the execution's reject file and returns it, for the summary at the end of a job. */
    public RejectFile release(long jobExecutionId) {
        RejectFile file = forExecution(jobExecutionId);
        open.remove(jobExecutionId);
        file.close();
        return file;
    }
}
