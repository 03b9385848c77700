package io.sluice.batch;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersValidator;

import java.util.Map;

/**
 * One family of jobs (migrate, workflow, analyze-schema) as the runner sees it: a Spring bean that
 * the execution service finds in the list of all families by {@link #name()}, so that a new family
 * plugs in without a change to the runner, the CLI or the monitoring.
 *
 * <p>A family turns what a user typed into typed, checked job parameters, and builds its job for one
 * launch from them. Jobs are built per launch, not declared as beans, because their parameters
 * (chunk size, partitions, the workflow's nodes) shape their steps; a restart builds the job again
 * from the parameters the job repository kept.
 */
public interface JobFamily {

    /** The job's name, kebab-case, as {@code sluice run NAME} and the job repository know it. */
    String name();

    /**
     * This family's job parameters from parameters as a user gives them ({@code KEY=VALUE} text from
     * the CLI, the REST API or a schedule): converted to their types, defaults filled in, the
     * identifying ones marked, and checked by {@link #validator()}.
     *
     * @param given parameter names to their text values, as typed; never null
     * @return the parameters to launch with
     * @throws InvalidParametersException naming every missing, unknown and invalid parameter at once
     */
    JobParameters parameters(Map<String, String> given);

    /**
     * Checks typed parameters, those {@link #parameters} made and those a restart reads back from the
     * job repository, and reports every problem at once in one {@code InvalidJobParametersException}.
     * The family's jobs carry it too, so Spring Batch checks each launch.
     */
    JobParametersValidator validator();

    /**
     * The job for one launch, first or restart.
     *
     * @param parameters parameters that {@link #parameters} made or the job repository kept
     * @throws InvalidParametersException when they do not describe a job this family can run
     */
    Job create(JobParameters parameters);

    /**
     * The datasets a job of these parameters reads and writes, for its OpenLineage events; {@link Lineage#NONE}
     * when the family does not say. Called as the job starts; it must not fail the job, so it answers what it can.
     */
    default Lineage lineage(JobParameters parameters) {
        return Lineage.NONE;
    }
}
