package io.sluice.workflow;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamSupport;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Finishes what a segment's step makes (a blocking node's row file, a row file put in place, an export
 * published, an analysis result stored) once its input has ended, in the step's last chunk, before the
 * chunk commits: Spring Batch 6 records a step COMPLETED before it calls its {@code afterStep} listeners,
 * so work done there would be lost to a process killed in between, and the restart would skip the step
 * as complete while its output is missing. A finisher that fails fails the chunk, so the step is not
 * complete and a restart runs it again. When the input end was not seen in a chunk (the step ended
 * otherwise), the finishers run in {@code afterStep} of a step that completed, as before.
 */
final class InputEnd extends ItemStreamSupport implements StepExecutionListener {

    /** One thing to finish, given the step's execution. */
    @FunctionalInterface
    interface Finisher {

        /** @throws Exception with the words the step's exit description should give, naming the file or table */
        void finish(StepExecution step) throws Exception;
    }

    private final BooleanSupplier inputEnded;
    private final List<Finisher> finishers = new ArrayList<>();
    private StepExecution step;
    private boolean finished;

    /** @param inputEnded whether the segment's reader has read its last record */
    InputEnd(String name, BooleanSupplier inputEnded) {
        setName(name);
        this.inputEnded = inputEnded;
    }

    /** Adds a finisher; they run in the order added. */
    InputEnd then(Finisher finisher) {
        finishers.add(finisher);
        return this;
    }

    @Override
    public void beforeStep(StepExecution stepExecution) {
        step = stepExecution;
        finished = false;
    }

    /** Runs the finishers in the chunk that read the input's end, before it commits. */
    @Override
    public void update(ExecutionContext context) {
        if (finished || step == null || !inputEnded.getAsBoolean()) {
            return;
        }
        try {
            finishAll();
        } catch (Exception e) {
            throw new ItemStreamException(e.getMessage(), e);
        }
    }

    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        if (finished || stepExecution.getStatus() == BatchStatus.FAILED
                || !ExitStatus.COMPLETED.getExitCode().equals(stepExecution.getExitStatus().getExitCode())) {
            return stepExecution.getExitStatus();
        }
        try {
            finishAll();
            return stepExecution.getExitStatus();
        } catch (Exception e) {
            // Spring Batch only logs what an afterStep throws: the step must be failed here
            stepExecution.setStatus(BatchStatus.FAILED);
            return ExitStatus.FAILED.addExitDescription(e.getMessage());
        }
    }

    private void finishAll() throws Exception {
        finished = true; // once, whether it works or not: a failed one fails the step
        for (Finisher finisher : finishers) {
            finisher.finish(step);
        }
    }
}
