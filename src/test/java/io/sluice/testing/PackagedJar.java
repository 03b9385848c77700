package io.sluice.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts the packaged jar ({@code target/sluice.jar}, built by {@code package}) as a process of its own, as {@code java -jar} does. */
public final class PackagedJar {

    private static final Path JAR = Path.of("target", "sluice.jar");

    private PackagedJar() {
    }

    /**
     * Starts {@code java -jar sluice.jar ARGUMENTS... DATABASE-ARGUMENTS}, its stdout and stderr both into {@code output}.
     *
     * @param environment variables to set (a null value removes the variable)
     */
    public static Process start(TestDatabase database, Path output, Map<String, String> environment, String... arguments) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toAbsolutePath().toString()));
        command.addAll(List.of(arguments));
        command.addAll(database.arguments());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        environment.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Process start(TestDatabase database, Path output, String... arguments) {
        return start(database, output, Map.of(), arguments);
    }

    /**
     * Waits while {@code process} runs until {@code countQuery} (one row, its first column a count, read
     * through the process's own server on HSQLDB) counts at least {@code atLeast}: the condition for
     * killing it part way, never a fixed sleep.
     *
     * @throws AssertionError when the process ends first, or nothing reaches the count {@code within}
     */
    public static void awaitCount(TestDatabase database, Process process, String countQuery, long atLeast, Duration within)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(within);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionError("the process ended before " + countQuery + " counted " + atLeast);
            }
            try (Connection connection = database.connectWhileSluiceRuns(); Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery(countQuery)) {
                if (rs.next() && rs.getLong(1) >= atLeast) {
                    return;
                }
            } catch (SQLException | IOException notYet) {
                // the schema or the server is not there yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError(countQuery + " did not count " + atLeast + " within " + within);
    }
}
