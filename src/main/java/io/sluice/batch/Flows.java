package io.sluice.batch;

import org.springframework.batch.core.job.flow.Flow;
import org.springframework.batch.core.job.flow.FlowHolder;
import org.springframework.batch.core.job.flow.State;
import org.springframework.beans.factory.InitializingBean;

/**
 * Flows a job can list the steps of before it runs. Spring Batch's {@code SimpleFlow} fills its states
 * only when it first starts, so a job built on nested flows ({@code JobBuilder.start(flow)}, splits)
 * lists none of their steps until then, and whoever walks a new job's steps (metrics) would miss
 * them.
 */
public final class Flows {

    private Flows() {
    }

    /**
     * Fills {@code flow}'s states now, and those of the flows within it (splits, nested flows).
     *
     * @return {@code flow}, for chaining
     * @throws IllegalStateException when a flow's transitions are wrong (Spring Batch's own check)
     */
    public static <F extends Flow> F listable(F flow) {
        if (flow instanceof InitializingBean initializing) {
            try {
                initializing.afterPropertiesSet(); // SimpleFlow: initialises its transitions once
            } catch (Exception e) {
                throw new IllegalStateException("flow " + flow.getName() + ": " + e.getMessage(), e);
            }
        }
        for (State state : flow.getStates()) {
            if (state instanceof FlowHolder holder) {
                holder.getFlows().forEach(Flows::listable);
            }
        }
        return flow;
    }
}
