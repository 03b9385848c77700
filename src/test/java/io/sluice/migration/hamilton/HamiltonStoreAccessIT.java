package io.sluice.migration.hamilton;

import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.sluice.migration.hamilton.HamiltonStoreBuilder.aHamiltonStore;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store sluice may not read, or one in a read-only folder that SQLite must write beside, is
 * refused in one line that says so. The tests run as root, whom file permissions do not stop, so
 * the packaged jar runs in a process of its own without the capabilities that override them
 * ({@code setpriv} dropping CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH): as any other user would.
 */
class HamiltonStoreAccessIT {

    private static final Path JAR = Path.of("target", "sluice.jar");
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    @TempDir
    Path temp;

    record Outcome(int exitCode, String output) {
        String lastLine() {
            return output.strip().lines().reduce((first, last) -> last).orElse("");
        }
    }

    @BeforeEach
    void needsSetpriv() {
        Assumptions.assumeTrue(Files.isExecutable(SETPRIV), "setpriv (util-linux) is not installed");
    }

    @Test
    void an_unreadable_store_says_permission_denied_whether_detected_or_named() throws Exception {
        // given
        Path file = aHamiltonStore(Files.createDirectory(temp.resolve("store")).resolve("hamilton_metadata.db"))
                .database("db_a1b2c3d4e5", "s3cr3t", Map.of()).file();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));

        // when
        Outcome detected = sluiceWithoutOverride("migrate", file.toString());
        Outcome named = sluiceWithoutOverride("migrate", "--kind", "hamilton", file.toString());

        // then
        assertThat(detected.exitCode()).as(detected.output()).isEqualTo(2);
        assertThat(detected.lastLine()).isEqualTo("sluice: " + file + ": permission denied: the user running sluice may not read it");
        assertThat(named.exitCode()).as(named.output()).isEqualTo(2);
        assertThat(named.lastLine()).isEqualTo("sluice: " + file + ": permission denied: the user running sluice may not read it");
        assertThat(detected.output() + named.output()).doesNotContain("\tat ", "is it Hamilton's", "not a store sluice knows");
    }

    @Test
    void a_wal_store_in_a_read_only_folder_says_it_is_read_only_there() throws Exception {
        // given a store in WAL mode (its -wal and -shm files gone with its last connection) in a folder no one may write to
        Path folder = Files.createDirectory(temp.resolve("read-only"));
        Path file = aHamiltonStore(folder.resolve("hamilton_metadata.db")).database("db_a1b2c3d4e5", "s3cr3t", Map.of()).file();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file); Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA journal_mode=WAL");
        }
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));

        // when
        Outcome outcome = sluiceWithoutOverride("migrate", file.toString());

        // then
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(outcome.exitCode()).as(outcome.output()).isEqualTo(2);
        assertThat(outcome.lastLine()).startsWith("sluice: " + file + ": the SQLite store is read-only here, and SQLite must write beside it");
        assertThat(outcome.output()).doesNotContain("\tat ", "is it Hamilton's");
    }

    /** Runs the packaged jar as root without the capabilities that let root read and write any file. */
    private Outcome sluiceWithoutOverride(String... arguments) throws Exception {
        TestDatabase database = TestDatabase.hsqldb();
        List<String> command = new ArrayList<>(List.of(SETPRIV.toString(),
                "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar", JAR.toAbsolutePath().toString()));
        command.addAll(List.of(arguments));
        command.addAll(database.arguments());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Outcome(process.waitFor(), output);
    }
}
