package io.sluice.persistence;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Where a registered database is, as URLs and messages say it: never with its password. */
class RegisteredDatabaseTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "jdbc:postgresql://h:5432/db?user=u&password=s3cr3t&ssl=true | jdbc:postgresql://h:5432/db?user=u&password=****&ssl=true",
            "jdbc:sqlserver://h:1433;databaseName=d;password={a;b};encrypt=false | jdbc:sqlserver://h:1433;databaseName=d;password=****;encrypt=false",
            "postgresql://u:p@ss/w@rd@h:5432/db | postgresql://u:****@h:5432/db",
            "jdbc:mariadb://u:pw@h:3306/db | jdbc:mariadb://u:****@h:3306/db",
            "jdbc:oracle:thin:scott/tiger@//h:1521/orcl | jdbc:oracle:thin:scott/****@//h:1521/orcl",
            "jdbc:postgresql://h:5432/db?user=u | jdbc:postgresql://h:5432/db?user=u"})
    void a_url_is_shown_with_its_password_masked(String url, String shown) {
        assertThat(RegisteredDatabase.maskedUrl(url)).isEqualTo(shown);
    }

    @Test
    void each_provider_builds_its_vendors_url_and_knows_its_own_urls() {
        // given
        List<RegisteredDatabase.Provider> providers = List.of(RegisteredDatabase.Provider.values());

        // when
        List<String> urls = providers.stream().map(p -> new RegisteredDatabase("db_0", "n", p.name(), p == RegisteredDatabase.Provider.SQLITE ? null : "h",
                null, "d", "u", null, null, "pending", 0, null).jdbcUrl()).toList();

        // then
        assertThat(urls).containsExactly("jdbc:postgresql://h:5432/d", "jdbc:hsqldb:hsql://h:9001/d", "jdbc:mariadb://h:3306/d",
                "jdbc:mariadb://h:3306/d", "jdbc:sqlite:d", "jdbc:sqlserver://h:1433;databaseName=d", "jdbc:oracle:thin:@//h:1521/d");
        for (int i = 0; i < providers.size(); i++) {
            assertThat(providers.get(i).accepts(urls.get(i))).as(urls.get(i)).isTrue();
        }
        assertThat(RegisteredDatabase.Provider.MYSQL.accepts("jdbc:postgresql://h/d")).isFalse();
    }

    @Test
    void a_connection_string_that_is_not_a_url_is_said_so_without_being_repeated() {
        // given a Hamilton connection string with a password and a character no URL holds
        RegisteredDatabase database = new RegisteredDatabase("db_1", "n", "POSTGRESQL", null, null, null, null, null,
                "postgresql://u:se cret@h:5432/db", "pending", 0, null);

        // when
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(database::jdbcUrl);

        // then
        assertThat(failure).hasMessage("its connection string is not a URL");
    }
}
