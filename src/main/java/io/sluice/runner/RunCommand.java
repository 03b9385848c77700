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
        description = {"Run a job by name with its parameters given as KEY=VALUE.",
                "For example, `sluice run migrate store=/data/runs kind=dynoai chunkSize=5000 partitions=2` migrates a DynoAI"
                        + " store in chunks of 5000 records, in two partitions.",
                "The migrate job takes store (a path), kind (dynoai, data-wrangler or hamilton), dryRun (true or false),"
                        + " chunkSize (records per transaction, default 1000), partitions (default 1) and archive (a folder).",
                "The workflow job takes file (a Data Wrangler workflow or etl-core job file) and set.KEY=VALUE overrides, as `sluice workflow run`."})
class RunCommand implements Callable<Integer> {

    @Mixin
    RejectOptions rejectOptions = new RejectOptions();

    @Parameters(index = "0", paramLabel = "JOB", description = "The name of the job to run: migrate or workflow.")
    String job;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "The job's parameters, each as KEY=VALUE; chunkSize and partitions take whole numbers.")
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
