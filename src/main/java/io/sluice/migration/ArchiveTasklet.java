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
 * verification step completed, and never on a dry run. Run again in the same job execution (its
 * step lost the database after the move, before its commit), it finds the store where it moved it
 * and goes on, rather than failing on an archive that holds it already.
 */
class ArchiveTasklet implements Tasklet {

    /** Where this tasklet moved the store to, once it did. */
    private Path archived;

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
        if (target.equals(archived) && Files.exists(target) && !Files.exists(store)) {
            contribution.setExitStatus(contribution.getExitStatus().addExitDescription("archived to " + target));
            return RepeatStatus.FINISHED;
        }
        try {
            Files.createDirectories(target.getParent());
            if (Files.exists(target)) {
                throw new IllegalStateException("the archive already holds " + target + "; move it away or choose another --archive folder");
            }
            Files.move(store, target);
            archived = target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + store + " to " + target, e);
        }
        contribution.setExitStatus(contribution.getExitStatus().addExitDescription("archived to " + target));
        return RepeatStatus.FINISHED;
    }
}
