package io.sluice.migration;

import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Moves the migrated store into the {@code --archive} folder. It runs only after the store's
 * verification step completed, and never on a dry run.
 */
class ArchiveTasklet implements Tasklet {

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        JobParameters parameters = contribution.getStepExecution().getJobParameters();
        String archive = parameters.getString(MigrationParameters.ARCHIVE);
        if (archive == null || Boolean.parseBoolean(parameters.getString(MigrationParameters.DRY_RUN))) {
            contribution.setExitStatus(contribution.getExitStatus().addExitDescription("nothing to archive"));
            return RepeatStatus.FINISHED;
        }
        Path store = Path.of(parameters.getString(MigrationParameters.STORE));
        Path target = Path.of(archive).resolve(store.getFileName());
        try {
            Files.createDirectories(target.getParent());
            if (Files.exists(target)) {
                throw new IllegalStateException("the archive already holds " + target + "; move it away or choose another --archive folder");
            }
            Files.move(store, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + store + " to " + target, e);
        }
        contribution.setExitStatus(contribution.getExitStatus().addExitDescription("archived to " + target));
        return RepeatStatus.FINISHED;
    }
}
