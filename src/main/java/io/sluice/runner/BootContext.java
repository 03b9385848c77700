package io.sluice.runner;

import io.sluice.SluiceApplication;
import io.sluice.execution.ExecutionService;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import sun.misc.Signal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The Spring context of a command that runs or changes jobs. Boot's own shutdown hook is replaced
 * by one that first asks a running job to stop and waits for its chunk to commit, so that Ctrl-C
 * or SIGTERM leaves a STOPPED execution that restarts cleanly, not one stuck in STARTED, and the
 * process then exits with the command's code (1 for a stopped job), not the signal's 143 or 130.
 * A second signal while it stops ends the process at once. A job about to start when the signal comes
 * ends STOPPED before its first step. A signal that
 * comes while the context is still starting ends the process at once, with the signal's code.
 */
final class BootContext implements AutoCloseable {

    /** How long the hook waits for the running chunk to commit and the command to report. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);

    private final ConfigurableApplicationContext context;
    private final Thread shutdownHook;
    private volatile boolean stopRequested;

    private BootContext(ConfigurableApplicationContext context) {
        this.context = context;
        this.shutdownHook = new Thread(this::stopGracefully, "sluice-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The log file of the last context started in this process ({@code logging.file.name}), once its environment is ready. */
    private static volatile Path logFile;

    static BootContext start() {
        return new BootContext(run(WebApplicationType.NONE));
    }

    /**
     * The context of {@code sluice serve}, with its web server (the REST API and the dashboard) on
     * {@code server.address} and {@code server.port} ({@code SERVER_PORT}); when that port is taken (a second
     * serve on the same machine), the context without a web server, told on {@code out}, so that the
     * schedules still run.
     */
    static BootContext startServing(java.io.PrintStream out) {
        try {
            return new BootContext(run(WebApplicationType.SERVLET));
        } catch (RuntimeException e) {
            Throwable cause = e;
            while (cause != null && !(cause instanceof org.springframework.boot.web.server.PortInUseException)) {
                cause = cause.getCause();
            }
            if (cause == null) {
                throw e;
            }
            out.println("sluice serve: port " + ((org.springframework.boot.web.server.PortInUseException) cause).getPort()
                    + " is in use (another serve on this machine?): running the schedules without the dashboard and the API;"
                    + " set SERVER_PORT to serve them on another port");
            return new BootContext(run(WebApplicationType.NONE));
        }
    }

    private static ConfigurableApplicationContext run(WebApplicationType type) {
        SpringApplication application = new SpringApplication(SluiceApplication.class);
        application.setRegisterShutdownHook(false);
        application.addListeners((ApplicationListener<ApplicationEnvironmentPreparedEvent>) event -> {
            String name = event.getEnvironment().getProperty("logging.file.name");
            logFile = name == null || name.isBlank() ? null : Path.of(name);
        });
        java.util.List<String> arguments = new java.util.ArrayList<>(SluiceCommand.SPRING_ARGUMENTS);
        // spring.main.* in application.yml would override setWebApplicationType; an argument overrides the file
        arguments.add("--spring.main.web-application-type=" + type.name().toLowerCase(java.util.Locale.ROOT));
        return application.run(arguments.toArray(String[]::new));
    }

    /** The URL the web server answers on, or empty when this context has none. */
    Optional<String> webAddress() {
        if (context instanceof org.springframework.boot.web.server.context.WebServerApplicationContext web && web.getWebServer() != null) {
            String address = context.getEnvironment().getProperty("server.address", "127.0.0.1");
            String host = address.contains(":") ? "[" + address + "]" : address;
            if (address.equals("0.0.0.0") || address.equals("::")) {
                try {
                    host = java.net.InetAddress.getLocalHost().getHostName(); // every address of this machine: name it
                } catch (java.net.UnknownHostException e) {
                    host = "localhost";
                }
            }
            return Optional.of("http://" + host + ":" + web.getWebServer().getPort() + "/");
        }
        return Optional.empty();
    }

    /** Where this process's framework log goes, if a context was started. */
    static Optional<Path> logFile() {
        return Optional.ofNullable(logFile);
    }

    static void forgetLogFile() {
        logFile = null;
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** True once a signal asked this process to stop: commands start no further job. */
    boolean stopRequested() {
        return stopRequested;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            return; // the hook is running and closes the context itself
        }
        try {
            context.getBean(io.sluice.execution.LineageEvents.class).flush(Duration.ofSeconds(15)); // the events still being posted
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        context.close();
    }

    private void stopGracefully() {
        if (!context.isActive()) {
            return;
        }
        ExecutionService control = context.getBean(ExecutionService.class);
        stopRequested = true;
        endAtOnceOnAnotherSignal(control);
        if (!control.running().isEmpty()) {
            System.err.println("sluice: stopping after the current chunk (a second Ctrl-C or SIGTERM ends it at once)...");
        }
        control.stopRunning();
        Optional<Integer> code = ProcessExit.awaitCommandCode(STOP_WAIT);
        context.close();
        code.ifPresent(Runtime.getRuntime()::halt);
    }

    /**
     * While this process stops gracefully, a second Ctrl-C or SIGTERM ends it at once, with 128 + the signal's
     * number (130, 143): the JVM itself ignores signals once its shutdown has begun. What still ran is left
     * STARTED or STOPPING, for {@code sluice recover} (or another serve) to settle.
     */
    private static void endAtOnceOnAnotherSignal(ExecutionService control) {
        for (String name : List.of("INT", "TERM")) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    System.err.println("sluice: SIG" + signal.getName() + " again: ending now" + (control.running().isEmpty() ? ""
                            : "; what still ran is left unfinished (`sluice recover` settles it, then `sluice restart` continues it)"));
                    Runtime.getRuntime().halt(128 + signal.getNumber());
                });
            } catch (IllegalArgumentException unsupported) {
                // no such signal here, or the JVM keeps it (-Xrs): the stop waits its full time
            }
        }
    }
}
