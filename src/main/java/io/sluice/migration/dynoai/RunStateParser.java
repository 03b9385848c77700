package io.sluice.migration.dynoai;

import io.sluice.batch.InvalidRecordException;
import io.sluice.batch.LegacyTimestamps;
import io.sluice.batch.StorableValues;
import tools.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static io.sluice.batch.JsonFields.abbreviate;
import static io.sluice.batch.JsonFields.optionalObject;
import static io.sluice.batch.JsonFields.optionalText;
import static io.sluice.batch.JsonFields.requiredText;

/**
 * Validates one DynoAI {@code run_state} object (from {@code index.json} or a run folder) and maps it
 * to a {@link Run}; anything the {@code runs} table cannot hold is an {@link InvalidRecordException}.
 */
final class RunStateParser {

    static final Set<String> STATUSES = Set.of("pending", "downloading", "converting", "validating", "processing", "complete", "error");
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private RunStateParser() {
    }

    /** The run id of a run state as it stands, valid or not; null when there is none to read. */
    static String runId(JsonNode state) {
        JsonNode id = state.get("run_id");
        return id != null && id.isString() ? id.asString() : null;
    }

    /** A run with the files named in its state (no size or path: those come from the run folder). */
    static Run parse(JsonNode state) {
        if (state == null || !state.isObject()) {
            throw new InvalidRecordException("a run state must be a JSON object");
        }
        String id = requiredText(state, "run_id", 64);
        if (!RUN_ID.matcher(id).matches()) {
            throw new InvalidRecordException("run_id '" + id + "' is not made of letters, digits, '_' and '-'");
        }
        String status = requiredText(state, "status", 20).toLowerCase();
        if (!STATUSES.contains(status)) {
            throw new InvalidRecordException("unknown status '" + status + "' (expected one of " + String.join(", ", STATUSES.stream().sorted().toList()) + ")");
        }
        Map<String, Run.RunFile> files = new LinkedHashMap<>();
        for (String name : fileNames(state)) {
            files.putIfAbsent(name, new Run.RunFile(name, typeOf(name), null, null, null));
        }
        return new Run(id, status, requiredText(state, "source", 50),
                timestamp(state, "created_at", true), timestamp(state, "updated_at", false),
                optionalText(state, "jetstream_id", 64), optionalText(state, "current_stage", 50),
                progress(state), optionalObject(state, "results_summary"), optionalObject(state, "error"),
                null, null, null, sorted(files.values()));
    }

    static List<Run.RunFile> sorted(Collection<Run.RunFile> files) {
        List<Run.RunFile> list = new ArrayList<>(files);
        list.sort(Comparator.comparing(Run.RunFile::filename));
        return List.copyOf(list);
    }

    /** The file type the tools use: the extension, lower case ({@code csv}, {@code txt}, {@code json}). */
    static String typeOf(String filename) {
        int dot = filename.lastIndexOf('.');
        return dot < 0 ? null : filename.substring(dot + 1).toLowerCase();
    }

    /** Whether the state lists its files at all (older states do not; their output folder does). */
    static boolean listsFiles(JsonNode state) {
        return state.has("files") && !state.get("files").isNull();
    }

    private static List<String> fileNames(JsonNode state) {
        if (!listsFiles(state)) {
            return List.of();
        }
        JsonNode files = state.get("files");
        if (!files.isArray()) {
            throw new InvalidRecordException("files must be an array of file names");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode file : files) {
            if (!file.isString() || file.asString().isBlank() || file.asString().length() > 255) {
                throw new InvalidRecordException("files holds " + abbreviate(file) + ", not a file name of at most 255 characters");
            }
            names.add(StorableValues.text("files", file.asString()));
        }
        return names;
    }

    private static Integer progress(JsonNode state) {
        JsonNode value = state.get("progress_percent");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber() || ((value.isDouble() || value.isFloat()) && !Double.isFinite(value.doubleValue()))) {
            throw new InvalidRecordException("progress_percent " + abbreviate(value) + " is not a whole number");
        }
        BigDecimal percent = value.decimalValue(); // exact: 50.0000000000000000001 is not 50
        if (percent.signum() != 0 && percent.stripTrailingZeros().scale() > 0) {
            throw new InvalidRecordException("progress_percent " + abbreviate(value) + " is not a whole number");
        }
        if (percent.signum() < 0 || percent.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw new InvalidRecordException("progress_percent " + abbreviate(value) + " is outside 0..100");
        }
        return percent.intValueExact();
    }

    private static OffsetDateTime timestamp(JsonNode state, String field, boolean required) {
        String text = required ? requiredText(state, field, 64) : optionalText(state, field, 64);
        return text == null ? null : LegacyTimestamps.parse(field, text);
    }
}
