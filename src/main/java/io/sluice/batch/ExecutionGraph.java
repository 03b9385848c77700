package io.sluice.batch;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;

/**
 * The graph of nodes and edges a job execution runs, for a family whose jobs are DAGs (a workflow): which
 * step runs each node, so that a channel can show each node's status from its step's. Kept as JSON in the
 * job execution context under {@value #KEY}, written as the execution starts.
 *
 * @param nodes the nodes, in the order of their definition
 * @param edges the edges between them, by node id (ReactFlow's {@code source} and {@code target})
 */
public record ExecutionGraph(List<Node> nodes, List<Edge> edges) {

    private static final String KEY = "sluice.graph";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * One node.
     *
     * @param type the node's type as its file names it ({@code data_source}, {@code filter})
     * @param step the name of the step that runs it ({@code workflow.s+f}), or null when no step does
     */
    public record Node(String id, String type, String step) {
    }

    /** One edge, from the node {@code source} to the node {@code target}. */
    public record Edge(String source, String target) {
    }

    /** A job listener that records this graph in the execution's context as it starts. */
    public JobExecutionListener recorder(JobRepository jobRepository) {
        String json = JSON.writeValueAsString(this);
        return new JobExecutionListener() {
            @Override
            public void beforeJob(JobExecution execution) {
                execution.getExecutionContext().putString(KEY, json);
                jobRepository.updateExecutionContext(execution);
            }
        };
    }

    /** The graph recorded in a job execution's context, or null when its job recorded none. */
    public static ExecutionGraph of(ExecutionContext context) {
        return context.containsKey(KEY) ? JSON.readValue(context.getString(KEY), ExecutionGraph.class) : null;
    }
}
