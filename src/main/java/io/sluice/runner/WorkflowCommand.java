package io.sluice.runner;

import io.sluice.InvalidInputException;
import io.sluice.execution.ExecutionService;
import org.springframework.batch.core.job.JobExecution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code sluice workflow run|validate}: Data Wrangler workflows and etl-core jobs, through the
 * {@code workflow} job family (found by name, like every family).
 */
@Command(name = "workflow", mixinStandardHelpOptions = true,
        description = "Run and check data workflows: Data Wrangler workflow files and etl-core job files.",
        subcommands = {WorkflowCommand.Run.class, WorkflowCommand.Validate.class})
class WorkflowCommand {

    private static final String JOB = "workflow";

    /** The workflow job's parameters: the file, and each {@code --set} as {@code set.KEY}. */
    static Map<String, String> parameters(Path file, List<String> settings) {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("file", file.toString());
        for (String setting : settings) {
            int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw new InvalidInputException("--set '" + setting + "' is not KEY=VALUE");
            }
            given.put("set." + setting.substring(0, eq), setting.substring(eq + 1));
        }
        return given;
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Run a workflow file as a job: every node checked first, then the nodes in chunks, one step per chain of nodes.",
                    "A failed run resumes at the step that failed with `sluice restart ID`; an export is published only when its step completes."})
    static class Run implements Callable<Integer> {

        @Mixin
        RejectOptions rejectOptions = new RejectOptions();

        @Option(names = "--file", required = true, paramLabel = "FILE", description = "The workflow or job file to run (it is not imported).")
        Path file;

        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "Replace {KEY} in the file's settings by VALUE, or set NODE.SETTING of a node (a JSON value, else text); repeatable.")
        List<String> settings = List.of();

        @Override
        public Integer call() {
            Map<String, String> given = parameters(file, settings);
            try (BootContext boot = BootContext.start()) {
                JobExecution execution = boot.bean(ExecutionService.class).launch(JOB, given, ProgressReporter.forConsole());
                return JobOutcome.report(execution, rejectOptions.failOnRejects, System.out);
            }
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check a workflow file without running it and report every problem at once, each naming its node; exit code 2 when there is one.")
    static class Validate implements Callable<Integer> {

        @Option(names = "--file", required = true, paramLabel = "FILE", description = "The workflow or job file to check.")
        Path file;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "As for run.")
        List<String> settings = List.of();

        @Override
        public Integer call() {
            Map<String, String> given = parameters(file, settings);
            try (BootContext boot = BootContext.start()) {
                boot.bean(ExecutionService.class).parameters(JOB, given);
            }
            System.out.println(file + ": valid");
            return ExitCode.SUCCESS.code();
        }
    }
}
