package io.sluice.migration;

import io.sluice.InvalidInputException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Stream;

/** The legacy stores sluice migrates, and how each is recognised from what is on disk. */
public enum StoreKind {
    DYNOAI("dynoai"),
    DATA_WRANGLER("data-wrangler"),
    HAMILTON("hamilton");

    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private final String id;

    StoreKind(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static StoreKind fromId(String id) {
        return Arrays.stream(values())
                .filter(kind -> kind.id.equals(id.toLowerCase(Locale.ROOT)))
                .findFirst()
                .orElseThrow(() -> new InvalidInputException("unknown store kind '" + id + "': use dynoai, data-wrangler or hamilton"));
    }

    /**
     * Recognises a store: a SQLite file is Hamilton's; a folder with {@code datasets.json},
     * {@code index/} or {@code workflows/} is Data Wrangler's; a folder with {@code index.json} or
     * run folders holding {@code run_state.json} is DynoAI's.
     */
    public static StoreKind detect(Path path) {
        if (!Files.exists(path)) {
            throw new InvalidInputException(path + ": no such file or folder");
        }
        if (Files.isRegularFile(path)) {
            if (isSqlite(path)) {
                return HAMILTON;
            }
            throw new InvalidInputException(path + ": not a store sluice knows (a SQLite file, a Data Wrangler data folder or a DynoAI runs folder)");
        }
        if (Files.isRegularFile(path.resolve("hamilton_metadata.db"))) {
            return HAMILTON;
        }
        if (Files.exists(path.resolve("datasets.json")) || Files.isDirectory(path.resolve("workflows"))
                || Files.exists(path.resolve("index").resolve("datasets.json"))) {
            return DATA_WRANGLER;
        }
        if (Files.exists(path.resolve("index.json")) || hasRunFolder(path)) {
            return DYNOAI;
        }
        if (Files.isDirectory(path.resolve("runs"))) {
            return DYNOAI;
        }
        throw new InvalidInputException(path + ": cannot tell which store this is; name its kind (dynoai, data-wrangler or hamilton) with --kind or kind=");
    }

    /** The folder or file the job reads: a Hamilton folder names its database, a DynoAI parent its runs/. */
    public Path storeRoot(Path path) {
        if (this == HAMILTON && Files.isDirectory(path)) {
            return path.resolve("hamilton_metadata.db");
        }
        if (this == DYNOAI && Files.isDirectory(path.resolve("runs")) && !Files.exists(path.resolve("index.json"))) {
            return path.resolve("runs");
        }
        return path;
    }

    private static boolean hasRunFolder(Path path) {
        try (Stream<Path> children = Files.list(path)) {
            return children.limit(1000).anyMatch(child -> Files.isRegularFile(child.resolve("run_state.json")));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isSqlite(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(SQLITE_MAGIC.length), SQLITE_MAGIC);
        } catch (AccessDeniedException e) {
            throw new InvalidInputException(file + ": permission denied: the user running sluice may not read it");
        } catch (IOException e) {
            return false;
        }
    }
}
