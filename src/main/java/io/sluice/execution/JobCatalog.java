package io.sluice.execution;

import io.sluice.NotFoundException;
import io.sluice.migration.MigrationJobFactory;
import io.sluice.migration.MigrationParameters;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.stereotype.Component;

import java.util.Set;

/** The jobs sluice can launch by name, each built for the parameters of one launch. */
@Component
class JobCatalog {

    private final MigrationJobFactory migration;

    JobCatalog(MigrationJobFactory migration) {
        this.migration = migration;
    }

    Set<String> names() {
        return Set.of(MigrationParameters.JOB_NAME);
    }

    Job job(String name, JobParameters parameters) {
        if (MigrationParameters.JOB_NAME.equals(name)) {
            return migration.create(MigrationParameters.of(parameters));
        }
        throw new NotFoundException("no job named '" + name + "'; jobs: " + String.join(", ", names()));
    }
}
