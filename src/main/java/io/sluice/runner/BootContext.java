package io.sluice.runner;

import io.sluice.SluiceApplication;
import io.sluice.execution.ExecutionService;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The Spring context of a command that runs or changes jobs. Boot's own shutdown hook is replaced
 * by one that first asks a running job to stop and waits for its chunk to commit, so that Ctrl-C
 * or SIGTERM leaves a STOPPED execution that restarts cleanly, not one stuck in STARTED, and the
 * process then exits with the command's code (1 for a stopped job), not the signal's 143 or 130.
 * A job about to start when the signal comes ends STOPPED before its first step. A signal that
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
        SpringApplication application = new SpringApplication(SluiceApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setRegisterShutdownHook(false);
        application.addListeners((ApplicationListener<ApplicationEnvironmentPreparedEvent>) event -> {
            String name = event.getEnvironment().getProperty("logging.file.name");
            logFile = name == null || name.isBlank() ? null : Path.of(name);
        });
        return new BootContext(application.run(SluiceCommand.SPRING_ARGUMENTS.toArray(String[]::new)));
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
        context.close();
    }

    private void stopGracefully() {
        if (!context.isActive()) {
            return;
        }
        ExecutionService control = context.getBean(ExecutionService.class);
        stopRequested = true;
        if (!control.running().isEmpty()) {
            System.err.println("sluice: stopping after the current chunk...");
        }
        control.stopRunning();
        Optional<Integer> code = ProcessExit.awaitCommandCode(STOP_WAIT);
        context.close();
        code.ifPresent(Runtime.getRuntime()::halt);
    }
}
