package io.sluice.runner;

import io.sluice.InvalidInputException;
import io.sluice.execution.ExecutionService;
import org.springframework.batch.core.job.JobExecution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a job by name with key=value parameters, e.g.",
                "  sluice run migrate store=/data/runs kind=dynoai chunkSize=5000 partitions=2"})
class RunCommand implements Callable<Integer> {

    @Mixin
    RejectOptions rejectOptions = new RejectOptions();

    @Parameters(index = "0", paramLabel = "JOB", description = "The job's name (migrate).")
    String job;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "Job parameters.")
    List<String> parameters = List.of();

    @Override
    public Integer call() {
        Map<String, String> given = new LinkedHashMap<>();
        for (String parameter : parameters) {
            int eq = parameter.indexOf('=');
            if (eq <= 0) {
                throw new InvalidInputException("'" + parameter + "' is not KEY=VALUE");
            }
            given.put(parameter.substring(0, eq), parameter.substring(eq + 1));
        }
        try (BootContext boot = BootContext.start()) {
            JobExecution execution = boot.bean(ExecutionService.class).launch(job, given, ProgressReporter.forConsole());
            return JobOutcome.report(execution, rejectOptions.failOnRejects, System.out);
        }
    }
}
