package io.sluice.workflow;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamSupport;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;

/**
 * The rows in and out of each node of one segment's step: counted as the rows pass, kept in the step's
 * execution context with each chunk (so a restart counts on from its last commit), and written to
 * {@code workflow_node_executions} when the step ends, one row a node, whatever its end.
 *
 * <p>A source has no rows in (null); its rows out are the records it gave, rejects left out. A row-wise
 * node counts the rows it was given and those it put out; an export's rows out are the rows written; a
 * blocking node's rows out are those it made (its groups, its sorted rows).
 */
final class NodeRows extends ItemStreamSupport implements StepExecutionListener {

    private static final String INSERT = """
            INSERT INTO workflow_node_executions
              (step_execution_id, node_id, position, job_execution_id, workflow_id, status, rows_in, rows_out, execution_time_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """;

    private final List<String> nodeIds;
    private final boolean fromSource;
    private final boolean restartable;
    private final JdbcTemplate jdbc;
    private final String workflowId;
    /** Rows in and out, by the node's position in {@code nodeIds}; a source's rows in stay -1 (none). */
    private final long[] in;
    private final long[] out;
    private LocalDateTime started;

    /**
     * @param nodeIds    the segment's nodes in order: its source (when {@code fromSource}), its row-wise nodes,
     *                   then its export or blocking node if it ends in one
     * @param restartable whether a restart goes on from the step's last commit (else it counts from 0 again)
     * @param workflowId  the stored workflow's id, or null for a file's run
     */
    NodeRows(String name, List<String> nodeIds, boolean fromSource, boolean restartable, JdbcTemplate jdbc, String workflowId) {
        this.restartable = restartable;
        setName(name);
        this.nodeIds = List.copyOf(nodeIds);
        this.fromSource = fromSource;
        this.jdbc = jdbc;
        this.workflowId = workflowId;
        this.in = new long[nodeIds.size()];
        this.out = new long[nodeIds.size()];
    }

    /** The position in {@link #in}/{@link #out} of the segment's first row-wise node. */
    int firstOperation() {
        return fromSource ? 1 : 0;
    }

    /** A row the source gave (or the row file the segment reads). */
    void sourceRow() {
        if (fromSource) {
            out[0]++;
        }
    }

    /** A row into the node at {@code position}. */
    void in(int position) {
        in[position]++;
    }

    /** A row out of the node at {@code position}. */
    void out(int position) {
        out[position]++;
    }

    /** A row into the segment's last node (an export or a blocking node); an export writes it out. */
    void intoLast(boolean written) {
        in[in.length - 1]++;
        if (written) {
            out[out.length - 1]++;
        }
    }

    /** The rows a blocking node at the end made. */
    void madeByLast(long rows) {
        out[out.length - 1] = rows;
    }

    @Override
    public void open(ExecutionContext context) {
        if (!restartable) {
            return;
        }
        for (int i = 0; i < nodeIds.size(); i++) {
            in[i] = context.getLong(getExecutionContextKey(i + ".in"), 0L);
            out[i] = context.getLong(getExecutionContextKey(i + ".out"), 0L);
        }
    }

    @Override
    public void update(ExecutionContext context) {
        for (int i = 0; i < nodeIds.size(); i++) {
            context.putLong(getExecutionContextKey(i + ".in"), in[i]);
            context.putLong(getExecutionContextKey(i + ".out"), out[i]);
        }
    }

    @Override
    public void beforeStep(StepExecution step) {
        started = LocalDateTime.now();
    }

    @Override
    public ExitStatus afterStep(StepExecution step) {
        boolean completed = step.getStatus() == BatchStatus.COMPLETED
                && !ExitStatus.FAILED.getExitCode().equals(step.getExitStatus().getExitCode());
        long ms = Duration.between(started == null ? LocalDateTime.now() : started, LocalDateTime.now()).toMillis();
        for (int i = 0; i < nodeIds.size(); i++) {
            Long rowsIn = fromSource && i == 0 ? null : in[i];
            jdbc.update(INSERT, step.getId(), nodeIds.get(i), i, step.getJobExecutionId(), workflowId,
                    completed ? "completed" : "failed", rowsIn, out[i], ms);
        }
        return step.getExitStatus();
    }
}
