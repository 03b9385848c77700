package io.sluice.persistence;

import io.sluice.SluiceException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseSettingsTest {

    private static final Path DATA = Path.of("/srv/sluice/data");

    @Test
    void withoutAUrlTheEmbeddedFileDatabaseUnderTheDataFolderIsUsed() {
        DatabaseSettings settings = DatabaseSettings.from("", DATA);

        assertThat(settings.isEmbedded()).isTrue();
        assertThat(settings.jdbcUrl()).startsWith("jdbc:hsqldb:file:/srv/sluice/data/sluice;").contains("hsqldb.default_table_type=cached");
    }

    @Test
    void thePythonToolsFormBecomesAJdbcUrlWithTheCredentialsKeptApart() {
        DatabaseSettings settings = DatabaseSettings.from("postgresql://app%40corp:p%3Ass@db.example:6543/sales?sslmode=require", DATA);

        assertThat(settings.vendor()).isEqualTo(DatabaseSettings.Vendor.POSTGRESQL);
        assertThat(settings.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/sales?sslmode=require");
        assertThat(settings.username()).isEqualTo("app@corp");
        assertThat(settings.password()).isEqualTo("p:ss");
        assertThat(settings.toString()).doesNotContain("p:ss");
    }

    @Test
    void aPortlessPythonUrlUsesPostgresqlsDefaultPort() {
        assertThat(DatabaseSettings.from("postgres://u@localhost/db", DATA).jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/db");
    }

    @Test
    void aJdbcUrlIsTakenAsItIsAndItsPasswordMaskedForDisplay() {
        DatabaseSettings settings = DatabaseSettings.from("jdbc:postgresql://h:5432/d?user=u&password=secret", DATA);

        assertThat(settings.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/d?user=u&password=secret");
        assertThat(settings.displayUrl()).isEqualTo("jdbc:postgresql://h:5432/d?user=u&password=****");
    }

    @Test
    void anUnknownUrlIsAUsageErrorThatNamesTheAcceptedForms() {
        assertThatThrownBy(() -> DatabaseSettings.from("mysql://h/d", DATA))
                .isInstanceOf(SluiceException.class)
                .hasMessageContaining("postgresql://user:pass@host:port/db");
    }
}
