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

    ExecutionProcesses(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Owner(String host, long pid) {

        /** True only when the owner ran on this host and no such process lives now. */
        boolean provablyGone() {
            return host.equals(hostName()) && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        }
    }

    @Override
    public void beforeJob(JobExecution jobExecution) {
        jdbc.sql(INSERT)
                .param("id", jobExecution.getId())
                .param("host", hostName())
                .param("pid", ProcessHandle.current().pid())
                .param("started", OffsetDateTime.now(ZoneOffset.UTC))
                .update();
    }

    Optional<Owner> ownerOf(long jobExecutionId) {
        return jdbc.sql(SELECT).param("id", jobExecutionId)
                .query((rs, row) -> new Owner(rs.getString("host"), rs.getLong("pid")))
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
