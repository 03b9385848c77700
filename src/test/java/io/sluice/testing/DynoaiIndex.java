package io.sluice.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a DynoAI runs folder holding only an {@code index.json} of {@code run_00000}, {@code run_00001}, ... for tests outside the store's package. */
public final class DynoaiIndex {

    private DynoaiIndex() {
    }

    /** The runs folder {@code root/runs}, its index listing {@code runs} completed runs {@code run_00000}... */
    public static Path write(Path root, int runs) {
        return write(root, "run_", runs);
    }

    /** The same, the run ids starting with {@code prefix} instead of {@code run_}. */
    public static Path write(Path root, String prefix, int runs) {
        try {
            Path folder = Files.createDirectories(root.resolve("runs"));
            StringBuilder index = new StringBuilder("{\"runs\": [\n");
            for (int i = 0; i < runs; i++) {
                index.append(i == 0 ? "" : ",\n").append("{\"run_id\": \"%s%05d\", \"status\": \"complete\", \"source\": \"jetstream\","
                        .formatted(prefix, i)).append(" \"created_at\": \"2025-12-05T11:52:20Z\"}");
            }
            Files.writeString(folder.resolve("index.json"), index.append("\n]}\n"), StandardCharsets.UTF_8);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
