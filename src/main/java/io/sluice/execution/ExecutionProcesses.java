package io.sluice.execution;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records which process runs each execution, so that an execution left STARTED by a process that
 * is gone can be told from one that is still running, and recovered.
 */
@Component
class ExecutionProcesses implements JobExecutionListener {

    private static final String INSERT = """
            INSERT INTO execution_process (job_execution_id, host, pid, started_at) VALUES (:id, :host, :pid, :started)
            """;
    private static final String SELECT = """
            SELECT host, pid FROM execution_process WHERE job_execution_id = :id
            """;

    private final JdbcClient jdbc;
    private final Set<Long> runningHere = ConcurrentHashMap.newKeySet();

    ExecutionProcesses(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * @param stillRunsHere the owner is this process and it still runs the execution
     */
    record Owner(String host, long pid, boolean stillRunsHere) {

        /**
         * True only when the owner ran on this host and no such process lives now, or the owner is
         * this process and it no longer runs the execution (it ended without recording its end).
         */
        boolean provablyGone() {
            if (!host.equals(hostName())) {
                return false;
            }
            if (pid == ProcessHandle.current().pid()) {
                return !stillRunsHere;
            }
            return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        }
    }

    /** This process no longer runs the execution, however it ended. */
    void ended(long jobExecutionId) {
        runningHere.remove(jobExecutionId);
    }

    @Override
    public void beforeJob(JobExecution jobExecution) {
        runningHere.add(jobExecution.getId());
        jdbc.sql(INSERT)
                .param("id", jobExecution.getId())
                .param("host", hostName())
                .param("pid", ProcessHandle.current().pid())
                .param("started", OffsetDateTime.now(ZoneOffset.UTC))
                .update();
    }

    Optional<Owner> ownerOf(long jobExecutionId) {
        return jdbc.sql(SELECT).param("id", jobExecutionId)
                .query((rs, row) -> new Owner(rs.getString("host"), rs.getLong("pid"), runningHere.contains(jobExecutionId)))
                .optional();
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
