package io.sluice.workflow;

import java.util.Map;

/**
 * A node whose run leaves a result in {@code analysis_results} (column statistics, a correlation
 * matrix, k-means' centroids, a visualization's Vega-Lite specification): after its step completed
 * the node's blocking work ({@link BlockingNode#finish}), {@link AnalysisResults} stores
 * {@link #result()} as the row's {@code result} JSON under {@link #analysisType()}.
 */
interface Analysis {

    /** The row's {@code analysis_type}: Data Wrangler's name ({@code statistical}, {@code correlation}, {@code clustering}, {@code visualization}). */
    String analysisType();

    /**
     * The result as a JSON tree (maps with text keys, lists, texts, numbers, booleans, nulls; never a
     * NaN or an infinity, which JSON cannot hold: those are null).
     *
     * @throws IllegalStateException before {@link BlockingNode#finish} ran
     */
    Map<String, Object> result();

    /** A double for a JSON result: null for NaN and the infinities (pandas' {@code to_json} writes them as null). */
    static Double json(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
