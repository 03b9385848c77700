package io.sluice.persistence;

import io.sluice.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseSettingsTest {

    private static final Path DATA = Path.of("/srv/sluice/data");

    @Test
    void without_a_url_the_embedded_file_database_under_the_data_folder_is_used() {
        // when
        DatabaseSettings settings = DatabaseSettings.from("", DATA);

        // then
        assertThat(settings.isEmbedded()).isTrue();
        assertThat(settings.jdbcUrl()).startsWith("jdbc:hsqldb:file:/srv/sluice/data/sluice;").contains("hsqldb.default_table_type=cached");
    }

    @Test
    void the_python_tools_form_becomes_a_jdbc_url_with_the_decoded_credentials_kept_apart() {
        // when
        DatabaseSettings settings = DatabaseSettings.from("postgresql://app%40corp:p%3Ass%2Bw%2F@db.example:6543/sales?sslmode=require", DATA);

        // then
        assertThat(settings.vendor()).isEqualTo(DatabaseSettings.Vendor.POSTGRESQL);
        assertThat(settings.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/sales?sslmode=require");
        assertThat(settings.username()).isEqualTo("app@corp");
        assertThat(settings.password()).isEqualTo("p:ss+w/");
        assertThat(settings.toString()).doesNotContain("p:ss").doesNotContain("p%3Ass");
    }

    @Test
    void a_plus_in_a_password_stays_a_plus_as_sqlalchemy_reads_it() {
        assertThat(DatabaseSettings.from("postgresql://u:a+b@h/d", DATA).password()).isEqualTo("a+b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "postgresql", "postgresql+psycopg2", "postgresql+psycopg", "postgresql+asyncpg",
            "postgresql+pg8000", "postgresql+pygresql", "POSTGRESQL+PSYCOPG2"})
    void every_scheme_the_python_drivers_use_names_the_same_postgresql_database(String scheme) {
        // when
        DatabaseSettings settings = DatabaseSettings.from(scheme + "://sluice:secret@db:5433/sales", DATA);

        // then
        assertThat(settings.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5433/sales");
        assertThat(settings.username()).isEqualTo("sluice");
        assertThat(settings.password()).isEqualTo("secret");
    }

    @Test
    void a_portless_url_uses_postgresqls_default_port_and_a_hostless_one_this_machine() {
        assertThat(DatabaseSettings.from("postgres://u@localhost/db", DATA).jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/db");
        assertThat(DatabaseSettings.from("postgresql:///db", DATA).jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/db");
    }

    @Test
    void ipv6_hosts_and_several_hosts_reach_the_driver_in_its_own_form() {
        assertThat(DatabaseSettings.from("postgresql://u:p@[::1]:5433/db", DATA).jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433/db");
        assertThat(DatabaseSettings.from("postgresql://u:p@[2001:db8::7]/db", DATA).jdbcUrl())
                .isEqualTo("jdbc:postgresql://[2001:db8::7]:5432/db");
        assertThat(DatabaseSettings.from("postgresql://u@primary:5432,standby/db?target_session_attrs=read-write", DATA).jdbcUrl())
                .isEqualTo("jdbc:postgresql://primary:5432,standby:5432/db?targetServerType=primary");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            sslmode=verify-full&sslrootcert=/etc/ssl/root.crt | sslmode=verify-full&sslrootcert=%2Fetc%2Fssl%2Froot.crt
            connect_timeout=10&application_name=my%20tool      | connectTimeout=10&ApplicationName=my+tool
            keepalives=1&gssencmode=disable                    | tcpKeepAlive=true&gssEncMode=disable
            options=-c%20search_path%3Dsales                   | options=-c+search_path%3Dsales
            ssl=require                                        | sslmode=require
            ssl=true                                           | sslmode=verify-full
            prepareThreshold=0&client_encoding=utf8            | prepareThreshold=0
            """)
    void libpq_query_parameters_become_the_drivers_equivalents(String query, String expected) {
        assertThat(DatabaseSettings.from("postgresql://u:p@h:5432/d?" + query, DATA).jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/d?" + expected);
    }

    @Test
    void credentials_host_port_and_database_may_come_as_query_parameters() {
        // when
        DatabaseSettings settings = DatabaseSettings.from("postgresql:///?host=db.example&port=6543&dbname=sales&user=app&password=s%26cret", DATA);

        // then
        assertThat(settings.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/sales");
        assertThat(settings.username()).isEqualTo("app");
        assertThat(settings.password()).isEqualTo("s&cret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql://u:p@h/d?keepalives_idle=30", "postgresql+asyncpg://u:p@h/d?prepared_statement_cache_size=100",
            "postgresql://u:p@h/d?client_encoding=latin1", "postgresql://u:p@/d?host=/var/run/postgresql",
            "postgresql://u:p@%2Fvar%2Frun%2Fpostgresql/d", "postgresql://u:p@h:port/d", "postgresql://u:p@h/d?target_session_attrs=whatever"})
    void a_parameter_the_driver_cannot_honour_is_a_usage_error_that_never_shows_the_password(String url) {
        assertThatThrownBy(() -> DatabaseSettings.from(url, DATA))
                .isInstanceOf(InvalidInputException.class)
                .message().startsWith("DATABASE_URL ").doesNotContain(":p@").doesNotContain("\n");
    }

    @Test
    void a_jdbc_url_is_taken_as_it_is_and_its_password_masked_for_display() {
        // when
        DatabaseSettings settings = DatabaseSettings.from("jdbc:postgresql://h:5432/d?user=u&password=secret", DATA);

        // then
        assertThat(settings.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/d?user=u&password=secret");
        assertThat(settings.displayUrl()).isEqualTo("jdbc:postgresql://h:5432/d?user=u&password=****");
    }

    @Test
    void an_sslpassword_passed_on_to_the_driver_is_masked_for_display() {
        assertThat(DatabaseSettings.from("postgresql://u@h/d?sslpassword=keypass", DATA).displayUrl()).doesNotContain("keypass");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            sqlite:///hamilton_metadata.db           | names a SQLite file
            sqlite+pysqlite:////srv/app.db           | names a SQLite file
            mysql://u:secret@h/d                     | names a MySQL/MariaDB database
            mysql+pymysql://u:secret@h/d             | names a MySQL/MariaDB database
            mssql+pyodbc://u:secret@dsn              | names a SQL Server database
            jdbc:sqlserver://h;password=secret       | names a SQL Server database
            oracle+cx_oracle://u:secret@h/d          | names an Oracle database
            just some words                          | is not a database URL
            """)
    void a_database_sluice_cannot_hold_is_one_usage_line_naming_the_accepted_forms(String url, String kind) {
        assertThatThrownBy(() -> DatabaseSettings.from(url, DATA))
                .isInstanceOf(InvalidInputException.class)
                .message().contains(kind).contains("postgresql://user:password@host:5432/db").contains("postgresql+psycopg2://")
                .doesNotContain("secret").doesNotContain("\n");
    }
}
