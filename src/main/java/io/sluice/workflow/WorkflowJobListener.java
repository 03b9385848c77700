package io.sluice.workflow;

import io.sluice.batch.RejectFile;
import io.sluice.batch.RejectFiles;
import io.sluice.batch.WriteCounts;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;

/**
 * Ends a workflow execution with what it rejected: its reject file closed, the count and the file in
 * the exit description, and the exit code {@code COMPLETED_WITH_REJECTS} when a completed run
 * rejected rows (so that {@code --fail-on-rejects} exits 3). Counts this execution's steps (a
 * restarted step's count includes its earlier attempt's).
 */
final class WorkflowJobListener implements JobExecutionListener {

    static final String COMPLETED_WITH_REJECTS = "COMPLETED_WITH_REJECTS";

    private final RejectFiles rejectFiles;

    WorkflowJobListener(RejectFiles rejectFiles) {
        this.rejectFiles = rejectFiles;
    }

    @Override
    public void afterJob(JobExecution execution) {
        long rejected = WriteCounts.rejectedIn(execution);
        RejectFile file = rejectFiles.release(execution.getId());
        if (rejected == 0) {
            return;
        }
        String summary = rejected + " row" + (rejected == 1 ? "" : "s") + " rejected (see " + file.path() + ")";
        if (execution.getStatus() == BatchStatus.COMPLETED) {
            execution.setExitStatus(new ExitStatus(COMPLETED_WITH_REJECTS, summary));
        } else {
            execution.setExitStatus(execution.getExitStatus().addExitDescription(summary));
        }
    }
}
