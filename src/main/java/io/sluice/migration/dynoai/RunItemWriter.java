package io.sluice.migration.dynoai;

import io.sluice.batch.JsonValue;
import io.sluice.batch.KeyedUpsert;
import io.sluice.persistence.Dialect;
import io.sluice.persistence.PostgresCopy;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import tools.jackson.databind.ObjectMapper;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.sluice.persistence.PostgresCopy.Type.INT4;
import static io.sluice.persistence.PostgresCopy.Type.INT8;
import static io.sluice.persistence.PostgresCopy.Type.JSONB;
import static io.sluice.persistence.PostgresCopy.Type.TEXT;
import static io.sluice.persistence.PostgresCopy.Type.TIMESTAMPTZ;
import static io.sluice.persistence.PostgresCopy.column;

/**
 * Writes runs and their files, keyed by the legacy run id, so that a second migration changes
 * nothing and a grown store adds and updates only what changed.
 *
 * <p>Per chunk: the stored versions of the chunk's runs are read; a run not stored is inserted; a
 * stored run is replaced when the incoming one is newer ({@code updated_at}), or equally new and
 * read from its run folder (which knows sizes, paths and the manifest) and different; otherwise
 * it is left as it is. A replaced run's files are replaced with it.
 */
class RunItemWriter implements ItemWriter<Run> {

    private static final String SELECT_RUNS = """
            SELECT id, status, source, created_at, updated_at, jetstream_id, current_stage, progress_percent,
                   results_summary, error_info, input_filename, config_snapshot, jetstream_metadata
            FROM runs WHERE id IN (:ids)
            """;
    private static final String SELECT_FILES = """
            SELECT run_id, filename, file_type, size_bytes, storage_path, created_at
            FROM run_files WHERE run_id IN (:ids)
            """;
    private static final String INSERT_RUN = """
            INSERT INTO runs (id, status, source, created_at, updated_at, jetstream_id, current_stage, progress_percent,
                              results_summary, error_info, input_filename, config_snapshot, jetstream_metadata)
            VALUES (:id, :status, :source, :created_at, :updated_at, :jetstream_id, :current_stage, :progress_percent,
                    CAST(:results_summary AS jsonb), CAST(:error_info AS jsonb), :input_filename,
                    CAST(:config_snapshot AS jsonb), CAST(:jetstream_metadata AS jsonb))
            """;
    private static final String UPDATE_RUN = """
            UPDATE runs SET status = :status, source = :source, created_at = :created_at, updated_at = :updated_at,
                   jetstream_id = :jetstream_id, current_stage = :current_stage, progress_percent = :progress_percent,
                   results_summary = CAST(:results_summary AS jsonb), error_info = CAST(:error_info AS jsonb),
                   input_filename = :input_filename, config_snapshot = CAST(:config_snapshot AS jsonb),
                   jetstream_metadata = CAST(:jetstream_metadata AS jsonb)
            WHERE id = :id
            """;
    private static final String DELETE_FILES = """
            DELETE FROM run_files WHERE run_id IN (:ids)
            """;
    private static final String INSERT_FILE = """
            INSERT INTO run_files (run_id, filename, file_type, size_bytes, storage_path, created_at)
            VALUES (:run_id, :filename, :file_type, :size_bytes, :storage_path, :created_at)
            """;

    private static final PostgresCopy COPY_RUNS = new PostgresCopy("runs", List.of(column("id", TEXT), column("status", TEXT),
            column("source", TEXT), column("created_at", TIMESTAMPTZ), column("updated_at", TIMESTAMPTZ),
            column("jetstream_id", TEXT), column("current_stage", TEXT), column("progress_percent", INT4),
            column("results_summary", JSONB), column("error_info", JSONB), column("input_filename", TEXT),
            column("config_snapshot", JSONB), column("jetstream_metadata", JSONB)));
    private static final PostgresCopy COPY_FILES = new PostgresCopy("run_files", List.of(column("run_id", TEXT),
            column("filename", TEXT), column("file_type", TEXT), column("size_bytes", INT8), column("storage_path", TEXT),
            column("created_at", TIMESTAMPTZ)));

