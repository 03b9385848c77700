package io.sluice.runner;

import io.sluice.execution.ExecutionService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Ask a running execution to stop after its current chunk (from any process); it ends STOPPED and can be restarted.")
class StopCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ID", description = "The execution to stop.")
    long id;

    @Override
    public Integer call() {
        try (BootContext boot = BootContext.start()) {
            boot.bean(ExecutionService.class).stop(id);
            System.out.printf("Execution %d will stop after its current chunk.%n", id);
            return 0;
        }
    }
}
