package io.sluice.runner;

import io.sluice.monitoring.ErrorLines;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The webhooks of the job definitions, told by {@code serve}: at each tick it looks at each definition's last
 * execution and tells its {@code failure} or {@code success} once it has ended (within the last hour, so that a
 * serve starting after a long pause does not tell old news), {@code long} once it has run longer than
 * {@code after}, and {@code late} once {@code after} has passed since the definition's last fire or launch
 * without its execution completing.
 *
 * <p>Each event is told once across every serve process: the process whose insert into {@code job_notifications}
 * succeeds delivers it. A delivery is an HTTP POST of a JSON body
 * ({@code {"event", "definition", "execution": {...}, "sentAt"}}) with the headers {@code X-Sluice-Event},
 * {@code X-Sluice-Delivery} and, when the notification names {@code secret-env}, {@code X-Sluice-Signature-256:
 * sha256=HEX}, the HMAC-SHA256 of the body with that variable's value as key (as GitHub signs its webhooks); a
 * serve without that variable leaves the event to one that has it, never sending it unsigned. A delivery that fails (no answer, or a status other than 2xx) is tried again after 1, 2, 4 and 8 s, each attempt
 * recorded.
 */
final class Notifications implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration RECENT = Duration.ofHours(1);
    private static final int ATTEMPTS = 5;
    private static final String EXECUTION = """
            SELECT e.JOB_EXECUTION_ID, i.JOB_NAME, e.STATUS, e.EXIT_CODE, e.EXIT_MESSAGE, e.START_TIME, e.END_TIME
            FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_INSTANCE i ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID
            WHERE e.JOB_EXECUTION_ID = :id
            """;
    private static final String CLAIM = """
            INSERT INTO job_notifications (name, event, subject, url, claimed_at, attempts) VALUES (:name, :event, :subject, :url, :now, 0)
            """;
    private static final String ATTEMPTED = """
            UPDATE job_notifications SET attempts = attempts + 1, last_error = :error, delivered_at = :delivered
            WHERE name = :name AND event = :event AND subject = :subject AND url = :url
            """;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final PrintStream out;
    private final Function<String, String> environment;
    /** The notifications this serve could not sign and has said so of, once each. */
    private final Set<String> unsignable = ConcurrentHashMap.newKeySet();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ScheduledExecutorService deliveries = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sluice-webhooks");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param environment the process's environment variables by name ({@code System::getenv}), for the signing keys
     */
    Notifications(JdbcClient jdbc, Clock clock, PrintStream out, Function<String, String> environment) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.out = out;
        this.environment = environment;
    }

    /** An execution as a notification tells it; times in the job repository's wall-clock zone. */
    private record Execution(long id, String job, String status, String exitCode, String exitMessage, LocalDateTime started,
                             LocalDateTime ended) {

        boolean running() {
            return List.of("STARTING", "STARTED", "STOPPING").contains(status);
        }
    }

    /** Tells what is due for each definition that has notifications, given the rows of {@code job_schedules}. */
    void tick(Map<String, JobDefinition> definitions, List<JobSchedules.Row> rows) {
        Instant now = clock.instant();
        for (JobSchedules.Row row : rows) {
            JobDefinition definition = definitions.get(row.name());
            if (definition == null || definition.notifications().isEmpty()) {
                continue;
            }
            Optional<Execution> last = row.lastExecutionId() == null ? Optional.empty() : execution(row.lastExecutionId());
            for (JobDefinition.Notification notification : definition.notifications()) {
                due(notification, row, last, now).ifPresent(subject -> claimAndDeliver(definition.name(), notification, subject, last.orElse(null)));
            }
        }
    }

    /** The subject of the notification's event when it is due now: the execution's id, or for {@code late} the fire time. */
    private static Optional<String> due(JobDefinition.Notification notification, JobSchedules.Row row, Optional<Execution> last, Instant now) {
        LocalDateTime wallNow = LocalDateTime.ofInstant(now, ZoneId.systemDefault());
        return switch (notification.on()) {
            case FAILURE, SUCCESS -> last.filter(e -> e.ended() != null && e.ended().isAfter(wallNow.minus(RECENT))
                            && e.status().equals(notification.on() == JobDefinition.Event.FAILURE ? "FAILED" : "COMPLETED"))
                    .map(e -> Long.toString(e.id()));
            case LONG -> last.filter(e -> e.running() && e.started() != null && e.started().plus(notification.after()).isBefore(wallNow))
                    .map(e -> Long.toString(e.id()));
            case LATE -> {
                Instant fire = row.lastFireAt();
                boolean overdue = fire != null && fire.plus(notification.after()).isBefore(now) && fire.plus(notification.after()).isAfter(now.minus(RECENT));
                boolean completedInTime = fire != null && last.filter(e -> e.status().equals("COMPLETED") && e.ended() != null && e.started() != null
                        && !e.started().isBefore(LocalDateTime.ofInstant(fire.minusSeconds(5), ZoneId.systemDefault()))
                        && !e.ended().isAfter(LocalDateTime.ofInstant(fire.plus(notification.after()), ZoneId.systemDefault()))).isPresent();
                yield overdue && !completedInTime ? Optional.of(fire.toString()) : Optional.empty();
            }
        };
    }

    private Optional<Execution> execution(long id) {
        return jdbc.sql(EXECUTION).param("id", id).query((rs, n) -> new Execution(rs.getLong("JOB_EXECUTION_ID"), rs.getString("JOB_NAME"),
                rs.getString("STATUS"), rs.getString("EXIT_CODE"), rs.getString("EXIT_MESSAGE"), localTime(rs.getTimestamp("START_TIME")),
                localTime(rs.getTimestamp("END_TIME")))).optional();
    }

    private static LocalDateTime localTime(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toLocalDateTime();
    }

    private void claimAndDeliver(String name, JobDefinition.Notification notification, String subject, Execution execution) {
        if (notification.secretEnv() != null && !hasKey(notification)) {
            // left to a serve that has the key: a receiver that checks signatures would refuse an unsigned message,
            // one that does not would take a forgeable one
            if (unsignable.add(name + " " + notification.on().word() + " " + notification.url())) {
                out.println("sluice: " + notification.secretEnv() + " is not set in this serve's environment: it does not tell "
                        + notification.url().getHost() + " of " + name + "'s " + notification.on().word() + " (never unsigned); a serve that has it does");
            }
            return;
        }
        try {
            jdbc.sql(CLAIM).param("name", name).param("event", notification.on().word()).param("subject", subject)
                    .param("url", notification.url().toString()).param("now", Timestamp.from(clock.instant())).update();
        } catch (DuplicateKeyException told) {
            return; // told already, by this process or another
        }
        byte[] body = body(name, notification.on(), execution);
        deliveries.execute(() -> deliver(name, notification, subject, body, 1));
    }

    private byte[] body(String name, JobDefinition.Event event, Execution execution) {
        ObjectNode json = JSON.createObjectNode();
        json.put("event", event.word());
        json.put("definition", name);
        if (execution != null) {
            ObjectNode e = json.putObject("execution");
            e.put("id", execution.id());
            e.put("job", execution.job());
            e.put("status", execution.status());
            e.put("exitCode", execution.exitCode());
            e.put("exitDescription", String.join("\n", ErrorLines.readable(execution.exitMessage())));
            e.put("started", execution.started() == null ? null : execution.started().atZone(ZoneId.systemDefault()).toOffsetDateTime().toString());
            e.put("ended", execution.ended() == null ? null : execution.ended().atZone(ZoneId.systemDefault()).toOffsetDateTime().toString());
        }
        json.put("sentAt", clock.instant().toString());
        return JSON.writeValueAsBytes(json);
    }

    private void deliver(String name, JobDefinition.Notification notification, String subject, byte[] body, int attempt) {
        String error;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(notification.url()).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").header("User-Agent", "sluice")
                    .header("X-Sluice-Event", notification.on().word()).header("X-Sluice-Delivery", name + "/" + notification.on().word() + "/" + subject)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            signature(notification, body).ifPresent(signature -> request.header("X-Sluice-Signature-256", signature));
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            error = response.statusCode() / 100 == 2 ? null : "HTTP " + response.statusCode();
        } catch (java.io.IOException e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        String recorded = error == null ? null : error.length() > 500 ? error.substring(0, 500) : error;
        jdbc.sql(ATTEMPTED).param("error", recorded).param("delivered", error == null ? Timestamp.from(clock.instant()) : null, java.sql.Types.TIMESTAMP)
                .param("name", name).param("event", notification.on().word()).param("subject", subject).param("url", notification.url().toString())
                .update();
        if (error == null) {
            out.println("sluice: told " + notification.url().getHost() + " of " + name + "'s " + notification.on().word() + " (" + subject + ")");
        } else if (attempt < ATTEMPTS) {
            try {
                deliveries.schedule(() -> deliver(name, notification, subject, body, attempt + 1), 1L << (attempt - 1), TimeUnit.SECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                out.println("sluice: could not tell " + notification.url().getHost() + " of " + name + "'s " + notification.on().word()
                        + " (" + subject + "): " + error + "; serve stopped before trying again");
            }
        } else {
            out.println("sluice: could not tell " + notification.url().getHost() + " of " + name + "'s " + notification.on().word() + " ("
                    + subject + ") after " + ATTEMPTS + " attempts: " + error);
        }
    }

    private boolean hasKey(JobDefinition.Notification notification) {
        String key = environment.apply(notification.secretEnv());
        return key != null && !key.isEmpty();
    }

    /** {@code sha256=HEX} of the body with the key from {@code secret-env} (set: {@link #claimAndDeliver} checks), or empty without one. */
    private Optional<String> signature(JobDefinition.Notification notification, byte[] body) {
        if (notification.secretEnv() == null) {
            return Optional.empty();
        }
        String key = environment.apply(notification.secretEnv());
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Optional.of("sha256=" + HexFormat.of().formatHex(mac.doFinal(body)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * Waits for the deliveries under way (their retries included), at most {@code patience}.
     *
     * @return false when some were still pending after it
     */
    boolean awaitDeliveries(Duration patience) throws InterruptedException {
        deliveries.shutdown();
        return deliveries.awaitTermination(patience.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        deliveries.shutdownNow();
    }
}
