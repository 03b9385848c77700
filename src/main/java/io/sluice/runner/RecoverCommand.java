package io.sluice.runner;

import io.sluice.execution.ExecutionService;
import org.springframework.batch.core.job.JobExecution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "recover", mixinStandardHelpOptions = true,
        description = {"Mark an execution left STARTED by a killed process as FAILED, so that it can be restarted.",
                "Without ID: recover every execution whose process is provably gone (it ran on this host and no longer lives)."})
class RecoverCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The execution to recover.")
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
            List<Long> recovered = control.recoverOrphans();
            System.out.println(recovered.isEmpty() ? "Nothing to recover." : "Recovered executions " + recovered);
            return 0;
        }
    }
}
