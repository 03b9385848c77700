package io.sluice.runner;

import io.sluice.monitoring.ErrorLines;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * How a finished execution is told to the user (its outcome, then its exit description, a stack
 * trace in it given as its root cause), and the exit code it gives the process.
 */
final class JobOutcome {

    static final String COMPLETED_WITH_REJECTS = "COMPLETED_WITH_REJECTS";

    private JobOutcome() {
    }

    static int report(JobExecution execution, boolean failOnRejects, PrintStream out) {
        Duration took = execution.getStartTime() == null || execution.getEndTime() == null ? Duration.ZERO
                : Duration.between(execution.getStartTime(), execution.getEndTime());
        out.printf("Execution %d of %s: %s (exit %s) in %.1fs%n", execution.getId(), execution.getJobInstance().getJobName(),
                execution.getStatus(), execution.getExitStatus().getExitCode(), took.toMillis() / 1000.0);
        ErrorLines.readable(execution.getExitStatus().getExitDescription()).stream().limit(6).forEach(line -> out.println("  " + line));
        if (execution.getStatus() != BatchStatus.COMPLETED) {
            failures(execution).stream().limit(3).forEach(line -> out.println("  " + line));
            out.printf("  Restart it with: sluice restart %d  (details: sluice show %d%s)%n", execution.getId(), execution.getId(),
                    BootContext.logFile().map(file -> ", and the log " + file).orElse(""));
        }
        return exitCode(execution, failOnRejects).code();
    }

    /**
     * Why the steps that failed did, each as its root cause ({@code failed in migrate.load-runs:
     * PSQLException: ...}); a partitioned step whose partitions tell their own is left out.
     */
    private static List<String> failures(JobExecution execution) {
        List<StepExecution> steps = List.copyOf(execution.getStepExecutions());
        return steps.stream()
                .filter(step -> ErrorLines.hasTrace(step.getExitStatus().getExitDescription()))
                .filter(step -> steps.stream().noneMatch(partition -> partition.getStepName().startsWith(step.getStepName() + ":")
                        && ErrorLines.hasTrace(partition.getExitStatus().getExitDescription())))
                .map(step -> "failed in " + step.getStepName() + ": " + ErrorLines.rootCause(step.getExitStatus().getExitDescription()))
                .toList();
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
