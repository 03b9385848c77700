package io.sluice.batch;

import org.springframework.batch.core.job.parameters.JobParameters;

/**
 * The dry-run parameter every job family understands: {@code dryRun=true} makes the load steps write
 * inside savepoints that are rolled back ({@link DryRunItemWriter}) and the steps that would act on
 * what was written skip themselves ({@link SkipOnDryRun}).
 */
public final class DryRun {

    /** The identifying job parameter's name; its value is {@code true} or {@code false} (a string). */
    public static final String PARAMETER = "dryRun";

    private DryRun() {
    }

    /** Whether {@code parameters} ask for a dry run; false when the parameter is missing. */
    public static boolean requested(JobParameters parameters) {
        return Boolean.parseBoolean(parameters.getString(PARAMETER));
    }
}
