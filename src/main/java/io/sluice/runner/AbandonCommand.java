package io.sluice.runner;

import io.sluice.execution.ExecutionService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "abandon", mixinStandardHelpOptions = true,
        description = "Mark a failed or stopped execution ABANDONED: it will never be restarted, and a new run starts afresh.")
class AbandonCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ID", description = "The execution to abandon.")
    long id;

    @Override
    public Integer call() {
        try (BootContext boot = BootContext.start()) {
            boot.bean(ExecutionService.class).abandon(id);
            System.out.printf("Execution %d is ABANDONED.%n", id);
            return 0;
        }
    }
}
