package io.sluice.runner;

import io.sluice.execution.ExecutionService;
import org.springframework.batch.core.job.JobExecution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "restart", mixinStandardHelpOptions = true,
        description = {"Restart a failed or stopped execution after its last committed chunk.",
                "An execution left STARTED by a process that is gone is recovered first when that can be proven (same host);",
                "otherwise run 'sluice recover ID' first."})
class RestartCommand implements Callable<Integer> {

    @Mixin
    RejectOptions rejectOptions = new RejectOptions();

    @Parameters(index = "0", paramLabel = "ID", description = "The execution to restart.")
    long id;

    @Override
    public Integer call() {
        try (BootContext boot = BootContext.start()) {
            JobExecution execution = boot.bean(ExecutionService.class).restart(id, ProgressReporter.forConsole());
            return JobOutcome.report(execution, rejectOptions.failOnRejects, System.out);
        }
    }
}
