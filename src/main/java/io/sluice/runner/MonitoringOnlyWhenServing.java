package io.sluice.runner;

import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

import java.util.List;

/**
 * Leaves the actuator's, Micrometer's and the health checks' auto-configurations out of a context that
 * runs no web server: only {@code serve} has {@code /actuator/health} and {@code /actuator/prometheus}
 * to answer, and in a one-off command (a workflow run, a migration) they cost some 0.35 s of start-up
 * (measured on a two-row workflow run) for metrics nobody can read. A Boot auto-configuration import
 * filter, registered in {@code META-INF/spring.factories}; it reads {@code spring.main.web-application-type},
 * which {@link BootContext} always sets.
 */
public final class MonitoringOnlyWhenServing implements AutoConfigurationImportFilter, EnvironmentAware {

    /** The packages, or package parts, of monitoring auto-configurations in Boot 4's modules. */
    private static final List<String> MONITORING = List.of(
            "org.springframework.boot.actuate.", "org.springframework.boot.micrometer.", "org.springframework.boot.health.",
            ".actuate.", ".metrics.", ".health.", ".observation.");

    private boolean serving = true;

    @Override
    public void setEnvironment(Environment environment) {
        serving = !"none".equalsIgnoreCase(environment.getProperty("spring.main.web-application-type", "servlet"));
    }

    /**
     * @param autoConfigurationClasses the candidates' class names (null where an earlier filter removed one)
     * @return for each candidate, whether it stays: all do in a web context, none of the monitoring ones otherwise
     */
    @Override
    public boolean[] match(String[] autoConfigurationClasses, AutoConfigurationMetadata autoConfigurationMetadata) {
        boolean[] keep = new boolean[autoConfigurationClasses.length];
        for (int i = 0; i < autoConfigurationClasses.length; i++) {
            String name = autoConfigurationClasses[i];
            keep[i] = serving || name == null || !monitoring(name);
        }
        return keep;
    }

    private static boolean monitoring(String className) {
        return MONITORING.stream().anyMatch(className::contains) || className.endsWith("ObservationAutoConfiguration")
                || className.endsWith("EndpointAutoConfiguration");
    }
}
