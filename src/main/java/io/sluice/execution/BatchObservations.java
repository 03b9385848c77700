package io.sluice.execution;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.batch.core.job.AbstractJob;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.step.AbstractStep;
import org.springframework.batch.core.step.ListableStepLocator;
import org.springframework.batch.core.step.Step;

/**
 * Gives a job built for one launch, and every step in it, the observation registry that Spring Batch
 * records its metrics through: {@code spring.batch.job} and {@code spring.batch.job.active} for the
 * job, {@code spring.batch.step} and {@code spring.batch.step.active} for each step (partitions
 * included), {@code spring.batch.chunk.write} for each chunk (Spring Batch reference, "Micrometer
 * support"). The families build their jobs per launch, not as beans, so Spring Batch's
 * {@code BatchObservabilityBeanPostProcessor} (which Boot registers) never sees them; the per-item
 * observations are turned off in {@code application.yml}.
 */
final class BatchObservations {

    private BatchObservations() {
    }

    /** Sets {@code registry} on {@code job} and on every step it can locate, recursively. */
    static void instrument(Job job, ObservationRegistry registry) {
        if (job instanceof AbstractJob abstractJob) {
            abstractJob.setObservationRegistry(registry);
        }
        if (job instanceof ListableStepLocator steps) {
            instrumentSteps(steps, registry);
        }
    }

    private static void instrumentSteps(ListableStepLocator steps, ObservationRegistry registry) {
        for (String name : steps.getStepNames()) {
            Step step = steps.getStep(name);
            if (step instanceof AbstractStep abstractStep) {
                abstractStep.setObservationRegistry(registry);
            }
            if (step instanceof ListableStepLocator inner && inner != steps) {
                instrumentSteps(inner, registry); // a partitioned step's partitions (io.sluice.batch.PartitionedStep)
            }
        }
    }
}
