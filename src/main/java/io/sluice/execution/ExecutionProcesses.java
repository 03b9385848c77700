package io.sluice.execution;

import io.sluice.persistence.DatabaseOutage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Records which process runs each execution, so that an execution left STARTED by a process that
 * is gone can be told from one that is still running, and recovered. On the process's own host
 * that is its process id; from another host, its heartbeat: every {@link #BEAT} the process stamps
 * the executions it runs with the database's clock ({@code execution_process.heartbeat_at}), and
 * one whose stamp is older than {@link #stale()} (the outage timeout and a minute more: a process
 * riding out a database outage cannot beat) is taken as gone. Clocks of different hosts are never
 * compared: both the stamp and its age are the database's.
 */
@Component
class ExecutionProcesses implements JobExecutionListener, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ExecutionProcesses.class);

    /** How often a process stamps the executions it runs. */
    static final Duration BEAT = Duration.ofSeconds(10);

    private static final String INSERT = """
            INSERT INTO execution_process (job_execution_id, host, pid, started_at, heartbeat_at)
            VALUES (:id, :host, :pid, :started, CURRENT_TIMESTAMP)
            """;
    private static final String SELECT = """
            SELECT host, pid, heartbeat_at, CURRENT_TIMESTAMP AS now FROM execution_process WHERE job_execution_id = :id
            """;
    private static final String BEAT_SQL = """
            UPDATE execution_process SET heartbeat_at = CURRENT_TIMESTAMP WHERE job_execution_id IN (:ids) AND host = :host AND pid = :pid
            """;
    /** How many heartbeats in a row may fail before the process says so: after about this many, others take it for gone. */
    private static final int QUIET_FAILURES = 3;

    private final JdbcClient jdbc;
    private final Duration stale;
    private final Set<Long> runningHere = ConcurrentHashMap.newKeySet();
    private volatile ScheduledExecutorService heart;
    private int failedBeats;

    ExecutionProcesses(JdbcClient jdbc, DatabaseOutage outage) {
        this.jdbc = jdbc;
        this.stale = outage.timeout().plusMinutes(1);
    }

    /**
     * @param host           the host it ran on
     * @param pid            its process id there
     * @param sinceHeartbeat how long ago (on the database's clock) it last stamped the execution; null when it never did
     * @param stale          how old a stamp is when its process is taken as gone
     * @param stillRunsHere  the owner is this process and it still runs the execution
     */
    record Owner(String host, long pid, Duration sinceHeartbeat, Duration stale, boolean stillRunsHere) {

        /**
         * True when the owner ran on this host and no such process lives now, or the owner is this process and it
         * no longer runs the execution (it ended without recording its end), or the owner ran on another host and
         * has not stamped the execution for longer than {@code stale}.
         */
        boolean gone() {
            if (!host.equals(hostName())) {
                return sinceHeartbeat != null && sinceHeartbeat.compareTo(stale) > 0;
            }
            if (pid == ProcessHandle.current().pid()) {
                return !stillRunsHere;
            }
            return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        }
    }

    /** How old a heartbeat is when its process is taken as gone. */
    Duration stale() {
        return stale;
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
        startBeating();
    }

    Optional<Owner> ownerOf(long jobExecutionId) {
        return jdbc.sql(SELECT).param("id", jobExecutionId)
                .query((rs, row) -> {
                    Timestamp beat = rs.getTimestamp("heartbeat_at");
                    Duration since = beat == null ? null : Duration.between(beat.toInstant(), rs.getTimestamp("now").toInstant());
                    return new Owner(rs.getString("host"), rs.getLong("pid"), since, stale, runningHere.contains(jobExecutionId));
                })
                .optional();
    }

    /** Stamps the executions this process runs every {@link #BEAT}, on a daemon thread started with the first job. */
    private void startBeating() {
        if (heart != null) {
            return;
        }
        synchronized (this) {
            if (heart == null) {
                ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(runnable -> {
                    Thread beating = new Thread(runnable, "sluice-heartbeat");
                    beating.setDaemon(true);
                    return beating;
                });
                beats.scheduleWithFixedDelay(this::beat, BEAT.toMillis(), BEAT.toMillis(), TimeUnit.MILLISECONDS);
                heart = beats;
            }
        }
    }

    private void beat() {
        List<Long> ids = List.copyOf(runningHere);
        if (ids.isEmpty()) {
            return;
        }
        try {
            jdbc.sql(BEAT_SQL).param("ids", ids).param("host", hostName()).param("pid", ProcessHandle.current().pid()).update();
            failedBeats = 0;
        } catch (RuntimeException e) {
            failedBeats++;
            if (failedBeats == QUIET_FAILURES) {
                log.warn("the heartbeat of executions {} has not been recorded for {} s ({}); past {} s a serve on another host"
                        + " takes them for orphans and recovers them", ids, QUIET_FAILURES * BEAT.toSeconds(), e.getMessage(), stale.toSeconds());
            } else {
                log.debug("heartbeat not recorded: {}", e.getMessage());
            }
        }
    }

    /** Stops the heartbeat with the context. */
    @Override
    public void destroy() {
        if (heart != null) {
            heart.shutdownNow();
        }
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
