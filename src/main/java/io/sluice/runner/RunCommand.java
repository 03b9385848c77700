package io.sluice.runner;

import io.sluice.ExitCode;
import io.sluice.SluiceException;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a job by name with its parameters given as KEY=VALUE.",
                "For example, `sluice run migrate store=/data/runs kind=dynoai chunkSize=5000 partitions=2` migrates a DynoAI"
                        + " store in chunks of 5000 records, in two partitions.",
                "The migrate job takes store (a path), kind (dynoai, data-wrangler or hamilton), dryRun (true or false),"
                        + " chunkSize (records per transaction, default 1000), partitions (default 1) and archive (a folder)."})
class RunCommand implements Callable<Integer> {

    @Mixin
    RejectOptions rejectOptions = new RejectOptions();

    @Parameters(index = "0", paramLabel = "JOB", description = "The name of the job to run: migrate.")
    String job;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "The job's parameters, each as KEY=VALUE; chunkSize and partitions take whole numbers.")
    List<String> parameters = List.of();

    @Override
    public Integer call() {
        JobParametersBuilder builder = new JobParametersBuilder().addLong("launchedAt", System.currentTimeMillis());
        for (String parameter : parameters) {
            int eq = parameter.indexOf('=');
            if (eq <= 0) {
                throw new SluiceException(ExitCode.USAGE, "'" + parameter + "' is not KEY=VALUE");
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
            JobExecution execution = boot.bean(JobControl.class).launch(job, builder.toJobParameters(), ProgressReporter.forConsole());
            return JobOutcome.report(execution, rejectOptions.failOnRejects, System.out);
        }
    }

    private static long parseLong(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new SluiceException(ExitCode.USAGE, key + " must be a number, not '" + value + "'");
        }
    }
}
