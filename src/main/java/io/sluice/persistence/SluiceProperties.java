package io.sluice.persistence;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;

/**
 * sluice's own configuration ({@code sluice.*} in {@code config/application.yml}).
 *
 * @param dataDir    where the embedded database, reject files and the generated secret key live
 * @param database   the target database and its pool
 * @param secretKey  base64 AES-256 key that encrypts secrets at rest (also {@code SLUICE_SECRET_KEY})
 */
@ConfigurationProperties("sluice")
public record SluiceProperties(Path dataDir, Database database, String secretKey) {

    public SluiceProperties {
        dataDir = dataDir == null ? Path.of("data") : dataDir;
        database = database == null ? new Database(null, null, null, null) : database;
    }

    /**
     * @param url           {@code DATABASE_URL}: a JDBC URL or {@code postgresql://user:pass@host:port/db}; empty for the embedded default
     * @param pool          pool settings under the Python tools' names; Hikari's own are under {@code spring.datasource.hikari}
     * @param outageTimeout how long a job waits for a database it lost (server restart, connection killed, network
     *                      drop) to come back before its step fails; default one minute
     * @param socketTimeout the longest PostgreSQL may stay silent on a connection before sluice treats it as lost
     *                      (a dead network otherwise hangs a read for hours); default two minutes
     */
    public record Database(String url, Pool pool, Duration outageTimeout, Duration socketTimeout) {
        public Database {
            pool = pool == null ? new Pool(null, null, null, null) : pool;
            outageTimeout = outageTimeout == null ? Duration.ofMinutes(1) : outageTimeout;
            socketTimeout = socketTimeout == null ? Duration.ofMinutes(2) : socketTimeout;
        }
    }

    /** SQLAlchemy's pool settings, mapped onto Hikari: pool_size + max_overflow connections at most. */
    public record Pool(Integer poolSize, Integer maxOverflow, Duration poolTimeout, Duration poolRecycle) {
    }

    public DatabaseSettings databaseSettings() {
        return DatabaseSettings.from(database.url(), dataDir);
    }
}
