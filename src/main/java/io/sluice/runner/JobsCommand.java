package io.sluice.runner;

import io.sluice.InvalidInputException;
import io.sluice.SluiceException;
import io.sluice.execution.ExecutionService;
import io.sluice.monitoring.RepositoryTimes;
import io.sluice.monitoring.TextTable;
import org.springframework.batch.core.job.JobExecution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code sluice jobs list|validate|run|pause|resume}: the job definitions of {@code jobs/} (see
 * {@link JobDefinitions} for their shape), written into {@code job_schedules} each time a command reads
 * the folder, so that every process sees the same next and last fire.
 */
@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = "The job definitions and schedules of jobs/: list, validate, run one now, pause or resume a schedule.",
        subcommands = {JobsCommand.ListJobs.class, JobsCommand.Validate.class, JobsCommand.Run.class, JobsCommand.Pause.class, JobsCommand.Resume.class})
class JobsCommand {

    /** Where the definitions are. */
    static class Folder {
        @Option(names = "--jobs-dir", paramLabel = "DIR", description = "The folder of job definitions (default: jobs, or SLUICE_JOBS_DIR).")
        Path folder;

        Path path() {
            return folder != null ? folder : Path.of(System.getenv().getOrDefault("SLUICE_JOBS_DIR", "jobs"));
        }
    }

    /** Reads the folder and writes it into the table; the problems it found, each with its file and line. */
    static List<String> sync(BootContext boot, Path folder) {
        return sync(boot, folder, JobDefinitions.read(folder));
    }

    /** {@link #sync(BootContext, Path)} with the folder's definitions already read. */
    static List<String> sync(BootContext boot, Path folder, JobDefinitions.Loaded loaded) {
        List<JobDefinition> valid = new ArrayList<>();
        List<String> problems = check(boot, loaded, valid);
        boot.bean(JobSchedules.class).sync(folder, valid, problems.isEmpty(), Instant.now());
        return problems;
    }

