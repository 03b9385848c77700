package io.sluice.migration;

import io.sluice.testing.PackagedJar;
import io.sluice.testing.Rows;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under the C/POSIX locale of cron, systemd and slim containers, {@code java -jar} alone reads every file
 * name the file system holds: a DynoAI output file and a Data Wrangler workflow file named in UTF-8,
 * in stores whose own paths are not ASCII either, land under their real names.
 */
class LocaleIT {

    @TempDir
    Path temp;

    @Test
    void under_the_c_locale_non_ascii_file_names_in_run_folders_and_workflow_files_land_under_their_real_names() throws Exception {
        // given stores under a folder named in UTF-8
        TestDatabase database = TestDatabase.hsqldb();
        Path root = Files.createDirectories(temp.resolve("données"));
        Path runs = Files.createDirectories(root.resolve("dynoai").resolve("runs"));
        Files.writeString(runs.resolve("index.json"), "{\"runs\": []}", StandardCharsets.UTF_8);
        Path output = Files.createDirectories(runs.resolve("run_accents").resolve("output"));
        Files.writeString(runs.resolve("run_accents").resolve("run_state.json"), """
                {"run_id": "run_accents", "status": "complete", "source": "jetstream", "created_at": "2026-03-03T10:00:00Z",
                 "updated_at": "2026-03-03T10:05:00Z", "progress_percent": 100}""", StandardCharsets.UTF_8);
        Files.writeString(output.resolve("résumé_Übersicht_日本.csv"), "a,b\n1,2\n", StandardCharsets.UTF_8);
        Path wrangler = Files.createDirectories(root.resolve("data-wrangler").resolve("workflows"));
        Files.writeString(wrangler.resolve("café-crème.json"), """
                {"name": "Café", "nodes": [{"id": "node-1", "type": "dataSource", "position": {"x": 1, "y": 2}, "data": {}}], "edges": []}
                """, StandardCharsets.UTF_8);

        // when sluice runs as java -jar under LANG=C LC_ALL=C
        Map<String, String> cLocale = new HashMap<>(Map.of("LANG", "C", "LC_ALL", "C"));
        cLocale.put("LC_CTYPE", null);
        Process process = PackagedJar.start(database, temp.resolve("c-locale.log"), cLocale, "migrate",
                runs.toString(), root.resolve("data-wrangler").toString());

        // then both stores migrated, each name as it is on disk
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(temp.resolve("c-locale.log"))).isZero();
        assertThat(Rows.query(database, "SELECT filename FROM run_files WHERE run_id = 'run_accents'"))
                .extracting(row -> row.get("filename")).containsExactly("résumé_Übersicht_日本.csv");
        assertThat(Rows.query(database, "SELECT id FROM workflows")).extracting(row -> row.get("id")).containsExactly("café-crème");
        assertThat(((Number) Rows.query(database, "SELECT count(*) AS n FROM workflow_nodes WHERE workflow_id = 'café-crème'")
                .get(0).get("n")).longValue()).isEqualTo(1);
    }
}
