package io.sluice.migration.hamilton;

import io.sluice.migration.hamilton.DatabasesTable.LegacyDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A password recognised, recovered and masked in each spelling the Python tools and their users write. */
class PasswordSpellingsTest {

    /** Every kind of character the encodings treat apart: reserved in URLs, quotes, a backslash, a brace, non-ASCII. */
    private static final String TRICKY = "p@ss w:rd/+&%é\"'\\}x";

    @Test
    void quote_plus_and_quote_spell_a_password_as_python_does() {
        // given the values Python 3 prints for urllib.parse.quote_plus(TRICKY), quote(TRICKY), quote(TRICKY, safe='')

        // when / then
        assertThat(PasswordSpellings.quotePlus(TRICKY)).isEqualTo("p%40ss+w%3Ard%2F%2B%26%25%C3%A9%22%27%5C%7Dx");
        assertThat(PasswordSpellings.quote(TRICKY, "/")).isEqualTo("p%40ss%20w%3Ard/%2B%26%25%C3%A9%22%27%5C%7Dx");
        assertThat(PasswordSpellings.quote(TRICKY, "")).isEqualTo("p%40ss%20w%3Ard%2F%2B%26%25%C3%A9%22%27%5C%7Dx");
        assertThat(PasswordSpellings.unquotePlus("p%40ss+w%3Ard%2F%2B%26%25%C3%A9%22%27%5C%7Dx")).isEqualTo(TRICKY);
        assertThat(PasswordSpellings.unquote("100%zz+%F0%9F%94%91")).isEqualTo("100%zz+\uD83D\uDD11");
    }

    @Test
    void the_json_spellings_are_those_of_json_dumps_with_and_without_ensure_ascii() {
        // given json.dumps(TRICKY) and json.dumps(TRICKY, ensure_ascii=False), without their quotes

        // when
        var spellings = PasswordSpellings.of(TRICKY);

        // then
        assertThat(spellings).contains("p@ss w:rd/+&%\\u00e9\\\"'\\\\}x", "p@ss w:rd/+&%é\\\"'\\\\}x");
        assertThat(spellings).contains("p@ss w:rd/+&%é\"''\\}x", "p@ss w:rd/+&%é\"\\'\\\\}x", "p@ss w:rd/+&%é\"'\\}}x");
    }

