package io.sluice.persistence;

import io.sluice.ConflictException;
import org.hsqldb.server.Server;
import org.hsqldb.server.ServerConstants;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Lets a second process into the embedded HSQLDB file database while a job holds it, and waits out
 * the lock a killed process left behind.
 *
 * <p>HSQLDB's file mode admits one process at a time. The process that holds the database files
 * serves them on a loopback port (HSQLDB's server mode, same in-process database) and writes the
 * port into {@code sluice.server} beside the database files; later processes that find that file and
 * can connect use the server instead of opening the files. A process killed with {@code kill -9}
 * leaves its lock file ({@code sluice.lck}) with a heartbeat that HSQLDB honours for about ten
 * seconds: {@link #connect} waits that out, saying so once, instead of failing.
 */
public final class EmbeddedDatabaseServer implements AutoCloseable {

    private static final String SERVER_FILE = "sluice.server";
    private static final String LOCK_FILE = DatabaseSettings.EMBEDDED_NAME + ".lck";
    /** HSQLDB's error code for "Database lock acquisition failure". */
    private static final int LOCK_ACQUISITION_FAILURE = -451;
    /** How long a process waits for the files, beyond the ten seconds of a killed process's heartbeat. */
    static final Duration PATIENCE = Duration.ofSeconds(40);
    private static final Duration NOTICE_AFTER = Duration.ofSeconds(1);
    /** The wait is told once per process, not once per pooled connection. */
    private static final AtomicBoolean TOLD = new AtomicBoolean();

    private final Server server;
    private final Path serverFile;

    private EmbeddedDatabaseServer(Server server, Path serverFile) {
        this.server = server;
        this.serverFile = serverFile;
    }

    /** A connection to the embedded database, and whether it opened the files in this process (rather than another's server). */
    record Route(Connection connection, boolean filesOpenedHere) {
    }

    /**
     * Connects to the embedded database: through the loopback server of the process that holds it, when one
     * answers, or else to the files named by {@code fileUrl}. When the files are locked by a process that
     * does not serve them (one that was killed, or is starting or ending), it tries again until they are
     * free or a server answers, telling {@code notice} once that it waits.
     *
     * @param settings the embedded settings (data folder, user, password)
     * @param fileUrl  the JDBC URL of the files (the settings' own URL, or a read-only variant)
     * @throws ConflictException when the files stay locked for {@link #PATIENCE}
     * @throws SQLException    any other failure to connect
     */
    static Route connect(DatabaseSettings settings, String fileUrl, Consumer<String> notice) throws SQLException {
        Instant deadline = Instant.now().plus(PATIENCE);
        AtomicBoolean connected = new AtomicBoolean();
        Runnable tell = () -> {
            if (!connected.get() && TOLD.compareAndSet(false, true)) {
                notice.accept("sluice: waiting for the previous process's lock on the embedded database under "
                        + settings.dataDir() + " to expire (a process that was killed holds it for about 10 s)...");
            }
        };
        boolean timerSet = false;
        try {
            while (true) {
                Optional<Integer> port = runningServerPort(settings.dataDir());
                if (port.isEmpty() && !timerSet && Files.exists(settings.dataDir().resolve(LOCK_FILE))) {
                    // HSQLDB itself waits up to about 10 s for a stale lock: say so if that is what takes the time
                    CompletableFuture.delayedExecutor(NOTICE_AFTER.toMillis(), TimeUnit.MILLISECONDS).execute(tell);
                    timerSet = true;
                }
                try {
                    Route route = port.isPresent()
                            ? new Route(DriverManager.getConnection(serverUrl(port.get()), settings.username(), settings.password()), false)
                            : new Route(DriverManager.getConnection(fileUrl, settings.username(), settings.password()), true);
                    connected.set(true);
                    return route;
                } catch (SQLException e) {
                    if (port.isEmpty() && e.getErrorCode() != LOCK_ACQUISITION_FAILURE) {
                        throw e;
                    }
                    // the files are locked, or the server's process is ending: both become free soon
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new ConflictException("the embedded database under " + settings.dataDir()
                            + " is held by another process that does not share it; wait for that process to end"
                            + " (use PostgreSQL for several processes at once)");
                }
                tell.run();
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for the embedded database", e);
        } finally {
            connected.set(true);
        }
    }

    /** The URL a process should use: the running server's if one answers, else the file's. */
    public static DatabaseSettings resolve(DatabaseSettings settings) {
        if (!settings.isEmbedded()) {
            return settings;
        }
        return runningServerPort(settings.dataDir())
                .map(port -> new DatabaseSettings(serverUrl(port), settings.username(), settings.password(), settings.vendor(), settings.dataDir()))
                .orElse(settings);
    }

    /**
     * Serves the embedded database this process holds open on a free loopback port, and writes that port
     * into {@code sluice.server}; null when the server does not come up (then no one else gets in).
     */
    static EmbeddedDatabaseServer serve(DatabaseSettings settings) {
        int port = freeLoopbackPort();
        Server server = new Server();
        server.setLogWriter(null);
        server.setErrWriter(null);
        server.setSilent(true);
        server.setTrace(false);
        server.setAddress("127.0.0.1");
        server.setPort(port);
        server.setDatabaseName(0, DatabaseSettings.EMBEDDED_NAME);
        server.setDatabasePath(0, "file:" + settings.dataDir().resolve(DatabaseSettings.EMBEDDED_NAME));
        server.setNoSystemExit(true);
        server.start();
        if (server.getState() != ServerConstants.SERVER_STATE_ONLINE) {
            server.stop();
            return null;
        }
        Path file = settings.dataDir().resolve(SERVER_FILE);
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
            out.println(port + " " + ProcessHandle.current().pid());
        } catch (IOException e) {
            server.stop();
            throw new UncheckedIOException(e);
        }
        return new EmbeddedDatabaseServer(server, file);
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(serverFile);
        } catch (IOException ignored) {
            // a stale file is harmless: readers check that the port answers
        }
        server.stop();
    }

    private static String serverUrl(int port) {
        return "jdbc:hsqldb:hsql://127.0.0.1:" + port + "/" + DatabaseSettings.EMBEDDED_NAME;
    }

    private static Optional<Integer> runningServerPort(Path dataDir) {
        Path file = dataDir.resolve(SERVER_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String[] fields = Files.readString(file).trim().split("\\s+");
            int port = Integer.parseInt(fields[0]);
            long pid = Long.parseLong(fields[1]);
            if (pid == ProcessHandle.current().pid() || !answers(port)) {
                return Optional.empty();
            }
            return Optional.of(port);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
