package io.sluice.runner;

import io.sluice.execution.ExecutionService;
import io.sluice.SluiceApplication;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Spring context of a command that runs or changes jobs. Boot's own shutdown hook is replaced
 * by one that first asks a running job to stop and waits for its chunk to commit, so that Ctrl-C
 * or SIGTERM leaves a STOPPED execution that restarts cleanly, not one stuck in STARTED.
 */
final class BootContext implements AutoCloseable {

    private static final long STOP_WAIT_SECONDS = 60;

    private final ConfigurableApplicationContext context;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread shutdownHook;

    private BootContext(ConfigurableApplicationContext context) {
        this.context = context;
        this.shutdownHook = new Thread(this::stopGracefully, "sluice-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    static BootContext start() {
        SpringApplication application = new SpringApplication(SluiceApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setRegisterShutdownHook(false);
        return new BootContext(application.run(SluiceCommand.SPRING_ARGUMENTS.toArray(String[]::new)));
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            return; // the hook is running and closes the context itself
        }
        context.close();
    }

    private void stopGracefully() {
        if (context.isActive()) {
            ExecutionService control = context.getBean(ExecutionService.class);
            if (!control.running().isEmpty()) {
                System.err.println("sluice: stopping after the current chunk...");
                control.stopRunning();
                try {
                    finished.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            context.close();
        }
    }
}
