package io.sluice.execution;

import io.sluice.batch.JobFamily;
import io.sluice.batch.Lineage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * OpenLineage run events of every job execution (specification 2-0-2, {@code RunEvent}): {@code START} as it
 * starts, then {@code COMPLETE}, {@code FAIL} (with an {@code errorMessage} run facet) or {@code ABORT} (stopped
 * or abandoned), each with the datasets its family reads and writes ({@link JobFamily#lineage}). They go to
 * {@code sluice.lineage.url} ({@code SLUICE_LINEAGE_URL}: an HTTP endpoint such as Marquez's
 * {@code /api/v1/lineage}, one POST an event, tried three times) and to {@code sluice.lineage.file}
 * ({@code SLUICE_LINEAGE_FILE}: JSON Lines appended); nowhere when neither is set. An event that cannot be sent
 * is logged and never fails the job.
 *
 * <p>The run's id is a name-based UUID (RFC 4122 version 3) of the job, the execution's id and its creation time,
 * so that both events of a run, from any process, carry the same one. The job's namespace is
 * {@code sluice.lineage.namespace} ({@code sluice}), its name the job's ({@code migrate}, {@code workflow}).
 */
@Component
public class LineageEvents {

    static final String SCHEMA_URL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
    static final String PRODUCER = "urn:io.sluice:sluice";
    private static final String ERROR_FACET_URL = "https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet";
    private static final Logger log = LoggerFactory.getLogger(LineageEvents.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI url;
    private final Path file;
    private final String namespace;
    private final HttpClient http;
    private final ExecutorService posts;

    LineageEvents(@Value("${sluice.lineage.url:}") String url, @Value("${sluice.lineage.file:}") String file,
                  @Value("${sluice.lineage.namespace:sluice}") String namespace) {
        this.url = url.isBlank() ? null : URI.create(url.trim());
        this.file = file.isBlank() ? null : Path.of(file.trim());
        this.namespace = namespace.isBlank() ? "sluice" : namespace.trim();
        this.http = this.url == null ? null : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.posts = this.url == null ? null : Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sluice-lineage");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Whether events go anywhere. */
    boolean enabled() {
        return url != null || file != null;
    }

    /** The listener that sends a job's two events, with the datasets {@code family} names for its parameters. */
    JobExecutionListener listener(JobFamily family, JobParameters parameters) {
        return new JobExecutionListener() {
            private Lineage lineage = Lineage.NONE;

            @Override
            public void beforeJob(JobExecution execution) {
                try {
                    lineage = family.lineage(parameters);
                } catch (RuntimeException e) {
                    log.warn("no lineage for execution {}: {}", execution.getId(), e.toString());
                }
                send(event("START", execution, lineage));
            }

            @Override
            public void afterJob(JobExecution execution) {
                BatchStatus status = execution.getStatus();
                String type = status == BatchStatus.COMPLETED ? "COMPLETE"
                        : status == BatchStatus.STOPPED || status == BatchStatus.ABANDONED ? "ABORT" : "FAIL";
                send(event(type, execution, lineage));
            }
        };
    }

    /** One RunEvent as JSON. */
    ObjectNode event(String type, JobExecution execution, Lineage lineage) {
        ObjectNode event = JSON.createObjectNode();
        event.put("eventType", type);
        event.put("eventTime", OffsetDateTime.now(ZoneId.systemDefault()).toString());
        ObjectNode run = event.putObject("run");
        run.put("runId", runId(execution).toString());
        if (type.equals("FAIL")) {
            ObjectNode error = run.putObject("facets").putObject("errorMessage");
            error.put("_producer", PRODUCER);
            error.put("_schemaURL", ERROR_FACET_URL);
            String description = execution.getExitStatus().getExitDescription();
            String first = description == null ? "" : description.strip().lines().findFirst().orElse("");
            error.put("message", first.isEmpty() ? "the execution ended " + execution.getStatus() : first.length() > 1000 ? first.substring(0, 1000) : first);
            error.put("programmingLanguage", "Java");
        }
        ObjectNode job = event.putObject("job");
        job.put("namespace", namespace);
        String jobName = execution.getJobInstance().getJobName();
        job.put("name", lineage.name() == null ? jobName : jobName + "." + lineage.name());
        datasets(event.putArray("inputs"), lineage.inputs());
        datasets(event.putArray("outputs"), lineage.outputs());
        event.put("producer", PRODUCER);
        event.put("schemaURL", SCHEMA_URL);
        return event;
    }

    private static void datasets(ArrayNode array, List<Lineage.Dataset> datasets) {
        for (Lineage.Dataset dataset : datasets) {
            ObjectNode node = array.addObject();
            node.put("namespace", dataset.namespace());
            node.put("name", dataset.name());
        }
    }

    /** The run's id: the same for both events of an execution, whichever process sends them. */
    static UUID runId(JobExecution execution) {
        String name = "sluice/" + execution.getJobInstance().getJobName() + "/" + execution.getId() + "/" + execution.getCreateTime();
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }

    private void send(ObjectNode event) {
        byte[] body = JSON.writeValueAsBytes(event);
        if (file != null) {
            appendToFile(body);
        }
        if (url != null) {
            posts.execute(() -> post(body));
        }
    }

    private synchronized void appendToFile(byte[] body) {
        byte[] line = new byte[body.length + 1];
        System.arraycopy(body, 0, line, 0, body.length);
        line[body.length] = '\n';
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            log.warn("could not write a lineage event to {}: {}", file, e.toString());
        }
    }

    private void post(byte[] body) {
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 == 2) {
                    return;
                }
                log.warn("the lineage endpoint {} answered HTTP {} (attempt {} of 3)", url, response.statusCode(), attempt);
            } catch (IOException e) {
                log.warn("could not send a lineage event to {} (attempt {} of 3): {}", url, attempt, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(1000L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Waits for the events being posted, at most {@code patience} (at the end of a command, so that none is lost). */
    public void flush(Duration patience) throws InterruptedException {
        if (posts != null) {
            posts.shutdown();
            posts.awaitTermination(patience.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }
}
