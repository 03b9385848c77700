package io.sluice.runner;

import io.sluice.InvalidInputException;
import io.sluice.NotFoundException;
import io.sluice.monitoring.WorkflowCatalogue;
import io.sluice.persistence.Connections;
import io.sluice.persistence.DatabaseSettings;
import io.sluice.execution.ExecutionService;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code sluice workflow run|validate}: Data Wrangler workflows and etl-core jobs, through the
 * {@code workflow} job family (found by name, like every family).
 */
@Command(name = "workflow", mixinStandardHelpOptions = true,
        description = "Run and check data workflows: Data Wrangler workflow files and etl-core job files.",
        subcommands = {WorkflowCommand.Run.class, WorkflowCommand.Validate.class, WorkflowCommand.Import.class, WorkflowCommand.ListWorkflows.class,
                WorkflowCommand.Show.class, WorkflowCommand.History.class})
class WorkflowCommand {

    private static final String JOB = "workflow";

    /** A read of the stored workflows over plain JDBC, without a Spring context. */
    @FunctionalInterface
    interface CatalogueQuery<T> {
        T read(WorkflowCatalogue catalogue) throws SQLException;
    }

    /**
     * What {@code query} reads from the sluice database the environment names; empty when that database does
     * not exist yet (nothing was ever stored) or the query gives null.
     */
    static <T> Optional<T> read(CatalogueQuery<T> query) throws SQLException {
        DatabaseSettings settings = Connections.settingsFromEnvironment(SluiceCommand.SPRING_ARGUMENTS);
        Optional<Connection> connection = Connections.openForReading(settings);
        if (connection.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(query.read(new WorkflowCatalogue(connection.get())));
        } finally {
            Connections.closeReader(connection.get());
        }
    }

    /** The workflow job's parameters: the stored workflow's id or the file, and each {@code --set} as {@code set.KEY}. */
    static Map<String, String> parameters(String id, Path file, List<String> settings) {
        if ((id == null) == (file == null)) {
            throw new InvalidInputException(id == null ? "give a stored workflow's ID or --file FILE" : "give a workflow ID or --file FILE, not both");
        }
        Map<String, String> given = new LinkedHashMap<>();
        if (id != null) {
            given.put("id", id);
        } else {
            given.put("file", file.toString());
        }
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
            description = {"Run a stored workflow or a workflow file as a job: every node checked first, then the nodes in chunks, one step per chain of nodes.",
                    "A failed run resumes at the step that failed with `sluice restart ID`; an export is published only when its step completes."})
    static class Run implements Callable<Integer> {

        @Mixin
        RejectOptions rejectOptions = new RejectOptions();

        @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The id of a workflow stored in the database (a migrated one); its run is recorded in its rows.")
        String id;

        @Option(names = "--file", paramLabel = "FILE", description = "A workflow or job file to run instead (it is not imported).")
        Path file;

        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "Replace {KEY} in the file's settings by VALUE, or set NODE.SETTING of a node (a JSON value, else text); repeatable.")
        List<String> settings = List.of();

        @Override
        public Integer call() {
            Map<String, String> given = parameters(id, file, settings);
            try (BootContext boot = BootContext.start()) {
                JobExecution execution = boot.bean(ExecutionService.class).launch(JOB, given, ProgressReporter.forConsole());
                return JobOutcome.report(execution, rejectOptions.failOnRejects, System.out);
            }
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check a stored workflow or a workflow file without running it and report every problem at once, each naming its node; exit code 2 when there is one.")
    static class Validate implements Callable<Integer> {

        @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The id of a workflow stored in the database.")
        String id;

        @Option(names = "--file", paramLabel = "FILE", description = "A workflow or job file to check instead.")
        Path file;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "As for run.")
        List<String> settings = List.of();

        @Override
        public Integer call() {
            Map<String, String> given = parameters(id, file, settings);
            try (BootContext boot = BootContext.start()) {
                boot.bean(ExecutionService.class).parameters(JOB, given);
            }
            System.out.println((file != null ? file.toString() : "workflow " + id) + ": valid");
            return ExitCode.SUCCESS.code();
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Store workflow files in the database: Data Wrangler workflow files or etl-core job files, each added, or"
                    + " replacing the stored workflow of its id (the file's id, else its name without .json) with its nodes and edges.",
                    "Each file is one execution of the workflow-import job; then `sluice workflow run ID` runs it."})
    static class Import implements Callable<Integer> {

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "The workflow or job files to store.")
        List<Path> files;

        @Override
        public Integer call() {
            int worst = ExitCode.SUCCESS.code();
            try (BootContext boot = BootContext.start()) {
                ExecutionService executions = boot.bean(ExecutionService.class);
                List<JobParameters> imports = files.stream().map(file -> executions.parameters("workflow-import", Map.of("file", file.toString()))).toList();
                for (JobParameters parameters : imports) {
                    JobExecution execution = executions.launch("workflow-import", parameters, ProgressReporter.forConsole());
                    if (execution.getStatus() == BatchStatus.COMPLETED) {
                        execution.getStepExecutions().forEach(step -> System.out.println("Imported " + step.getExitStatus().getExitDescription()));
                    } else {
                        worst = Math.max(worst, JobOutcome.report(execution, false, System.out));
                    }
                }
            }
            return worst;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the workflows stored in the database (migrated from Data Wrangler stores), with their last run's status.")
    static class ListWorkflows implements Callable<Integer> {

        @Override
        public Integer call() throws Exception {
            WorkflowCatalogue.printList(read(WorkflowCatalogue::list).orElse(List.of()), System.out);
            return ExitCode.SUCCESS.code();
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show a stored workflow: its nodes with their type and the last run's status and time, and its edges.")
    static class Show implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "ID", description = "The workflow's id, as `sluice workflow list` shows it.")
        String id;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> workflow = read(catalogue -> catalogue.find(id)).flatMap(found -> found)
                    .orElseThrow(() -> new NotFoundException("no workflow with id '" + id + "'; see `sluice workflow list`"));
            WorkflowCatalogue.printWorkflow(workflow, System.out);
            return ExitCode.SUCCESS.code();
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true,
            description = "Show a stored workflow's past executions, newest first, each with its nodes' status, rows in and out, and time.")
    static class History implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "ID", description = "The workflow's id, as `sluice workflow list` shows it.")
        String id;

        @Override
        public Integer call() throws Exception {
            List<WorkflowCatalogue.Run> runs = read(catalogue -> catalogue.find(id).isPresent() ? catalogue.history(id) : null)
                    .orElseThrow(() -> new NotFoundException("no workflow with id '" + id + "'; see `sluice workflow list`"));
            WorkflowCatalogue.printHistory(id, runs, System.out);
            return ExitCode.SUCCESS.code();
        }
    }
}
