package io.sluice.runner;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import java.io.PrintStream;
import java.time.Duration;

/** How a finished execution is told to the user, and the exit code it gives the process. */
final class JobOutcome {

    static final String COMPLETED_WITH_REJECTS = "COMPLETED_WITH_REJECTS";

    private JobOutcome() {
    }

    static int report(JobExecution execution, boolean failOnRejects, PrintStream out) {
        Duration took = execution.getStartTime() == null || execution.getEndTime() == null ? Duration.ZERO
                : Duration.between(execution.getStartTime(), execution.getEndTime());
        out.printf("Execution %d of %s: %s (exit %s) in %.1fs%n", execution.getId(), execution.getJobInstance().getJobName(),
                execution.getStatus(), execution.getExitStatus().getExitCode(), took.toMillis() / 1000.0);
        String description = execution.getExitStatus().getExitDescription();
        if (description != null && !description.isBlank()) {
            description.lines().limit(6).forEach(line -> out.println("  " + line));
        }
        if (execution.getStatus() != BatchStatus.COMPLETED) {
            out.printf("  Restart it with: sluice restart %d  (details: sluice show %d%s)%n", execution.getId(), execution.getId(),
                    BootContext.logFile().map(file -> ", and the log " + file).orElse(""));
        }
        return exitCode(execution, failOnRejects).code();
    }

    /**
     * A completed job exits 0 even when records were rejected (its summary says how many, and the
     * data that could land did); scripts that must treat rejects as an error pass {@code --fail-on-rejects}.
     */
    static ExitCode exitCode(JobExecution execution, boolean failOnRejects) {
        if (execution.getStatus() != BatchStatus.COMPLETED) {
            return ExitCode.FAILED;
        }
        boolean rejected = COMPLETED_WITH_REJECTS.equals(execution.getExitStatus().getExitCode());
        return rejected && failOnRejects ? ExitCode.COMPLETED_WITH_REJECTS : ExitCode.SUCCESS;
    }
}
