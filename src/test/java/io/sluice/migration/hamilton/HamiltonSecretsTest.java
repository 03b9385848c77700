package io.sluice.migration.hamilton;

import io.sluice.persistence.SecretCipher;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static io.sluice.migration.hamilton.HamiltonStoreBuilder.aHamiltonStore;
import static io.sluice.migration.hamilton.PasswordSpellings.quote;
import static io.sluice.migration.hamilton.PasswordSpellings.quotePlus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Hamilton store whose passwords are written in the spellings the tools use (plain, by
 * {@code quote_plus} and {@code quote}, inside URLs, ODBC, ADO.NET and libpq strings, JSON, SQL):
 * each lands encrypted and decrypts back, and no spelling of any of them is left in clear text in
 * any table, the reject file, the job repository or the data folder.
 */
class HamiltonSecretsTest {

    /** In the column, and in a quote_plus URL. */
    private static final String IN_BOTH = "p@ss w:rd/+&é\"'\\}1";
    /** Only in the connection string, a quote_plus URL with a driver: the column is empty. */
    private static final String ONLY_IN_URL = "only in url&=+%2";
    /** Only in an ODBC string, braced: the column is NULL. */
    private static final String ONLY_IN_ODBC = "od;bc}pw3";
    /** Only in a libpq string, quoted. */
    private static final String ONLY_IN_LIBPQ = "lib pq'4";
    /** The column's password, while the connection string holds a stale one. */
    private static final String COLUMN_NEWER = "newer-Pa55";
    private static final String URL_STALE = "stale-Pa55@";
    /** Of a row that is rejected: it must not reach the reject file. */
    private static final String OF_REJECTED = "rejected#Pw6";
    private static final List<String> ALL = List.of(IN_BOTH, ONLY_IN_URL, ONLY_IN_ODBC, ONLY_IN_LIBPQ, COLUMN_NEWER, URL_STALE, OF_REJECTED);

    @TempDir
    Path folder;

    @ParameterizedTest
    @MethodSource("io.sluice.testing.TestDatabase#both")
    void passwords_in_every_spelling_land_only_encrypted_and_decrypt_back(TestDatabase db) throws Exception {
        // given
        HamiltonStoreBuilder store = aHamiltonStore(folder.resolve("hamilton_metadata.db"))
                .database("db_inboth0001", IN_BOTH, Map.of(
                        "description", "admin login " + IN_BOTH + ", in a link " + quote(IN_BOTH, "/"),
                        "schema_json", "{\"tables\": [], \"note\": " + python_json(IN_BOTH) + "}",
                        "sql_content", "ALTER USER appuser PASSWORD '" + IN_BOTH.replace("'", "''") + "';",
                        "tags", "[\"" + quote(IN_BOTH, "").toLowerCase(Locale.ROOT) + "\"]"))
                .database("db_onlyurl001", "", Map.of(
                        "provider", "MYSQL",
                        "connection_string", "mysql+pymysql://root:" + quotePlus(ONLY_IN_URL) + "@db:3306/shop?charset=utf8mb4",
                        "description", "root's password is " + ONLY_IN_URL))
                .database("db_onlyodbc01", null, Map.of(
                        "provider", "SQLSERVER",
                        "connection_string", "Driver={ODBC Driver 17 for SQL Server};Server=tcp:db,1433;Uid=sa;Pwd={"
                                + ONLY_IN_ODBC.replace("}", "}}") + "};",
                        "sql_content", "-- sa / " + ONLY_IN_ODBC))
                .database("db_onlypq0001", null, Map.of(
                        "connection_string", "host=db dbname=app user=app password='" + ONLY_IN_LIBPQ.replace("'", "\\'") + "'",
                        "name", "app (" + quotePlus(ONLY_IN_LIBPQ) + ")"))
                .database("db_differ0001", COLUMN_NEWER, Map.of(
                        "connection_string", "postgresql://appuser:" + quotePlus(URL_STALE) + "@localhost:5433/db_differ0001",
                        "description", "was " + URL_STALE + ", now " + COLUMN_NEWER))
                .database("db_mongo00001", OF_REJECTED, Map.of("provider", "MONGODB", "description", "uses " + OF_REJECTED))
                .concept("c_paper", "db_inboth0001", Map.of("description", "connect with " + quotePlus(IN_BOTH)))
                .attribute("a_secret", "c_paper", Map.of("static_value", ONLY_IN_URL))
                .concept("c_of_rejected", "db_mongo00001", Map.of("description", "see " + OF_REJECTED));

        // when
        Sluice.Result result = new Sluice(db).run("migrate", store.file().toString());

        // then
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        SecretCipher cipher = SecretCipher.configured(null, db.dataDir(), notice -> { });
        Map<String, Map<String, Object>> rows = new TreeMap<>();
        Rows.query(db, "SELECT id, password_encrypted, connection_password_encrypted, connection_string FROM databases")
                .forEach(row -> rows.put((String) row.get("id"), row));
        assertThat(rows).containsOnlyKeys("db_inboth0001", "db_onlyurl001", "db_onlyodbc01", "db_onlypq0001", "db_differ0001");
        assertThat(decrypt(cipher, rows, "db_inboth0001", "password_encrypted")).isEqualTo(IN_BOTH);
        assertThat(decrypt(cipher, rows, "db_onlyurl001", "password_encrypted")).isEqualTo(ONLY_IN_URL);
        assertThat(decrypt(cipher, rows, "db_onlyodbc01", "password_encrypted")).isEqualTo(ONLY_IN_ODBC);
        assertThat(decrypt(cipher, rows, "db_onlypq0001", "password_encrypted")).isEqualTo(ONLY_IN_LIBPQ);
        assertThat(decrypt(cipher, rows, "db_differ0001", "password_encrypted")).isEqualTo(COLUMN_NEWER);
        assertThat(decrypt(cipher, rows, "db_differ0001", "connection_password_encrypted")).isEqualTo(URL_STALE);
        assertThat(rows.get("db_inboth0001").get("connection_password_encrypted")).isNull();
        assertThat(rows.get("db_onlyurl001").get("connection_string")).isEqualTo("mysql+pymysql://root@db:3306/shop?charset=utf8mb4");
        assertThat(rows.get("db_onlyodbc01").get("connection_string")).isEqualTo("Driver={ODBC Driver 17 for SQL Server};Server=tcp:db,1433;Uid=sa;Pwd=****;");
        assertThat(Rows.query(db, "SELECT description FROM databases WHERE id = 'db_differ0001'").get(0).get("description"))
                .isEqualTo("was ****, now ****");
        String summary = (String) Rows.query(db, "SELECT exit_message FROM batch_job_execution").get(0).get("exit_message");
        assertThat(summary).contains("found only in connection_string (db_onlyodbc01, db_onlypq0001, db_onlyurl001)",
                "hold different passwords (db_differ0001)");

        String everything = allTables(db) + rejects(db) + result.out() + result.err() + dataFolderText(db);
        assertThat(everything).contains("db_mongo00001", "c_of_rejected"); // the rejected rows are there, masked
        for (String password : ALL) {
            for (String spelling : spellings(password)) {
                assertThat(everything).as("a spelling of a password").doesNotContain(spelling);
            }
        }
    }

