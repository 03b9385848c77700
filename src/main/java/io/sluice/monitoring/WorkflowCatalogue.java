package io.sluice.monitoring;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stored workflows as {@code sluice workflow list} and {@code show} print them, read from Data
 * Wrangler's own tables over plain JDBC (no Spring context): each workflow's id, name, node count,
 * last status and run; one workflow's nodes with their type, status and time, and its edges.
 */
public final class WorkflowCatalogue {

    private static final String RUNS = """
            SELECT e.JOB_EXECUTION_ID, e.STATUS, e.START_TIME, e.END_TIME
            FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_INSTANCE i ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID
            WHERE i.JOB_NAME = 'workflow' AND EXISTS (SELECT 1 FROM BATCH_JOB_EXECUTION_PARAMS p
              WHERE p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND p.PARAMETER_NAME = 'id' AND p.PARAMETER_VALUE = ?)
            ORDER BY e.JOB_EXECUTION_ID DESC
            """;
    private static final String NODE_RUNS = """
            SELECT n.job_execution_id, n.node_id, n.status, n.rows_in, n.rows_out, n.execution_time_ms
            FROM workflow_node_executions n
            WHERE n.workflow_id = ?
            ORDER BY n.job_execution_id, n.step_execution_id, n.position
            """;

    private final Connection connection;

    /** @param connection a connection to the sluice database (read only is enough) */
    public WorkflowCatalogue(Connection connection) {
        this.connection = connection;
    }

    /** One workflow in the list. */
    public record Summary(String id, String name, long nodes, String status, Timestamp lastRunAt) {
    }

    /** One node of a workflow: its type as stored, the last run's status and time (ms, null when it has not run). */
    public record NodeRow(String id, String type, String status, Long executionTimeMs) {
    }

    /** One edge, its handles as stored (null means the default port). */
    public record EdgeRow(String id, String source, String sourceHandle, String target, String targetHandle) {
    }

    /** One execution of a stored workflow, newest first, with what each node did in it (none for a node that did not run). */
    public record Run(long executionId, String status, Timestamp started, Timestamp ended, List<NodeRun> nodes) {
    }

    /** What one node did in one step of an execution: rows in (null for a source) and out, its step's time in ms. */
    public record NodeRun(String nodeId, String status, Long rowsIn, long rowsOut, long executionTimeMs) {
    }

