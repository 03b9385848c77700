package io.sluice.persistence;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.support.JdbcTransactionManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one {@code DataSource} of a job-running process: the job repository and the data share it.
 * On the embedded default, the process also serves the database on loopback for other processes.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SluiceProperties.class)
class PersistenceConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PersistenceConfiguration.class);
    private static final int MIGRATION_TRIES = 3;

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
        if (settings.vendor() == DatabaseSettings.Vendor.POSTGRESQL) {
            applyDriverDefaults(settings.jdbcUrl(), properties.database(), dataSource);
        }
        applyPythonPoolNames(properties.database().pool(), dataSource);
        return dataSource;
    }

    /** What differs between the databases, for the steps and writers of every family. */
    @Bean
    Dialect dialect(SluiceProperties properties) {
        return Dialect.of(properties.databaseSettings().vendor());
    }

    @Bean
    JdbcTransactionManager transactionManager(HikariDataSource dataSource) {
        return new OutageAwareTransactionManager(dataSource);
    }

    @Bean
    DatabaseOutage databaseOutage(HikariDataSource dataSource, SluiceProperties properties) {
        return new DatabaseOutage(dataSource, properties.database().outageTimeout());
    }

    /**
     * Flyway's migration at start-up, tried again (up to {@value #MIGRATION_TRIES} times) when its connection
     * was lost: on the embedded database this process may have reached another one's server just as that
     * process ended, and the next connection takes the files over. A database that cannot be reached at all
     * fails the first try's connection as before.
     */
    @Bean
    FlywayMigrationStrategy flywayMigrationStrategy() {
        return flyway -> {
            for (int tries = 1; ; tries++) {
                try {
                    flyway.migrate();
                    return;
                } catch (RuntimeException e) {
                    if (tries == MIGRATION_TRIES || !DatabaseOutage.isConnectionLoss(e)) {
                        throw e;
                    }
                    log.info("the connection was lost while checking the schema ({}); trying again", e.getMessage());
                }
            }
        };
    }

    /**
     * PgJDBC settings that a URL does not set itself: batched INSERTs rewritten (about twice as
     * fast), and limits that keep a lost server or a dead network from hanging a connection: TCP
     * keep-alive, 10 s to connect and log in, and {@code sluice.database.socket-timeout} of silence on a read.
     */
    private static void applyDriverDefaults(String jdbcUrl, SluiceProperties.Database database, HikariDataSource dataSource) {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("reWriteBatchedInserts", "true");
        defaults.put("tcpKeepAlive", "true");
        defaults.put("connectTimeout", "10");
        defaults.put("loginTimeout", "10");
        defaults.put("socketTimeout", Long.toString(Math.max(1, database.socketTimeout().toSeconds())));
        defaults.forEach((name, value) -> {
            if (!jdbcUrl.contains(name + "=")) {
                dataSource.addDataSourceProperty(name, value);
            }
        });
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
