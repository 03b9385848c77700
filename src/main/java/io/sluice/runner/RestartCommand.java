package io.sluice.runner;

import io.sluice.execution.ExecutionService;
import org.springframework.batch.core.job.JobExecution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "restart", mixinStandardHelpOptions = true,
        description = {"Restart a failed or stopped execution after its last committed chunk.",
                "The restart is a new execution of the same job instance; its summary counts what it did, and what all attempts did together.",
                "An execution left STARTED by a process that is gone is recovered first when that can be proven (it ran on this host);"
                        + " otherwise run 'sluice recover ID' first."})
class RestartCommand implements Callable<Integer> {

    @Mixin
    RejectOptions rejectOptions = new RejectOptions();

    @Parameters(index = "0", paramLabel = "ID", description = "The id of the failed or stopped execution, as `sluice status` lists it.")
    long id;

    @Override
    public Integer call() {
        try (BootContext boot = BootContext.start()) {
            JobSchedules schedules = boot.bean(JobSchedules.class);
            ProgressReporter console = ProgressReporter.forConsole();
            JobExecution execution = boot.bean(ExecutionService.class).restart(id, new org.springframework.batch.core.listener.JobExecutionListener() {
                @Override
                public void beforeJob(JobExecution restart) {
                    schedules.restarted(id, restart.getId()); // a definition's last execution is now its restart
                    console.beforeJob(restart);
                }

                @Override
                public void afterJob(JobExecution restart) {
                    console.afterJob(restart);
                }
            });
            return JobOutcome.report(execution, rejectOptions.failOnRejects, System.out);
        }
    }
}