    /**
     * Every problem of the definitions read, their families and parameters included, without writing anything;
     * the definitions without a problem go to {@code valid}.
     */
    private static List<String> check(BootContext boot, JobDefinitions.Loaded loaded, List<JobDefinition> valid) {
        List<String> problems = new ArrayList<>(loaded.problems());
        ExecutionService executions = boot.bean(ExecutionService.class);
        for (JobDefinition definition : loaded.definitions()) {
            if (!executions.jobNames().contains(definition.family())) {
                problems.add(definition.file() + ": family " + definition.family() + " is not a job sluice runs (" + String.join(", ", executions.jobNames()) + ")");
                continue;
            }
            try {
                executions.parameters(definition.family(), definition.parameters());
                valid.add(definition);
            } catch (SluiceException e) {
                problems.add(definition.file() + ": parameters: " + e.getMessage());
            }
        }
        return problems;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the job definitions: family, schedule, paused or not, last fire and status, next fire.")
    static class ListJobs implements Callable<Integer> {

        @Mixin
        Folder folder = new Folder();

        @Override
        public Integer call() {
            try (BootContext boot = BootContext.start()) {
                List<String> problems = sync(boot, folder.path());
                problems.forEach(problem -> System.err.println("sluice: " + problem));
                List<JobSchedules.Row> rows = boot.bean(JobSchedules.class).list();
                if (rows.isEmpty()) {
                    System.out.println("No job definitions in " + folder.path() + " (a definition is a YAML file: see the README).");
                    return problems.isEmpty() ? ExitCode.SUCCESS.code() : ExitCode.USAGE.code();
                }
                TextTable table = new TextTable("", "NAME", "FAMILY", "SCHEDULE", "STATE", "LAST FIRE (" + RepositoryTimes.zoneName() + ")",
                        "LAST STATUS", "NEXT FIRE (" + RepositoryTimes.zoneName() + ")");
                for (JobSchedules.Row row : rows) {
                    table.row(row.name(), row.family(), row.schedule() == null ? "by hand" : row.schedule(),
                            row.schedule() == null ? "" : row.paused() ? "paused" : "active", RepositoryTimes.text(row.lastFireAt()),
                            row.lastStatus() == null ? "" : row.lastStatus() + " (" + row.lastExecutionId() + ")",
                            row.paused() ? "" : RepositoryTimes.text(row.nextFireAt()));
                }
                table.print(System.out);
                return problems.isEmpty() ? ExitCode.SUCCESS.code() : ExitCode.USAGE.code();
            }
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check every job definition (its YAML, its schedule, its family's parameters) and report every problem at once; exit code 2 when there is one.")
    static class Validate implements Callable<Integer> {

        @Mixin
        Folder folder = new Folder();

        @Override
        public Integer call() {
            Path path = folder.path();
            if (!Files.isDirectory(path)) {
                throw new InvalidInputException(path + " is no folder of job definitions" + (Files.exists(path) ? "" : ": it does not exist"));
            }
            // only reads: checking a folder must not change the definitions that serve runs
            JobDefinitions.Loaded loaded = JobDefinitions.read(path);
            try (BootContext boot = BootContext.start()) {
                List<String> problems = check(boot, loaded, new ArrayList<>());
                if (problems.isEmpty()) {
                    System.out.println("The job definitions in " + path + " are valid (" + loaded.definitions().size() + ").");
                    return ExitCode.SUCCESS.code();
                }
                problems.forEach(problem -> System.out.println(problem));
                return ExitCode.USAGE.code();
            }
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run a job definition now, with its parameters, as sluice run would.")
    static class Run implements Callable<Integer> {

        @Mixin
        Folder folder = new Folder();

        @Mixin
        RejectOptions rejectOptions = new RejectOptions();

        @Parameters(index = "0", paramLabel = "NAME", description = "The definition's name, as `sluice jobs list` shows it.")
        String name;

        @Override
        public Integer call() {
            JobDefinition definition = JobDefinitions.read(folder.path()).definitions().stream().filter(d -> d.name().equals(name)).findFirst()
                    .orElseThrow(() -> new InvalidInputException("no valid job definition named '" + name + "' in " + folder.path()
                            + " (sluice jobs validate tells what is wrong)"));
            try (BootContext boot = BootContext.start()) {
                sync(boot, folder.path());
                JobSchedules schedules = boot.bean(JobSchedules.class);
                org.springframework.batch.core.listener.JobExecutionListener console = ProgressReporter.forConsole();
                JobExecution execution = boot.bean(ExecutionService.class).launch(definition.family(), definition.parameters(),
                        new org.springframework.batch.core.listener.JobExecutionListener() {
                            @Override
                            public void beforeJob(JobExecution started) {
                                schedules.launched(name, started.getId()); // as it starts, so that serve sees it run
                                console.beforeJob(started);
                            }

                            @Override
                            public void afterJob(JobExecution ended) {
                                console.afterJob(ended);
                            }
                        });
                return JobOutcome.report(execution, rejectOptions.failOnRejects, System.out);
            }
        }
    }

    /** What {@code pause} and {@code resume} share: the folder and the definition's name. */
    abstract static class PausedSetter implements Callable<Integer> {

        @Mixin
        Folder folder = new Folder();

        @Parameters(index = "0", paramLabel = "NAME", description = "The definition's name, as `sluice jobs list` shows it.")
        String name;

        /** Whether the command pauses (or resumes) the schedule. */
        abstract boolean pauses();

        @Override
        public Integer call() {
            return setPaused(folder.path(), name, pauses());
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause a job definition's schedule: serve fires it no more until it is resumed.")
    static class Pause extends PausedSetter {
        @Override
        boolean pauses() {
            return true;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused job definition's schedule.")
    static class Resume extends PausedSetter {
        @Override
        boolean pauses() {
            return false;
        }
    }

    private static int setPaused(Path folder, String name, boolean paused) {
        try (BootContext boot = BootContext.start()) {
            JobDefinitions.Loaded loaded = JobDefinitions.read(folder);
            sync(boot, folder, loaded);
            JobSchedules schedules = boot.bean(JobSchedules.class);
            JobSchedules.Row row = schedules.get(name);
            if (row.schedule() == null) {
                throw new InvalidInputException("job definition " + name + " has no schedule to " + (paused ? "pause" : "resume"));
            }
            if (paused) {
                schedules.pause(name, true);
                System.out.println("Paused " + name + ".");
            } else if (!row.paused()) {
                System.out.println(name + " is not paused; its next fire stays " + RepositoryTimes.text(row.nextFireAt()) + ".");
            } else {
                // the fires of the paused time are not made up for: the next one is the schedule's first after now
                Optional<JobDefinition> definition = loaded.definitions().stream()
                        .filter(d -> d.name().equals(name) && d.schedule() != null).findFirst();
                Instant next = definition.flatMap(d -> d.schedule().nextAfter(Instant.now(), row.lastFireAt())).orElse(null);
                schedules.resume(name, next);
                System.out.println("Resumed " + name + (next == null ? "; it has no fire to come" : "; next fire " + RepositoryTimes.text(next)) + ".");
            }
            return ExitCode.SUCCESS.code();
        }
    }
}
