package io.sluice.persistence;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.SQLException;

/**
 * The one {@code DataSource} of a job-running process: the job repository and the data share it.
 * On the embedded default, the process also serves the database on loopback for other processes.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SluiceProperties.class)
class PersistenceConfiguration {

    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(SluiceProperties properties) {
        DatabaseSettings settings = properties.databaseSettings();
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setPoolName("sluice");
        if (settings.isEmbedded()) {
            createDataDir(settings);
            dataSource.setDataSource(new EmbeddedDataSource(settings));
        } else {
            dataSource.setJdbcUrl(settings.jdbcUrl());
            dataSource.setUsername(settings.username());
            dataSource.setPassword(settings.password());
        }
        if (settings.vendor() == DatabaseSettings.Vendor.POSTGRESQL && !settings.jdbcUrl().contains("reWriteBatchedInserts")) {
            dataSource.addDataSourceProperty("reWriteBatchedInserts", "true"); // about twice the speed of batched INSERTs
        }
        applyPythonPoolNames(properties.database().pool(), dataSource);
        return dataSource;
    }

    /** What differs between the databases, for the steps and writers of every family. */
    @Bean
    Dialect dialect(SluiceProperties properties) {
        return Dialect.of(properties.databaseSettings().vendor());
    }

    /**
     * On the embedded database, reaches it as soon as the context starts (so that other processes can use
     * this one's server from then on), and stops serving it before the pool closes.
     */
    @Bean(destroyMethod = "close")
    EmbeddedServerHandle embeddedServer(HikariDataSource dataSource) {
        if (!(dataSource.getDataSource() instanceof EmbeddedDataSource embedded)) {
            return new EmbeddedServerHandle(null);
        }
        try (var ignored = dataSource.getConnection()) {
            return new EmbeddedServerHandle(embedded);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the embedded database: " + e.getMessage(), e);
        }
    }

    /** Stops serving the embedded database, if this process serves it, before the pool goes. */
    record EmbeddedServerHandle(EmbeddedDataSource embedded) implements AutoCloseable {
        @Override
        public void close() {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private static void applyPythonPoolNames(SluiceProperties.Pool pool, HikariDataSource dataSource) {
        if (pool.poolSize() != null) {
            int overflow = pool.maxOverflow() == null ? 0 : pool.maxOverflow();
            dataSource.setMinimumIdle(pool.poolSize());
            dataSource.setMaximumPoolSize(pool.poolSize() + overflow);
        }
        if (pool.poolTimeout() != null) {
            dataSource.setConnectionTimeout(pool.poolTimeout().toMillis());
        }
        if (pool.poolRecycle() != null) {
            dataSource.setMaxLifetime(pool.poolRecycle().toMillis());
        }
    }

    private static void createDataDir(DatabaseSettings settings) {
        try {
            Files.createDirectories(settings.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data folder " + settings.dataDir(), e);
        }
    }
}