    /** The executions of stored workflow {@code id}, newest first, each with its nodes' runs. */
    public List<Run> history(String id) throws SQLException {
        Map<Long, List<NodeRun>> nodes = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(NODE_RUNS)) {
            statement.setString(1, id);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    long rowsIn = rs.getLong("rows_in");
                    Long in = rs.wasNull() ? null : rowsIn;
                    nodes.computeIfAbsent(rs.getLong("job_execution_id"), execution -> new ArrayList<>()).add(new NodeRun(rs.getString("node_id"),
                            rs.getString("status"), in, rs.getLong("rows_out"), rs.getLong("execution_time_ms")));
                }
            }
        }
        List<Run> runs = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(RUNS)) {
            statement.setString(1, id);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    long execution = rs.getLong("JOB_EXECUTION_ID");
                    runs.add(new Run(execution, rs.getString("STATUS"), rs.getTimestamp("START_TIME"), rs.getTimestamp("END_TIME"),
                            nodes.getOrDefault(execution, List.of())));
                }
            }
        }
        return runs;
    }

    /** The history as text: a line per execution (id, status, start, duration), then a table of its nodes. */
    public static void printHistory(String id, List<Run> runs, PrintStream out) {
        if (runs.isEmpty()) {
            out.println("Workflow " + id + " has not run yet: sluice workflow run " + id);
            return;
        }
        for (Run run : runs) {
            String duration = run.started() == null || run.ended() == null ? ""
                    : ", " + java.time.Duration.between(run.started().toInstant(), run.ended().toInstant()).toMillis() + " ms";
            out.println("Execution " + run.executionId() + ": " + run.status()
                    + (run.started() == null ? "" : ", started " + RepositoryTimes.textWithZone(RepositoryTimes.of(run.started()))) + duration);
            if (run.nodes().isEmpty()) {
                out.println("  (no node ran)");
                continue;
            }
            TextTable nodes = new TextTable("  ", "NODE", "STATUS", "ROWS IN>", "ROWS OUT>", "TIME (ms)>");
            for (NodeRun node : run.nodes()) {
                nodes.row(node.nodeId(), node.status(), node.rowsIn() == null ? "" : node.rowsIn(), node.rowsOut(), node.executionTimeMs());
            }
            nodes.print(out);
        }
    }

    /** Every stored workflow, by name then id. */
    public List<Summary> list() throws SQLException {
        List<Summary> workflows = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT w.id, w.name, w.status, w.last_run_at, (SELECT count(*) FROM workflow_nodes n WHERE n.workflow_id = w.id) AS nodes
                FROM workflows w ORDER BY w.name, w.id
                """); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                workflows.add(new Summary(rs.getString("id"), rs.getString("name"), rs.getLong("nodes"), rs.getString("status"),
                        rs.getTimestamp("last_run_at")));
            }
        }
        return workflows;
    }

    /** The workflow's summary, nodes and edges; empty when no workflow has that id. */
    public Optional<Map<String, Object>> find(String id) throws SQLException {
        Summary summary = list().stream().filter(workflow -> workflow.id().equals(id)).findFirst().orElse(null);
        if (summary == null) {
            return Optional.empty();
        }
        List<NodeRow> nodes = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT id, type, status, execution_time_ms FROM workflow_nodes WHERE workflow_id = ? ORDER BY position_x, position_y, id")) {
            statement.setString(1, id);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    long ms = rs.getLong("execution_time_ms");
                    nodes.add(new NodeRow(rs.getString("id"), rs.getString("type"), rs.getString("status"), rs.wasNull() ? null : ms));
                }
            }
        }
        List<EdgeRow> edges = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT id, source, source_handle, target, target_handle FROM workflow_edges WHERE workflow_id = ? ORDER BY id")) {
            statement.setString(1, id);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    edges.add(new EdgeRow(rs.getString("id"), rs.getString("source"), rs.getString("source_handle"), rs.getString("target"),
                            rs.getString("target_handle")));
                }
            }
        }
        Map<String, Object> workflow = new LinkedHashMap<>();
        workflow.put("summary", summary);
        workflow.put("nodes", nodes);
        workflow.put("edges", edges);
        return Optional.of(workflow);
    }

    /** The list as a table: id, name, nodes, status, last run (in this machine's zone). */
    public static void printList(List<Summary> workflows, PrintStream out) {
        if (workflows.isEmpty()) {
            out.println("No workflows stored. Migrate a Data Wrangler store (sluice migrate PATH), or run a file: sluice workflow run --file FILE");
            return;
        }
        TextTable table = new TextTable("", "ID", "NAME", "NODES>", "STATUS", "LAST RUN (" + RepositoryTimes.zoneName() + ")");
        for (Summary workflow : workflows) {
            table.row(workflow.id(), workflow.name(), workflow.nodes(), workflow.status() == null ? "never run" : workflow.status(),
                    workflow.lastRunAt() == null ? "" : RepositoryTimes.text(RepositoryTimes.of(workflow.lastRunAt())));
        }
        table.print(out);
    }

    /** One workflow: its summary line, then its nodes and its edges. */
    @SuppressWarnings("unchecked")
    public static void printWorkflow(Map<String, Object> workflow, PrintStream out) {
        Summary summary = (Summary) workflow.get("summary");
        out.println("Workflow " + summary.id() + ": " + summary.name() + ", " + (summary.status() == null ? "never run"
                : summary.status() + " (last run " + RepositoryTimes.textWithZone(RepositoryTimes.of(summary.lastRunAt())) + ")"));
        TextTable nodes = new TextTable("  ", "NODE", "TYPE", "STATUS", "TIME (ms)>");
        for (NodeRow node : (List<NodeRow>) workflow.get("nodes")) {
            nodes.row(node.id(), node.type(), node.status() == null ? "" : node.status(), node.executionTimeMs());
        }
        nodes.print(out);
        TextTable edges = new TextTable("  ", "EDGE", "FROM", "TO");
        for (EdgeRow edge : (List<EdgeRow>) workflow.get("edges")) {
            edges.row(edge.id(), edge.source() + (edge.sourceHandle() == null ? "" : ":" + edge.sourceHandle()),
                    edge.target() + (edge.targetHandle() == null ? "" : ":" + edge.targetHandle()));
        }
        edges.print(out);
    }
}
