package io.sluice.runner;

import org.springframework.scheduling.support.CronExpression;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The job definitions of a folder ({@code jobs/}: its {@code *.yml} and {@code *.yaml} files, one definition
 * a file), read with every problem of every file collected at once, each with its file and line:
 * <pre>
 * name: nightly-sales            # kebab-case, unique in the folder
 * family: workflow               # a job sluice runs: migrate, workflow, analyze-schema...
 * parameters:                    # the family's parameters, as sluice run takes them
 *   id: wf_sales
 * schedule:                      # optional: exactly one of cron, every, at
 *   cron: "0 30 2 * * *"         # Spring's six fields (seconds first); five fields get seconds 0; @daily...
 *   zone: Europe/Paris           # default UTC
 *   every: 15m                   # or a fixed interval: 30s, 15m, 2h, 1d, or ISO-8601 PT15M
 *   at: 2026-12-24T18:00         # or one date (in zone, unless it has an offset)
 *   paused: false
 *   misfire: run-once            # or skip: what a fire time missed while no serve ran does
 *   when-running: skip           # or queue: a fire while the previous execution still runs
 *   retry: {restarts: 2, backoff: 1m}
 * </pre>
 * The family's parameters are checked by the family itself ({@code jobs validate}), not here.
 */
final class JobDefinitions {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(s|m|h|d)");
    private static final Set<String> TOP = Set.of("name", "family", "parameters", "schedule", "description", "notifications");
    private static final Set<String> NOTIFICATION = Set.of("on", "url", "after", "secret-env");
    private static final Set<String> SCHEDULE = Set.of("cron", "every", "at", "zone", "paused", "misfire", "when-running", "retry");

    private JobDefinitions() {
    }

    /** What a folder holds: the definitions that read well, and every problem, each {@code FILE line N: ...}. */
    record Loaded(List<JobDefinition> definitions, List<String> problems) {
    }

