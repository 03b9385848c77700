package io.sluice.batch;

import org.springframework.batch.core.partition.PartitionStep;
import org.springframework.batch.core.partition.support.SimpleStepExecutionSplitter;
import org.springframework.batch.core.partition.support.TaskExecutorPartitionHandler;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.ListableStepLocator;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.function.BiFunction;

/**
 * A step whose records are split into {@link Partition}s loaded side by side, each by a step of its
 * own on a thread of its own, with its own chunks, counts and restart state: on PostgreSQL each
 * partition also has a connection, so the database works on several chunks at once while the
 * partitions parse. The partitions' step executions are named {@code <step>:part-1-of-2} and so on;
 * a restart runs each from its last committed chunk, and runs again the partitions that had
 * completed, from where they ended: their readers then read nothing, unless the source changed since,
 * when they read it again from the start ({@link SourceChange}). The manager step lists its worker steps
 * ({@link ListableStepLocator}), so that whoever instruments a job reaches them too.
 */
public final class PartitionedStep {

    private PartitionedStep() {
    }

    /**
     * @param count  how many partitions; 1 runs the worker alone, still as a partition
     * @param worker builds the step that loads one partition, given the partition's step name (a new
     *               reader, processor and writer each)
     */
    public static Step build(String name, int count, JobRepository jobRepository, BiFunction<String, Partition, Step> worker) {
        Map<String, Step> workers = new LinkedHashMap<>();
        List<String> partitionNames = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            Partition partition = new Partition(index, count);
            String stepName = name + ":" + partition.name(); // how Spring Batch names a partition's execution
            workers.put(stepName, worker.apply(stepName, partition));
            partitionNames.add(partition.name());
        }
        PerPartitionHandler handler = new PerPartitionHandler(workers);
        handler.setGridSize(count);
        SimpleAsyncTaskExecutor threads = new SimpleAsyncTaskExecutor(name + "-");
        threads.setDaemon(true);
        handler.setTaskExecutor(threads);
        handler.setStep(workers.values().iterator().next());
        // what StepBuilder.partitioner(...).build() does, on a PartitionStep that can list its worker steps
        SimpleStepExecutionSplitter splitter = new SimpleStepExecutionSplitter(jobRepository, name, gridSize -> {
            Map<String, ExecutionContext> fresh = new LinkedHashMap<>();
            partitionNames.forEach(partition -> fresh.put(partition, new ExecutionContext()));
            return fresh;
        });
        splitter.setAllowStartIfComplete(true);
        LocatablePartitionStep step = new LocatablePartitionStep(jobRepository, workers);
        step.setName(name);
        step.setAllowStartIfComplete(true); // see the class comment: completed partitions run again on restart, from where they ended
        step.setPartitionHandler(handler);
        step.setStepExecutionSplitter(splitter);
        try {
            step.afterPropertiesSet();
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the partitioned step " + name + ": " + e.getMessage(), e);
        }
        return step;
    }

    private static final class LocatablePartitionStep extends PartitionStep implements ListableStepLocator {

        private final Map<String, Step> workers;

        LocatablePartitionStep(JobRepository jobRepository, Map<String, Step> workers) {
            super(jobRepository);
            this.workers = workers;
        }

        @Override
        public Collection<String> getStepNames() {
            return workers.keySet();
        }

        @Override
        public Step getStep(String stepName) {
            return workers.get(stepName);
        }
    }

    /** Runs each partition's step execution with the step built for that partition. */
    private static final class PerPartitionHandler extends TaskExecutorPartitionHandler {

        private final Map<String, Step> workers;

        PerPartitionHandler(Map<String, Step> workers) {
            this.workers = workers;
        }

        @Override
        protected FutureTask<StepExecution> createTask(Step step, StepExecution stepExecution) {
            Step worker = workers.get(stepExecution.getStepName());
            if (worker == null) {
                throw new IllegalStateException("no step for partition " + stepExecution.getStepName());
            }
            return super.createTask(worker, stepExecution);
        }
    }
}
