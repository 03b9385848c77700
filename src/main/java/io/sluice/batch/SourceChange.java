package io.sluice.batch;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.batch.core.scope.context.StepContext;
import org.springframework.batch.core.scope.context.StepSynchronizationManager;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * What a restartable reader does when its source changed since the last committed chunk (the file
 * was rewritten, the folder gained or lost entries before the saved position): it reads the source
 * again from the start, which is safe as every load is idempotent (what already landed comes out
 * unchanged), and says so in one line. The step's counts start over with it, so that they describe
 * the whole source once; the line goes to the step's exit description and the log, and is kept in
 * the step's context for the job's summary ({@link #notices}).
 */
public final class SourceChange {

    private static final Log log = LogFactory.getLog(SourceChange.class);
    /** Spring Batch's count of reads to skip after a restart in the middle of a chunk scan. */
    private static final String CHUNK_SCAN_OFFSET = "batch.chunkScanOffset";
    private static final String NOTICE = "sluice.source-changed";
    /** The job execution that gave the notice: a restart inherits the context, not the notice. */
    private static final String NOTICE_EXECUTION = "sluice.source-changed.execution";

    private SourceChange() {
    }

    /**
     * Called from a reader's {@code open}: forgets the step's counts and Spring Batch's scan offset
     * in {@code context}, and records the notice {@code "<source> changed since the last commit: read again from the start"}.
     *
     * @param source the file or folder, as the user knows it (relative to the store)
     */
    public static void readAgainFromTheStart(ExecutionContext context, String source) {
        String notice = source + " changed since the last commit: read again from the start (what already landed comes out unchanged)";
        WriteCounts.reset(context);
        context.remove(CHUNK_SCAN_OFFSET);
        context.putString(NOTICE, notice);
        log.info(notice); // the user reads it in the summary and the step's exit description
        StepContext step = StepSynchronizationManager.getContext();
        if (step != null) {
            StepExecution execution = step.getStepExecution();
            context.putLong(NOTICE_EXECUTION, execution.getJobExecutionId());
            execution.setExitStatus(execution.getExitStatus().addExitDescription(notice));
        }
    }

    /** The notices these steps gave in their own job execution, one line each (partitions of a step give the same one). */
    public static List<String> notices(Iterable<StepExecution> steps) {
        List<String> notices = new ArrayList<>();
        for (StepExecution step : steps) {
            ExecutionContext context = step.getExecutionContext();
            String notice = context.getString(NOTICE, null);
            if (notice != null && context.getLong(NOTICE_EXECUTION, -1L) == step.getJobExecutionId() && !notices.contains(notice)) {
                notices.add(notice);
            }
        }
        return notices;
    }
}