    /** Reads every definition file of {@code folder} (none when it does not exist). */
    static Loaded read(Path folder) {
        List<JobDefinition> definitions = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return new Loaded(definitions, problems);
        }
        List<Path> files;
        try (Stream<Path> listed = Files.list(folder)) {
            files = listed.filter(f -> f.getFileName().toString().matches(".*\\.ya?ml")).sorted().toList();
        } catch (IOException e) {
            return new Loaded(definitions, List.of(folder + ": cannot be listed (" + e.getMessage() + ")"));
        }
        Map<String, Path> names = new LinkedHashMap<>();
        for (Path file : files) {
            Problems found = new Problems(file);
            JobDefinition definition;
            try {
                definition = readOne(file, found);
            } catch (RuntimeException e) {
                found.add(1, "cannot be read as a job definition (" + e + ")"); // what no check above foresaw, told, never thrown
                definition = null;
            }
            if (definition != null && names.putIfAbsent(definition.name(), file) != null) {
                found.add(1, "name " + definition.name() + " is the name of " + names.get(definition.name()).getFileName() + " too");
                definition = null;
            }
            if (definition != null && found.list.isEmpty()) {
                definitions.add(definition);
            }
            problems.addAll(found.inLineOrder());
        }
        return new Loaded(definitions, problems);
    }

    private static JobDefinition readOne(Path file, Problems problems) {
        Node root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(reader);
        } catch (MarkedYAMLException e) {
            problems.add(e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1, "not YAML: " + e.getProblem());
            return null;
        } catch (IOException | RuntimeException e) {
            problems.add(1, "cannot be read (" + e.getMessage() + ")");
            return null;
        }
        if (!(root instanceof MappingNode mapping)) {
            problems.add(root == null ? 1 : line(root), "a job definition is a mapping (name:, family:, parameters:, schedule:)");
            return null;
        }
        Map<String, NodeTuple> top = keys(mapping, TOP, problems);
        String name = scalar(top.get("name"), problems, "name", true);
        if (name != null && (!NAME.matcher(name).matches() || name.length() > 100)) {
            problems.add(line(top.get("name").getValueNode()), "name '" + name + "' is not kebab-case (nightly-sales) of at most 100 characters");
        }
        String family = scalar(top.get("family"), problems, "family", true);
        Map<String, String> parameters = new LinkedHashMap<>();
        NodeTuple given = top.get("parameters");
        if (given != null) {
            if (given.getValueNode() instanceof MappingNode map) {
                for (NodeTuple parameter : map.getValue()) {
                    if (!(parameter.getKeyNode() instanceof ScalarNode keyNode)) {
                        problems.add(line(parameter.getKeyNode()), "a parameter's name is a single word");
                        continue;
                    }
                    String key = keyNode.getValue();
                    if (parameters.containsKey(key)) {
                        problems.add(line(keyNode), "parameter " + key + " is given twice");
                    } else if (parameter.getValueNode() instanceof ScalarNode value) {
                        parameters.put(key, value.getValue());
                    } else {
                        problems.add(line(parameter.getValueNode()), "parameter " + key + " is not a single value");
                    }
                }
            } else {
                problems.add(line(given.getValueNode()), "parameters is a mapping of names to values");
            }
        }
        JobDefinition.Schedule schedule = top.get("schedule") == null ? null : schedule(top.get("schedule").getValueNode(), problems);
        List<JobDefinition.Notification> notifications = top.get("notifications") == null ? List.of()
                : notifications(top.get("notifications").getValueNode(), problems);
        if (name == null || family == null) {
            return null;
        }
        return new JobDefinition(name, family, parameters, schedule, file, notifications);
    }

    /** The {@code notifications:} list: each with {@code on}, an http(s) {@code url}, {@code after} for long and late. */
    private static List<JobDefinition.Notification> notifications(Node node, Problems problems) {
        if (!(node instanceof SequenceNode sequence)) {
            problems.add(line(node), "notifications is a list (- on: failure, url: https://...)");
            return List.of();
        }
        List<JobDefinition.Notification> notifications = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            if (!(item instanceof MappingNode mapping)) {
                problems.add(line(item), "a notification is a mapping (on:, url:, after:, secret-env:)");
                continue;
            }
            Map<String, NodeTuple> keys = keys(mapping, NOTIFICATION, problems);
            JobDefinition.Event on = null;
            String onText = scalar(keys.get("on"), problems, "on", false);
            if (onText == null) {
                problems.add(line(item), "a notification needs on: failure, success, long or late");
            } else {
                try {
                    on = JobDefinition.Event.valueOf(onText.trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    problems.add(line(keys.get("on").getValueNode()), "on '" + onText + "' is none of failure, success, long, late");
                }
            }
            java.net.URI url = null;
            String urlText = scalar(keys.get("url"), problems, "url", false);
            if (urlText == null) {
                problems.add(line(item), "a notification needs a url");
            } else {
                try {
                    url = new java.net.URI(urlText.trim());
                    if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null || urlText.length() > 2000) {
                        throw new java.net.URISyntaxException(urlText, "not an http or https URL");
                    }
                } catch (java.net.URISyntaxException e) {
                    problems.add(line(keys.get("url").getValueNode()), "url '" + urlText + "' is not an http:// or https:// URL of at most 2,000 characters");
                    url = null;
                }
            }
            String afterText = scalar(keys.get("after"), problems, "after", false);
            Duration after = afterText == null ? null : duration(afterText, keys.get("after").getValueNode(), "after", problems);
            if ((on == JobDefinition.Event.LONG || on == JobDefinition.Event.LATE) && afterText == null) {
                problems.add(line(item), "a notification on " + on.word() + " needs after: (a duration like 2h)");
            } else if (afterText != null && on != null && on != JobDefinition.Event.LONG && on != JobDefinition.Event.LATE) {
                problems.add(line(keys.get("after").getValueNode()), "after applies to long and late notifications only");
            }
            String secretEnv = scalar(keys.get("secret-env"), problems, "secret-env", false);
            if (secretEnv != null && !secretEnv.matches("[A-Za-z_][A-Za-z0-9_]{0,99}")) {
                problems.add(line(keys.get("secret-env").getValueNode()), "secret-env '" + secretEnv
                        + "' is not an environment variable's name (the key itself never goes in the file)");
                secretEnv = null;
            }
            if (on != null && url != null) {
                notifications.add(new JobDefinition.Notification(on, url, after, secretEnv));
            }
        }
        return notifications;
    }

    private static JobDefinition.Schedule schedule(Node node, Problems problems) {
        if (!(node instanceof MappingNode mapping)) {
            problems.add(line(node), "schedule is a mapping (cron:, every: or at:)");
            return null;
        }
        Map<String, NodeTuple> keys = keys(mapping, SCHEDULE, problems);
        ZoneId zone = ZoneId.of("UTC");
        String zoneText = scalar(keys.get("zone"), problems, "zone", false);
        if (zoneText != null) {
            try {
                zone = ZoneId.of(zoneText);
            } catch (DateTimeException e) {
                problems.add(line(keys.get("zone").getValueNode()), "zone '" + zoneText + "' is not a time zone (Europe/Paris, UTC)");
            }
        }
        String cronText = scalar(keys.get("cron"), problems, "cron", false);
        String everyText = scalar(keys.get("every"), problems, "every", false);
        String atText = scalar(keys.get("at"), problems, "at", false);
        long given = Stream.of(cronText, everyText, atText).filter(v -> v != null).count();
        if (given != 1) {
            problems.add(line(node), "a schedule has exactly one of cron, every and at" + (given == 0 ? "" : ", not " + given));
        }
        CronExpression cron = null;
        if (cronText != null) {
            String six = cronText.trim().split("\\s+").length == 5 ? "0 " + cronText.trim() : cronText.trim();
            try {
                cron = CronExpression.parse(six);
            } catch (IllegalArgumentException e) {
                problems.add(line(keys.get("cron").getValueNode()), "cron '" + cronText + "': " + e.getMessage());
            }
        }
        Duration every = everyText == null ? null : duration(everyText, keys.get("every").getValueNode(), "every", problems);
        Instant at = null;
        if (atText != null) {
            try {
                at = OffsetDateTime.parse(atText).toInstant();
            } catch (DateTimeParseException withoutOffset) {
                try {
                    at = LocalDateTime.parse(atText).atZone(zone).toInstant();
                } catch (DateTimeParseException e) {
                    problems.add(line(keys.get("at").getValueNode()), "at '" + atText + "' is not a date and time (2026-12-24T18:00)");
                }
            }
            if (at != null && (at.isBefore(Instant.parse("2000-01-01T00:00:00Z")) || at.isAfter(Instant.parse("9999-01-01T00:00:00Z")))) {
                problems.add(line(keys.get("at").getValueNode()), "at '" + atText + "' is not a date between the years 2000 and 9999");
                at = null;
            }
        }
        if (cronText != null && cronText.length() > 150) {
            problems.add(line(keys.get("cron").getValueNode()), "cron is at most 150 characters");
        }
        boolean paused = false;
        String pausedText = scalar(keys.get("paused"), problems, "paused", false);
        if (pausedText != null) {
            if (!pausedText.equals("true") && !pausedText.equals("false")) {
                problems.add(line(keys.get("paused").getValueNode()), "paused is true or false, not '" + pausedText + "'");
            }
            paused = pausedText.equals("true");
        }
        JobDefinition.Misfire misfire = choice(keys.get("misfire"), JobDefinition.Misfire.class, JobDefinition.Misfire.RUN_ONCE, problems);
        JobDefinition.WhenRunning whenRunning = choice(keys.get("when-running"), JobDefinition.WhenRunning.class, JobDefinition.WhenRunning.SKIP, problems);
        int restarts = 0;
        Duration backoff = Duration.ofMinutes(1);
        NodeTuple retry = keys.get("retry");
        if (retry != null) {
            if (retry.getValueNode() instanceof MappingNode retryMap) {
                Map<String, NodeTuple> retryKeys = keys(retryMap, Set.of("restarts", "backoff"), problems);
                String restartsText = scalar(retryKeys.get("restarts"), problems, "restarts", false);
                if (restartsText != null) {
                    if (restartsText.matches("\\d{1,3}")) {
                        restarts = Integer.parseInt(restartsText);
                    } else {
                        problems.add(line(retryKeys.get("restarts").getValueNode()), "restarts is a whole number from 0 to 999, not '" + restartsText + "'");
                    }
                }
                String backoffText = scalar(retryKeys.get("backoff"), problems, "backoff", false);
                if (backoffText != null) {
                    Duration parsed = duration(backoffText, retryKeys.get("backoff").getValueNode(), "backoff", problems);
                    backoff = parsed == null ? backoff : parsed;
                }
            } else {
                problems.add(line(retry.getValueNode()), "retry is a mapping (restarts:, backoff:)");
            }
        }
        return new JobDefinition.Schedule(cron, cronText, every, at, zone, paused, misfire, restarts, backoff, whenRunning);
    }

    /** {@code 30s}, {@code 15m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT15M}); positive. */
    private static Duration duration(String text, Node node, String what, Problems problems) {
        Matcher matcher = SHORT_DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        Duration duration = null;
        if (matcher.matches() && matcher.group(1).length() <= 9) {
            long amount = Long.parseLong(matcher.group(1));
            duration = switch (matcher.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        } else if (!matcher.matches()) {
            try {
                duration = Duration.parse(text.trim());
            } catch (DateTimeParseException e) {
                // said below
            }
        }
        if (duration == null || duration.isZero() || duration.isNegative() || duration.compareTo(Duration.ofDays(3660)) > 0) {
            problems.add(line(node), what + " '" + text + "' is not a positive duration of at most ten years (30s, 15m, 2h, 1d, PT15M)");
            return null;
        }
        return duration;
    }

    private static <E extends Enum<E>> E choice(NodeTuple tuple, Class<E> type, E fallback, Problems problems) {
        String text = tuple == null ? null : scalar(tuple, problems, ((ScalarNode) tuple.getKeyNode()).getValue(), false);
        if (text == null) {
            return fallback;
        }
        for (E value : type.getEnumConstants()) {
            if (value.name().replace('_', '-').equalsIgnoreCase(text)) {
                return value;
            }
        }
        List<String> allowed = Stream.of(type.getEnumConstants()).map(v -> v.name().replace('_', '-').toLowerCase(Locale.ROOT)).toList();
        problems.add(line(tuple.getValueNode()), ((ScalarNode) tuple.getKeyNode()).getValue() + " is " + String.join(" or ", allowed) + ", not '" + text + "'");
        return fallback;
    }

    /** The keys of a mapping, by name; an unknown or repeated key is a problem. */
    private static Map<String, NodeTuple> keys(MappingNode mapping, Set<String> known, Problems problems) {
        Map<String, NodeTuple> keys = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String key = tuple.getKeyNode() instanceof ScalarNode scalar ? scalar.getValue() : null;
            if (key == null || !known.contains(key)) {
                problems.add(line(tuple.getKeyNode()), "unknown key " + (key == null ? "" : key + " ") + "(known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            } else if (keys.putIfAbsent(key, tuple) != null) {
                problems.add(line(tuple.getKeyNode()), key + " is given twice");
            }
        }
        return keys;
    }

    /** A key's single value, or null (with a problem when it is required or not a single value). */
    private static String scalar(NodeTuple tuple, Problems problems, String key, boolean required) {
        if (tuple == null) {
            if (required) {
                problems.add(1, key + " is missing");
            }
            return null;
        }
        if (!(tuple.getValueNode() instanceof ScalarNode value) || value.getValue().isBlank()) {
            problems.add(line(tuple.getValueNode()), key + " needs a single value");
            return null;
        }
        return value.getValue();
    }

    private static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    /** A file's problems, each {@code FILE line N: ...}. */
    private static final class Problems {
        final Path file;
        final List<String> list = new ArrayList<>();
        private final List<Integer> lines = new ArrayList<>();

        Problems(Path file) {
            this.file = file;
        }

        void add(int line, String problem) {
            list.add(file + " line " + line + ": " + problem);
            lines.add(line);
        }

        /** The problems by their line, those of one line in the order found. */
        List<String> inLineOrder() {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                order.add(i);
            }
            order.sort(java.util.Comparator.comparingInt(lines::get));
            return order.stream().map(list::get).toList();
        }
    }
}
