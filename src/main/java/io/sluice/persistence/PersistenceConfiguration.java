package io.sluice.persistence;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

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
        DatabaseSettings settings = EmbeddedDatabaseServer.resolve(properties.databaseSettings());
        if (settings.isEmbedded()) {
            createDataDir(settings);
        }
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setPoolName("sluice");
        dataSource.setJdbcUrl(settings.jdbcUrl());
        dataSource.setUsername(settings.username());
        dataSource.setPassword(settings.password());
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

    @Bean(destroyMethod = "close")
    EmbeddedServerHandle embeddedServer(SluiceProperties properties, HikariDataSource dataSource) {
        DatabaseSettings settings = EmbeddedDatabaseServer.resolve(properties.databaseSettings());
        if (!settings.isEmbedded()) {
            return new EmbeddedServerHandle(null);
        }
        // Open the file database in this process first, then serve that same database on loopback.
        try (var ignored = dataSource.getConnection()) {
            return new EmbeddedServerHandle(EmbeddedDatabaseServer.serve(settings));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot open the embedded database under " + settings.dataDir(), e);
        }
    }

    /** Closes the loopback server, if this process started one, before the pool goes. */
    record EmbeddedServerHandle(EmbeddedDatabaseServer server) implements AutoCloseable {
        @Override
        public void close() {
            if (server != null) {
                server.close();
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
