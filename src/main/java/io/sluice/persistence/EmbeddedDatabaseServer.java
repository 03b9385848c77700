package io.sluice.persistence;

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
import java.util.Optional;

/**
 * Lets a second process into the embedded HSQLDB file database while a job holds it.
 *
 * <p>HSQLDB's file mode admits one process at a time. The process that runs a job serves the
 * database it holds on a loopback port (HSQLDB's server mode, same in-process database) and
 * writes the port into {@code sluice.server} beside the database files; later processes that
 * find that file and can connect use the server URL instead of opening the files.
 */
public final class EmbeddedDatabaseServer implements AutoCloseable {

    private static final String SERVER_FILE = "sluice.server";

    private final Server server;
    private final Path serverFile;

    private EmbeddedDatabaseServer(Server server, Path serverFile) {
        this.server = server;
        this.serverFile = serverFile;
    }

    /** The URL a process should use: the running server's if one answers, else the file's. */
    public static DatabaseSettings resolve(DatabaseSettings settings) {
        if (!settings.isEmbedded()) {
            return settings;
        }
        return runningServerPort(settings.dataDir())
                .map(port -> new DatabaseSettings("jdbc:hsqldb:hsql://127.0.0.1:" + port + "/" + DatabaseSettings.EMBEDDED_NAME,
                        settings.username(), settings.password(), settings.vendor(), settings.dataDir()))
                .orElse(settings);
    }

    /** Serves the embedded database this process holds open; null when it is not this process's to serve. */
    public static EmbeddedDatabaseServer serve(DatabaseSettings settings) {
        if (!settings.isEmbedded()) {
            return null;
        }
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
