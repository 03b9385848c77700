package io.sluice;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Spring Boot application behind the commands that run jobs. The process entry point is
 * {@link io.sluice.runner.SluiceCommand}: read-only commands answer without starting this context.
 */
@SpringBootApplication
public class SluiceApplication {
}
