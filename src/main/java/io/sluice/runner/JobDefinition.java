package io.sluice.runner;

import org.springframework.scheduling.support.CronExpression;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;

/**
 * A job definition of {@code jobs/}: a name, the family whose job it runs with which parameters, and
 * optionally when ({@link Schedule}).
 *
 * @param name       kebab-case, unique across the folder
 * @param family     the job's name as {@code sluice run} knows it ({@code migrate}, {@code workflow}, {@code analyze-schema})
 * @param parameters the family's parameters as text, as {@code KEY=VALUE} on the command line
 * @param schedule      when it runs by itself, or null for a job run by hand only
 * @param file          the file it was read from
 * @param notifications the webhooks told of its executions, none when empty
 */
record JobDefinition(String name, String family, Map<String, String> parameters, Schedule schedule, Path file,
                     java.util.List<Notification> notifications) {

    JobDefinition(String name, String family, Map<String, String> parameters, Schedule schedule, Path file) {
        this(name, family, parameters, schedule, file, java.util.List.of());
    }

    /** What a notification tells. */
    enum Event {
        /** An execution of the definition ended FAILED. */
        FAILURE,
        /** An execution ended COMPLETED. */
        SUCCESS,
        /** An execution runs longer than {@code after} since its start. */
        LONG,
        /** {@code after} past a fire (or launch), its execution has not completed. */
        LATE;

        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A webhook: an HTTP POST of the event as JSON to {@code url}, signed with HMAC-SHA256 when {@code secretEnv} names
     * the environment variable holding the key.
     *
     * @param after     for {@link Event#LONG} and {@link Event#LATE}: the duration; null for the others
     * @param secretEnv the environment variable with the signing key, or null for unsigned deliveries
     */
    record Notification(Event on, java.net.URI url, Duration after, String secretEnv) {
    }

    /** What a schedule does when a fire time passed while no {@code serve} ran. */
    enum Misfire { RUN_ONCE, SKIP }

    /** What a fire does while the definition's previous execution still runs. */
    enum WhenRunning { SKIP, QUEUE }

    /**
     * When a definition runs by itself: exactly one of {@code cron}, {@code every} and {@code at}.
     *
     * @param cron        Spring's six-field cron (a five-field one is given seconds 0), in {@code zone}
     * @param every       a fixed interval, counted from the previous fire time
     * @param at          one date
     * @param zone        the zone of {@code cron} and of an {@code at} given without an offset
     * @param paused      whether it starts paused ({@code sluice jobs pause|resume} change it afterwards)
     * @param restarts    how many times a failed execution is restarted (0: never)
     * @param backoff     the wait before the first restart, doubled for each next one
     */
    record Schedule(CronExpression cron, String cronText, Duration every, Instant at, ZoneId zone, boolean paused, Misfire misfire,
                    int restarts, Duration backoff, WhenRunning whenRunning) {

        /**
         * The first fire time after {@code after}, if there is one: by the cron; {@code every} after the previous fire
         * (one interval after {@code after} when it never fired); {@code at} unless it fired already.
         */
        Optional<Instant> nextAfter(Instant after, Instant previousFire) {
            if (cron != null) {
                ZonedDateTime next = cron.next(after.atZone(zone));
                return Optional.ofNullable(next).map(ZonedDateTime::toInstant);
            }
            if (every != null) {
                if (previousFire == null) {
                    return Optional.of(after.plus(every));
                }
                Instant next = previousFire.plus(every);
                while (!next.isAfter(after)) {
                    next = next.plus(every);
                }
                return Optional.of(next);
            }
            return previousFire == null ? Optional.of(at) : Optional.empty();
        }

        /** The schedule in words: {@code cron 0 0 2 * * * Europe/Paris}, {@code every PT15M}, {@code at 2026-12-24T17:00:00Z}. */
        String describe() {
            if (cron != null) {
                return "cron " + cronText + " " + zone;
            }
            return every != null ? "every " + every : "at " + at;
        }
    }
}