    static Stream<Arguments> connectionStrings() {
        return Stream.of(
                Arguments.of("a URL, password by quote_plus", "postgresql://appuser:" + PasswordSpellings.quotePlus(TRICKY) + "@localhost:5433/db", TRICKY),
                Arguments.of("a URL with a driver", "postgresql+psycopg2://app:s3cr%40t@db/app", "s3cr@t"),
                Arguments.of("a MySQL URL with a query", "mysql+pymysql://root:hunter%402@db:3306/shop?charset=utf8mb4", "hunter@2"),
                Arguments.of("an SQL Server URL through ODBC", "mssql+pyodbc://sa:Str0ng%3Bpw@mydsn?driver=ODBC+Driver+17+for+SQL+Server", "Str0ng;pw"),
                Arguments.of("a password in a URL's query", "postgresql://db/app?user=app&password=se%26cr+et&sslmode=require", "se&cr et"),
                Arguments.of("a JDBC URL", "jdbc:postgresql://db:5432/app?user=app&password=s3cret", "s3cret"),
                Arguments.of("an ODBC string, braced", "Driver={ODBC Driver 17 for SQL Server};Server=tcp:db,1433;Uid=sa;Pwd={p;w}}d};", "p;w}d"),
                Arguments.of("an ODBC string, bare", "DRIVER={SQL Server};SERVER=db;UID=sa;PWD=plain9;", "plain9"),
                Arguments.of("an ADO.NET string, single quotes", "Server=db;Database=app;User Id=sa;Password='it''s;secret';", "it's;secret"),
                Arguments.of("an ADO.NET string, double quotes", "Server=db;User ID=sa;Password=\"a\"\"b\";", "a\"b"),
                Arguments.of("an ADO.NET string with a space", "Server=db;User ID=sa;Password=my pass;Encrypt=true", "my pass"),
                Arguments.of("a libpq string, quoted", "host=db port=5432 dbname=app user=app password='it\\'s a \\\\secret'", "it's a \\secret"),
                Arguments.of("a libpq string, bare", "host=db password=s3cret dbname=app", "s3cret"),
                Arguments.of("JSON", "{\"host\": \"db\", \"password\": \"p\\\"w\\u00e9\"}", "p\"wé"),
                Arguments.of("a Python dict", "{'host': 'db', 'passwd': 'pw!'}", "pw!"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("connectionStrings")
    void the_password_of_a_connection_string_is_found_in_each_form(String form, String connectionString, String password) {
        // given a connection string of the form

        // when
        List<ConnectionPasswords.Found> found = ConnectionPasswords.find(connectionString);
        String without = ConnectionPasswords.withoutPasswords(connectionString);

        // then
        assertThat(found).extracting(ConnectionPasswords.Found::password).containsExactly(password);
        assertThat(PasswordMask.of(List.of(password)).matches(without)).as(without).isFalse();
    }

    @Test
    void a_url_keeps_its_user_and_loses_its_password_and_a_key_keeps_its_name() {
        // given / when / then
        assertThat(ConnectionPasswords.withoutPasswords("postgresql://appuser:securepassword@localhost:5433/db_d84323d926"))
                .isEqualTo("postgresql://appuser@localhost:5433/db_d84323d926");
        assertThat(ConnectionPasswords.withoutPasswords("DRIVER={SQL Server};SERVER=db;UID=sa;PWD={p;w};"))
                .isEqualTo("DRIVER={SQL Server};SERVER=db;UID=sa;PWD=****;");
        assertThat(ConnectionPasswords.withoutPasswords("sqlite:///data/app.db")).isEqualTo("sqlite:///data/app.db");
        assertThat(ConnectionPasswords.withoutPasswords("sqlite:///C:/data/a@b.db")).isEqualTo("sqlite:///C:/data/a@b.db");
        assertThat(ConnectionPasswords.withoutPasswords("mysql://root@db:3306/x")).isEqualTo("mysql://root@db:3306/x");
    }

    @Test
    void every_spelling_of_a_password_is_masked_in_text() {
        // given
        PasswordMask mask = PasswordMask.of(List.of(TRICKY));
        String text = String.join(" | ", PasswordSpellings.of(TRICKY)) + " | " + PasswordSpellings.quotePlus(TRICKY).toLowerCase();

        // when
        String masked = mask.text(text);

        // then
        assertThat(masked).isEqualTo(String.join(" | ", java.util.Collections.nCopies(PasswordSpellings.of(TRICKY).size() + 1, "****")));
    }

    @Test
    void the_password_is_masked_inside_json_values_names_and_numbers() {
        // given
        JsonNode schema = LegacyValues.json("schema_json", "{\"tables\": [{\"name\": \"t\", \"comment\": \"pw=hunter22\"}], \"hunter22\": 1, \"pin\": 4711}");

        // when
        JsonNode masked = PasswordMask.of(List.of("hunter22", "4711")).json(schema);

        // then
        assertThat(masked.toString()).doesNotContain("hunter22").doesNotContain("4711").contains("pw=****", "\"****\":1", "\"pin\":\"****\"");
    }

    @Test
    void a_row_is_masked_in_every_text_column_but_its_keys() {
        // given
        ConceptsTable.Concept concept = new ConceptsTable().convert(new ConceptsTable.LegacyConcept("c_pw", "db_pw", "0",
                "Paper pw", "uses pw", "[\"pw\"]", "[]", "[]", "1", "2025-11-09 10:00:00", "2025-11-09 10:00:00"));

        // when
        ConceptsTable.Concept masked = PasswordMask.of(List.of("pw")).row(concept);

        // then
        assertThat(masked.id()).isEqualTo("c_pw");
        assertThat(masked.databaseId()).isEqualTo("db_pw");
        assertThat(masked.name()).isEqualTo("Paper ****");
        assertThat(masked.description()).isEqualTo("uses ****");
        assertThat(masked.idAttributes().toString()).isEqualTo("[\"****\"]");
    }

    @Test
    void a_password_only_in_the_connection_string_is_recovered_and_a_different_one_is_kept_beside() {
        // given
        LegacyDatabase onlyInUrl = database("", "mysql+pymysql://root:" + PasswordSpellings.quotePlus("a b@c") + "@db/shop");
        LegacyDatabase same = database("a b@c", "mysql+pymysql://root:" + PasswordSpellings.quotePlus("a b@c") + "@db/shop");
        LegacyDatabase plusKeptLiterally = database("a+b", "mysql://root:a+b@db/shop");
        LegacyDatabase different = database("new-one", "postgresql://app:old-one@db/app");

        // when / then
        assertThat(DatabasesTable.passwords(onlyInUrl)).isEqualTo(new DatabasesTable.Passwords(new DatabasesTable.Secret("a b@c"), null, true));
        assertThat(DatabasesTable.passwords(same).disagree()).isFalse();
        assertThat(DatabasesTable.passwords(plusKeptLiterally).disagree()).as("read as quote left it").isFalse();
        assertThat(DatabasesTable.passwords(different)).isEqualTo(new DatabasesTable.Passwords(
                new DatabasesTable.Secret("new-one"), new DatabasesTable.Secret("old-one"), false));
        assertThat(DatabasesTable.passwords(different).toString()).doesNotContain("new-one", "old-one");
    }

    private static LegacyDatabase database(String password, String connectionString) {
        return new LegacyDatabase("db_1", "n", "mysql", "db", "3306", "shop", "root", password, connectionString, "connected",
                "0", null, null, "2025-11-07 16:00:39", "2025-11-07 16:00:39", null, null, null);
    }
}
