package io.sluice.workflow;

import io.sluice.InvalidInputException;
import io.sluice.batch.JobFamily;
import io.sluice.batch.ParameterReader;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.job.parameters.JobParametersValidator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code workflow-import} family: one workflow file (Data Wrangler's or etl-core's) stored in the
 * database, added or replacing the workflow of the same id with its nodes and edges, in one
 * transaction; {@code sluice workflow import FILE...} runs it once a file. Parameter: {@code file}.
 * The step's exit description says what it stored ({@code workflow ID (NAME): added, N nodes, M edges}).
 */
@Component
public class WorkflowImportFamily implements JobFamily {

    static final String JOB_NAME = "workflow-import";
    private static final String FILE = "file";
    private static final String LAUNCHED_AT = "launchedAt";

    private final JobRepository jobRepository;
    private final PlatformTransactionManager transactionManager;
    private final StoredWorkflows stored;

    WorkflowImportFamily(JobRepository jobRepository, PlatformTransactionManager transactionManager, StoredWorkflows stored) {
        this.jobRepository = jobRepository;
        this.transactionManager = transactionManager;
        this.stored = stored;
    }

    @Override
    public String name() {
        return JOB_NAME;
    }

    @Override
    public JobParameters parameters(Map<String, String> given) {
        ParameterReader reader = new ParameterReader(name(), given);
        Path file = reader.existingPath(FILE, true, "PATH");
        reader.check();
        JobParameters parameters = new JobParametersBuilder()
                .addString(FILE, file.toAbsolutePath().normalize().toString())
                .addLong(LAUNCHED_AT, System.currentTimeMillis())
                .toJobParameters();
        WorkflowFiles.forImport(file);
        return parameters;
    }

    @Override
    public JobParametersValidator validator() {
        return parameters -> {
            try {
                WorkflowFiles.forImport(Path.of(String.valueOf(parameters.getString(FILE))));
            } catch (InvalidInputException e) {
                throw new InvalidJobParametersException(e.getMessage());
            }
        };
    }

    @Override
    public Job create(JobParameters parameters) {
        Path file = Path.of(String.valueOf(parameters.getString(FILE)));
        return new JobBuilder(JOB_NAME, jobRepository)
                .validator(validator())
                .start(new StepBuilder(JOB_NAME + ".save", jobRepository)
                        .tasklet((contribution, context) -> {
                            WorkflowFiles.ForImport imported = WorkflowFiles.forImport(file);
                            boolean added = stored.save(imported);
                            contribution.incrementWriteCount(1);
                            contribution.setExitStatus(ExitStatus.COMPLETED.addExitDescription("workflow " + imported.id() + " ("
                                    + imported.definition().name() + "): " + (added ? "added" : "replaced") + ", "
                                    + imported.definition().nodes().size() + " nodes, " + imported.definition().edges().size() + " edges"));
                            return RepeatStatus.FINISHED;
                        }, transactionManager)
                        .build())
                .build();
    }
}
