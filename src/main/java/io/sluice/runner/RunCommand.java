package io.sluice.runner;

import io.sluice.InvalidInputException;
import io.sluice.execution.ExecutionService;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.List;
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
        JobParametersBuilder builder = new JobParametersBuilder().addLong("launchedAt", System.currentTimeMillis());
        for (String parameter : parameters) {
            int eq = parameter.indexOf('=');
            if (eq <= 0) {
                throw new InvalidInputException("'" + parameter + "' is not KEY=VALUE");
            }
            String key = parameter.substring(0, eq);
            String value = parameter.substring(eq + 1);
            if (key.equals("chunkSize") || key.equals("partitions")) {
                builder.addLong(key, parseLong(key, value), false);
            } else {
                builder.addString(key, value);
            }
        }
        try (BootContext boot = BootContext.start()) {
            JobExecution execution = boot.bean(ExecutionService.class).launch(job, builder.toJobParameters(), ProgressReporter.forConsole());
            return JobOutcome.report(execution, rejectOptions.failOnRejects, System.out);
        }
    }

    private static long parseLong(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(key + " must be a number, not '" + value + "'");
        }
    }
}
