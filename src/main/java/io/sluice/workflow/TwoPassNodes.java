package io.sluice.workflow;

import io.sluice.workflow.WorkflowDefinition.Node;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * Where the planner finds the nodes that need a first pass over their input (fill with a mean, median
 * or mode; normalize; equal-width binning; limit; sample), and binning by given edges, which is
 * row-wise. The node types and operations, in both of Data Wrangler's vocabularies (a node type, or
 * {@code data_transformation}/{@code transform} with {@code transformation_type}/{@code operation}):
 * <ul>
 *   <li>{@code normalize} (also {@code normalise}, {@code normalization}, {@code scale}): {@link Normalize}</li>
 *   <li>{@code binning} (also {@code bin}, {@code cut}, {@code discretize}): {@link Binning}</li>
 *   <li>{@code limit} (also {@code head}, {@code top_n}), and {@code filter_rows} with {@code filter_type: top_n}: {@link Limit}</li>
 *   <li>{@code sample} (also {@code random_sample}), and {@code filter_rows} with {@code filter_type: random_sample}: {@link Sample}</li>
 *   <li>{@code handle_missing} (also {@code missing_values}, {@code fill_missing}, {@code fillna}) with a mean,
 *       median or mode strategy: {@link FillMissing}</li>
 * </ul>
 */
final class TwoPassNodes {

    private TwoPassNodes() {
    }

    /**
     * What {@code node} is to the planner when it is one of these nodes: {@link WorkflowPlan.Kind#BLOCKING},
     * or {@link WorkflowPlan.Kind#ROW} for binning by given edges; null when it is none of them (the planner
     * goes on with its own types).
     */
    static WorkflowPlan.Kind kind(Node node) {
        return switch (operation(node)) {
            case "normalize", "normalise", "normalization", "normalisation", "scale" -> WorkflowPlan.Kind.BLOCKING;
            case "binning", "bin", "cut", "discretize" -> Binning.needsFirstPass(node) ? WorkflowPlan.Kind.BLOCKING : WorkflowPlan.Kind.ROW;
            case "limit", "head", "top_n", "sample", "random_sample" -> WorkflowPlan.Kind.BLOCKING;
            case "filter", "filter_rows" -> filterType(node).equals("top_n") || filterType(node).equals("random_sample") ? WorkflowPlan.Kind.BLOCKING : null;
            case "handle_missing", "missing_values", "fill_missing", "fillna" -> FillMissing.needsFirstPass(node) ? WorkflowPlan.Kind.BLOCKING : null;
            default -> null;
        };
    }

    /**
     * The blocking node for a node that {@link #kind} calls {@code BLOCKING}.
     *
     * @param input the schema of its input
     * @return null (problems noted on {@code settings}) when its settings do not describe a node this input can run
     */
    static BlockingNode blockingNode(Settings settings, Schema input) {
        Node node = settings.node();
        return switch (operation(node)) {
            case "normalize", "normalise", "normalization", "normalisation", "scale" -> Normalize.of(settings, input);
            case "binning", "bin", "cut", "discretize" -> Binning.blockingNode(settings, input);
            case "limit", "head" -> Limit.of(settings, input, null);
            case "top_n" -> topN(settings, input);
            case "sample", "random_sample" -> Sample.of(settings, input);
            case "filter", "filter_rows" -> filterType(node).equals("top_n") ? topN(settings, input) : Sample.of(settings, input);
            default -> FillMissing.of(settings, input);
        };
    }

    /**
     * The row operation for a node that {@link #kind} calls {@code ROW} (binning by given edges).
     *
     * @return null (problems noted on {@code settings}) when its settings do not describe a binning this input can run
     */
    static RowOperation rowOperation(Settings settings, Schema input) {
        return Binning.rowOperation(settings, input);
    }

    /** Data Wrangler's top_n: {@code df.head(n)} (n 10 by default); with a {@code sort_column} it sorts first, which a sort node before a limit does. */
    private static BlockingNode topN(Settings settings, Schema input) {
        String sortColumn = settings.text("sort_column");
        if (sortColumn != null && !sortColumn.isBlank()) {
            settings.problem("keeps the top n rows by sort_column " + sortColumn + "; sluice does not sort inside top_n: put a sort node before a limit node");
            return null;
        }
        return Limit.of(settings, input, 10L);
    }

    private static String operation(Node node) {
        String type = node.type() == null ? "" : node.type().toLowerCase(Locale.ROOT);
        if (type.equals("data_transformation") || type.equals("transform") || type.equals("transformation")) {
            Object operation = node.settings().getOrDefault("transformation_type", node.settings().get("operation"));
            return operation == null ? "" : operation.toString().toLowerCase(Locale.ROOT);
        }
        return type;
    }

    private static String filterType(Node node) {
        Object type = node.settings().get("filter_type");
        return type == null ? "" : type.toString().toLowerCase(Locale.ROOT);
    }

    /**
     * A whole-number setting under {@code names} (10 and 10.0 alike).
     *
     * @param fallback its value when none is set; null makes the setting required
     * @return null, with a problem noted naming {@code label}, when it is missing (and required) or not a whole number
     */
    static Long whole(Settings settings, String label, Long fallback, String... names) {
        Object value = settings.value(names);
        if (value == null) {
            if (fallback == null) {
                settings.problem("has no " + label);
            }
            return fallback;
        }
        try {
            return new BigDecimal(value.toString().trim()).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            settings.problem("has " + label + " '" + value + "', not a whole number");
            return null;
        }
    }
}
