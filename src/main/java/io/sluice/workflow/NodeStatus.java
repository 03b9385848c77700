package io.sluice.workflow;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Collection;
import java.util.List;

/**
 * Keeps a stored workflow's rows up to date while it runs: at the start of a first run every node is
 * {@code pending} (on a restart, those that did not complete before); a step's nodes are {@code running}
 * while it runs, then {@code completed} or {@code failed} with the step's time in {@code execution_time_ms}
 * (the nodes of one step run fused, so they share its time); when the job ends, the nodes that did
 * not run are {@code skipped}, and the workflow gets the job's status and the time it ran.
 */
final class NodeStatus {

    private final StoredWorkflows stored;
    private final String workflowId;
    private final Collection<String> nodeIds;

    NodeStatus(StoredWorkflows stored, String workflowId, Collection<String> nodeIds) {
        this.stored = stored;
        this.workflowId = workflowId;
        this.nodeIds = List.copyOf(nodeIds);
    }

    JobExecutionListener jobListener(JobRepository jobRepository) {
        return new JobExecutionListener() {
            @Override
            public void beforeJob(JobExecution execution) {
                boolean restart = jobRepository.getJobExecutions(execution.getJobInstance()).size() > 1;
                if (restart) {
                    for (String nodeId : nodeIds) {
                        stored.markNodesUnlessCompleted(workflowId, nodeId, "pending");
                    }
                } else {
                    stored.markNodes(workflowId, nodeIds, "pending", null);
                }
                stored.markWorkflow(workflowId, "running", Instant.now());
            }

            @Override
            public void afterJob(JobExecution execution) {
                if (execution.getStatus() != BatchStatus.COMPLETED) {
                    stored.skipUnfinished(workflowId);
                }
                stored.markWorkflow(workflowId, switch (execution.getStatus()) {
                    case COMPLETED -> "completed";
                    case STOPPED, STOPPING -> "stopped";
                    default -> "failed";
                }, startOf(execution.getStartTime()));
            }
        };
    }

    StepExecutionListener stepListener() {
        return new StepExecutionListener() {
            @Override
            public void beforeStep(StepExecution step) {
                stored.markNodes(workflowId, nodeIds, "running", null);
            }

            @Override
            public ExitStatus afterStep(StepExecution step) {
                boolean completed = step.getStatus() == BatchStatus.COMPLETED
                        && !ExitStatus.FAILED.getExitCode().equals(step.getExitStatus().getExitCode());
                long ms = step.getStartTime() == null ? 0 : Duration.between(step.getStartTime(), LocalDateTime.now()).toMillis();
                stored.markNodes(workflowId, nodeIds, completed ? "completed" : "failed", ms);
                return step.getExitStatus();
            }
        };
    }

    private static Instant startOf(LocalDateTime start) {
        return start == null ? Instant.now() : start.atZone(ZoneId.systemDefault()).toInstant();
    }
}