    private final NamedParameterJdbcTemplate jdbc;
    private final ObjectMapper mapper;
    private final boolean fromRunFolders;
    private final Dialect dialect;
    private final StoredRunIds storedIds;

    /**
     * @param fromRunFolders the runs come from run folders, which win ties over the index
     * @param dialect        says whether new rows go in by COPY or by batched INSERTs
     */
    RunItemWriter(NamedParameterJdbcTemplate jdbc, ObjectMapper mapper, boolean fromRunFolders, Dialect dialect) {
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.fromRunFolders = fromRunFolders;
        this.dialect = dialect;
        this.storedIds = new StoredRunIds(jdbc, dialect);
    }

    @Override
    public void write(Chunk<? extends Run> chunk) {
        if (chunk.isEmpty()) {
            return; // every record of the chunk was rejected
        }
        Map<String, Run> incoming = KeyedUpsert.byKey(chunk, Run::id, false);
        KeyedUpsert.Sorted<Run> sorted = KeyedUpsert.sort(incoming, storedRuns(KeyedUpsert.keys(incoming)), run -> run,
                (run, current) -> replaces(run, current) ? run : null);
        List<Run> inserts = sorted.inserts();
        List<Run> updates = sorted.updates();
        if (!updates.isEmpty()) {
            jdbc.batchUpdate(UPDATE_RUN, updates.stream().map(this::runParameters).toArray(SqlParameterSource[]::new));
            jdbc.update(DELETE_FILES, Map.of("ids", updates.stream().map(Run::id).toList()));
        }
        List<Run> withNewFiles = new ArrayList<>(inserts);
        withNewFiles.addAll(updates);
        if (dialect.copiesInBulk()) {
            copy(inserts, withNewFiles);
        } else {
            insert(inserts, withNewFiles);
        }
        sorted.count();
    }

    private void insert(List<Run> runs, List<Run> withNewFiles) {
        if (!runs.isEmpty()) {
            jdbc.batchUpdate(INSERT_RUN, runs.stream().map(this::runParameters).toArray(SqlParameterSource[]::new));
        }
        List<SqlParameterSource> files = new ArrayList<>();
        withNewFiles.forEach(run -> run.files().forEach(file -> files.add(fileParameters(run.id(), file))));
        if (!files.isEmpty()) {
            jdbc.batchUpdate(INSERT_FILE, files.toArray(SqlParameterSource[]::new));
        }
    }

    /** The same rows as {@link #insert}, through COPY on the chunk's own connection and transaction. */
    private void copy(List<Run> runs, List<Run> withNewFiles) {
        DataSource dataSource = jdbc.getJdbcTemplate().getDataSource();
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            if (!runs.isEmpty()) {
                COPY_RUNS.copy(connection, runs.stream().map(run -> new Object[] {run.id(), run.status(), run.source(),
                        run.createdAt(), run.updatedAt(), run.jetstreamId(), run.currentStage(), run.progressPercent(),
                        bytes(run.resultsSummary()), bytes(run.errorInfo()), run.inputFilename(), bytes(run.configSnapshot()),
                        bytes(run.jetstreamMetadata())}).toList());
            }
            List<Object[]> files = new ArrayList<>();
            withNewFiles.forEach(run -> run.files().forEach(file -> files.add(new Object[] {run.id(), file.filename(),
                    file.fileType(), file.sizeBytes(), file.storagePath(), file.createdAt()})));
            if (!files.isEmpty()) {
                COPY_FILES.copy(connection, files);
            }
        } catch (SQLException e) {
            throw jdbc.getJdbcTemplate().getExceptionTranslator().translate("COPY into runs/run_files", null, e);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }

