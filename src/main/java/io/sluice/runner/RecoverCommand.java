package io.sluice.runner;

import io.sluice.execution.ExecutionService;
import org.springframework.batch.core.job.JobExecution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "recover", mixinStandardHelpOptions = true,
        description = {"Mark an execution left STARTED or UNKNOWN by a process that is gone (killed, or it lost its database) as FAILED,"
                + " with its unfinished or UNKNOWN steps, so that it can be restarted.",
                "Without ID: recover every execution left STARTED or UNKNOWN (or with a step left so) whose process is gone"
                        + " (on this host: it no longer lives; on another: it has not stamped its heartbeat for the outage timeout and a minute), and name each."})
class RecoverCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The id of the execution left STARTED or UNKNOWN (default: every execution left so whose process is gone).")
    Long id;

    @Override
    public Integer call() {
        try (BootContext boot = BootContext.start()) {
            ExecutionService control = boot.bean(ExecutionService.class);
            if (id != null) {
                JobExecution execution = control.recover(id);
                System.out.printf("Execution %d is now %s; restart it with: sluice restart %d%n", id, execution.getStatus(), id);
                return 0;
            }
            List<ExecutionService.Recovered> recovered = control.recoverOrphans();
            if (recovered.isEmpty()) {
                System.out.println("Nothing to recover.");
            }
            for (ExecutionService.Recovered execution : recovered) {
                List<String> steps = execution.steps().entrySet().stream().map(step -> step.getKey() + " " + step.getValue()).toList();
                System.out.printf("Execution %d (%s) was left %s%s by a process that is gone; it is now FAILED; restart it with: sluice restart %d%n",
                        execution.executionId(), execution.jobName(), execution.leftAs(),
                        steps.isEmpty() ? "" : " (steps: " + String.join(", ", steps) + ")", execution.executionId());
            }
            return 0;
        }
    }
}
