package io.sluice.migration;

import io.sluice.batch.DryRun;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;

import java.nio.file.Path;

/**
 * The {@code migrate} job's parameters. The store, its kind and the dry-run flag identify an
 * instance together with the launch time, so the same store can be migrated again later; the
 * chunk size, partition count and archive folder are carried over to a restart.
 *
 * @param partitions how many partitions load a large file side by side (DynoAI's {@code index.json});
 *                   {@link #UNSET} until {@link #withDefaultPartitions} chooses
 */
public record MigrationParameters(Path store, StoreKind kind, boolean dryRun, int chunkSize, int partitions, Path archive) {

    public static final String JOB_NAME = "migrate";
    public static final String STORE = "store";
    public static final String KIND = "kind";
    public static final String DRY_RUN = DryRun.PARAMETER;
    public static final String CHUNK_SIZE = "chunkSize";
    public static final String PARTITIONS = "partitions";
    public static final String ARCHIVE = "archive";
    public static final String LAUNCHED_AT = "launchedAt";
    public static final int DEFAULT_CHUNK_SIZE = 1000;
    public static final int MAX_PARTITIONS = 16;
    /** Partitions not given: {@link #withDefaultPartitions} chooses. */
    public static final int UNSET = 0;

    public static MigrationParameters of(JobParameters parameters) {
        Long chunkSize = parameters.getLong(CHUNK_SIZE);
        Long partitions = parameters.getLong(PARTITIONS);
        String archive = parameters.getString(ARCHIVE);
        return new MigrationParameters(Path.of(parameters.getString(STORE)), StoreKind.fromId(parameters.getString(KIND)),
                Boolean.parseBoolean(parameters.getString(DRY_RUN)), chunkSize == null ? DEFAULT_CHUNK_SIZE : chunkSize.intValue(),
                partitions == null ? 1 : partitions.intValue(), archive == null ? null : Path.of(archive));
    }

    /** These parameters, with {@code partitions} when none were given. */
    public MigrationParameters withDefaultPartitions(int partitions) {
        if (this.partitions != UNSET) {
            return this;
        }
        return new MigrationParameters(store, kind, dryRun, chunkSize, partitions, archive);
    }

    public JobParameters toJobParameters() {
        JobParametersBuilder builder = new JobParametersBuilder()
                .addString(STORE, store.toAbsolutePath().normalize().toString())
                .addString(KIND, kind.id())
                .addString(DRY_RUN, Boolean.toString(dryRun))
                .addLong(LAUNCHED_AT, System.currentTimeMillis())
                .addLong(CHUNK_SIZE, (long) chunkSize, false)
                .addLong(PARTITIONS, (long) partitions, false);
        if (archive != null) {
            builder.addString(ARCHIVE, archive.toAbsolutePath().normalize().toString(), false);
        }
        return builder.toJobParameters();
    }
}