    private boolean replaces(Run incoming, Run current) {
        if (incoming.updatedAt() != null && current.updatedAt() != null) {
            int newer = incoming.updatedAt().compareTo(current.updatedAt());
            if (newer != 0) {
                return newer > 0;
            }
        }
        return fromRunFolders && !incoming.equals(current);
    }

    private Map<String, Run> storedRuns(List<String> ids) {
        Map<String, Run> runs = new HashMap<>();
        Set<String> stored = storedIds.among(ids); // in a first load, none: the rows are not read at all
        if (stored.isEmpty()) {
            return runs;
        }
        jdbc.query(SELECT_RUNS, Map.of("ids", List.copyOf(stored)), (ResultSet rs) -> {
            String id = rs.getString("id");
            runs.put(id, new Run(id, rs.getString("status"), rs.getString("source"), time(rs, "created_at"),
                    time(rs, "updated_at"), rs.getString("jetstream_id"), rs.getString("current_stage"),
                    (Integer) rs.getObject("progress_percent", Integer.class), json(rs, "results_summary"),
                    json(rs, "error_info"), rs.getString("input_filename"), json(rs, "config_snapshot"),
                    json(rs, "jetstream_metadata"), List.of()));
        });
        if (runs.isEmpty()) {
            return runs;
        }
        Map<String, List<Run.RunFile>> files = new HashMap<>();
        jdbc.query(SELECT_FILES, Map.of("ids", List.copyOf(runs.keySet())), (ResultSet rs) -> {
            files.computeIfAbsent(rs.getString("run_id"), id -> new ArrayList<>())
                    .add(new Run.RunFile(rs.getString("filename"), rs.getString("file_type"), nullableLong(rs, "size_bytes"),
                            rs.getString("storage_path"), time(rs, "created_at")));
        });
        runs.replaceAll((id, run) -> new Run(run.id(), run.status(), run.source(), run.createdAt(), run.updatedAt(),
                run.jetstreamId(), run.currentStage(), run.progressPercent(), run.resultsSummary(), run.errorInfo(),
                run.inputFilename(), run.configSnapshot(), run.jetstreamMetadata(),
                RunStateParser.sorted(files.getOrDefault(id, List.of()))));
        return runs;
    }

    private SqlParameterSource runParameters(Run run) {
        return new MapSqlParameterSource()
                .addValue("id", run.id())
                .addValue("status", run.status())
                .addValue("source", run.source())
                .addValue("created_at", run.createdAt())
                .addValue("updated_at", run.updatedAt())
                .addValue("jetstream_id", run.jetstreamId())
                .addValue("current_stage", run.currentStage())
                .addValue("progress_percent", run.progressPercent())
                .addValue("results_summary", text(run.resultsSummary()))
                .addValue("error_info", text(run.errorInfo()))
                .addValue("input_filename", run.inputFilename())
                .addValue("config_snapshot", text(run.configSnapshot()))
                .addValue("jetstream_metadata", text(run.jetstreamMetadata()));
    }

    private static SqlParameterSource fileParameters(String runId, Run.RunFile file) {
        return new MapSqlParameterSource()
                .addValue("run_id", runId)
                .addValue("filename", file.filename())
                .addValue("file_type", file.fileType())
                .addValue("size_bytes", file.sizeBytes())
                .addValue("storage_path", file.storagePath())
                .addValue("created_at", file.createdAt());
    }

    private String text(JsonValue value) {
        return value == null ? null : mapper.writeValueAsString(value.tree());
    }

    private byte[] bytes(JsonValue value) {
        return value == null ? null : mapper.writeValueAsBytes(value.tree());
    }

    private JsonValue json(ResultSet rs, String column) throws SQLException {
        String text = rs.getString(column);
        return text == null ? null : JsonValue.of(mapper.readTree(text));
    }

    private static OffsetDateTime time(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
