package io.sluice.web;

import io.sluice.execution.ExecutionService;
import io.sluice.runner.JobSchedules;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;

/**
 * The launches the REST API and the dashboard share: a job definition run now, and a restart, each recorded as
 * the definition's last execution so that the job list follows it.
 */
@Component
@ConditionalOnWebApplication
class Launches {

    private final ExecutionService executions;
    private final JobSchedules schedules;

    Launches(ExecutionService executions, JobSchedules schedules) {
        this.executions = executions;
        this.schedules = schedules;
    }

    /**
     * Runs a definition now with its parameters, in the background.
     *
     * @return its execution as it started
     * @throws io.sluice.NotFoundException for an unknown definition
     * @throws io.sluice.ConflictException when its last execution still runs, or its job instance is complete
     */
    JobExecution startDefinition(String name) {
        JobSchedules.Row row = schedules.startable(name);
        JobExecution started = executions.start(row.family(), schedules.parameters(name));
        schedules.launched(name, started.getId());
        return started;
    }

    /**
     * Restarts an execution in the background, as {@link ExecutionService#startRestart} does.
     *
     * @return the new execution as it started
     */
    JobExecution restart(long id) {
        JobExecution restart = executions.startRestart(id);
        schedules.restarted(id, restart.getId());
        return restart;
    }
}