    /** The password and its spellings as the tools write them (hex escapes in both cases). */
    private static Set<String> spellings(String password) {
        Set<String> spellings = new java.util.LinkedHashSet<>(PasswordSpellings.of(password));
        spellings.add(quotePlus(password).toLowerCase(Locale.ROOT));
        return spellings;
    }

    /** json.dumps(text): a JSON string, non-ASCII escaped. */
    private static String python_json(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> json.append(c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return json.append('"').toString();
    }

    private static String decrypt(SecretCipher cipher, Map<String, Map<String, Object>> rows, String id, String column) {
        return cipher.decrypt((String) rows.get(id).get(column));
    }

    /** Every row of every table of the database (the tools' tables and the job repository's), as text. */
    private static String allTables(TestDatabase db) throws Exception {
        List<String> tables = new ArrayList<>();
        try (Connection connection = db.connect(); ResultSet rs = connection.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                if (rs.getString("TABLE_SCHEM").equalsIgnoreCase("public")) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
        }
        assertThat(tables).extracting(name -> name.toLowerCase(Locale.ROOT)).contains("databases", "concepts", "batch_step_execution_context");
        StringBuilder text = new StringBuilder();
        for (String table : tables) {
            for (Map<String, Object> row : Rows.query(db, "SELECT * FROM \"" + table + "\"")) {
                text.append(table).append(' ').append(row).append('\n');
            }
        }
        return text.toString();
    }

    private static String rejects(TestDatabase db) throws IOException {
        try (Stream<Path> files = Files.walk(db.dataDir())) {
            StringBuilder text = new StringBuilder();
            for (Path file : files.filter(path -> path.getFileName().toString().equals("rejects.jsonl")).toList()) {
                text.append(Files.readString(file));
            }
            assertThat(text).as("the rejected rows are in the reject file").contains("databases id=db_mongo00001");
            return text.toString();
        }
    }

    /** Every file of the data folder (the embedded database's files, logs, rejects) read as text. */
    private static String dataFolderText(TestDatabase db) {
        try (Stream<Path> files = Files.walk(db.dataDir())) {
            StringBuilder text = new StringBuilder();
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                text.append(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
            }
            return text.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
