package io.sluice.persistence;

import io.sluice.InvalidInputException;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where sluice keeps its data: an HSQLDB file database under the data folder by default, or the
 * database named by {@code DATABASE_URL}, given either as a JDBC URL or in the Python tools' form
 * {@code postgresql://user:pass@host:5432/db}. The password is kept apart from the URL so that
 * the URL can be shown.
 */
public record DatabaseSettings(String jdbcUrl, String username, String password, Vendor vendor, Path dataDir) {

    public enum Vendor { HSQLDB, POSTGRESQL }

    /** The file name (without extension) of the embedded database inside the data folder. */
    static final String EMBEDDED_NAME = "sluice";

    public static DatabaseSettings from(String databaseUrl, Path dataDir) {
        Path data = dataDir.toAbsolutePath().normalize();
        if (databaseUrl == null || databaseUrl.isBlank()) {
            return embedded(data);
        }
        String url = databaseUrl.trim();
        if (url.startsWith("postgresql://") || url.startsWith("postgres://")) {
            return fromPythonForm(url, data);
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return new DatabaseSettings(url, null, null, Vendor.POSTGRESQL, data);
        }
        if (url.startsWith("jdbc:hsqldb:")) {
            return new DatabaseSettings(url, "SA", "", Vendor.HSQLDB, data);
        }
        throw new InvalidInputException("DATABASE_URL is neither postgresql://user:pass@host:port/db"
                + " nor a jdbc:postgresql: or jdbc:hsqldb: URL");
    }

    static DatabaseSettings embedded(Path data) {
        String url = "jdbc:hsqldb:file:" + data.resolve(EMBEDDED_NAME)
                + ";shutdown=true;hsqldb.default_table_type=cached;hsqldb.tx=mvcc";
        return new DatabaseSettings(url, "SA", "", Vendor.HSQLDB, data);
    }

    private static DatabaseSettings fromPythonForm(String url, Path data) {
        URI uri = URI.create(url);
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        int port = uri.getPort() > 0 ? uri.getPort() : 5432;
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getRawPath() + query;
        return new DatabaseSettings(jdbc, user, password, Vendor.POSTGRESQL, data);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    public boolean isEmbedded() {
        return vendor == Vendor.HSQLDB && jdbcUrl.startsWith("jdbc:hsqldb:file:");
    }

    /** The JDBC URL with any password parameter masked, for messages. */
    public String displayUrl() {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1****");
    }

    @Override
    public String toString() {
        return "DatabaseSettings[" + displayUrl() + "]";
    }
}
