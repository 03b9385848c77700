package io.sluice.web;

import io.sluice.testing.PackagedJar;
import io.sluice.testing.TestDatabase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code sluice serve} process of the packaged jar on a free port ({@code SERVER_PORT=0}), with an HTTP
 * client for its REST API and dashboard. Closing it sends SIGTERM and waits for the process to end.
 */
final class ServeProcess implements AutoCloseable {

    private static final Pattern ADDRESS = Pattern.compile("dashboard at (http://\\S+/),");
    static final JsonMapper JSON = JsonMapper.builder().build();

    final Process process;
    final Path log;
    final String url;
    private final HttpClient http = HttpClient.newHttpClient();
    private String authorization;

    private ServeProcess(Process process, Path log, String url) {
        this.process = process;
        this.log = log;
        this.url = url;
    }

    /**
     * Starts {@code serve --jobs-dir JOBS EXTRA...} and waits until it says where its dashboard is.
     *
     * @param environment more variables (SERVER_ADDRESS...)
     */
    static ServeProcess start(TestDatabase database, Path jobs, Path log, Map<String, String> environment, String... extra) throws Exception {
        Map<String, String> variables = new HashMap<>(Map.of("SERVER_PORT", "0"));
        variables.putAll(environment);
        List<String> arguments = new java.util.ArrayList<>(List.of("serve", "--jobs-dir", jobs.toString()));
        arguments.addAll(List.of(extra));
        Process process = PackagedJar.start(database, log, variables, arguments.toArray(String[]::new));
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline)) {
            Matcher address = ADDRESS.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (address.find()) {
                return new ServeProcess(process, log, address.group(1));
            }
            if (!process.isAlive()) {
                throw new AssertionError("serve ended (exit " + process.exitValue() + "): " + Files.readString(log));
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new AssertionError("serve did not say where its dashboard is within 2 minutes: " + Files.readString(log));
    }

    /** Sends HTTP Basic credentials with every later request. */
    ServeProcess as(String user, String password) {
        authorization = "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return this;
    }

    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.setHeader(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    HttpResponse<String> post(String path, String json, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path).POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.setHeader(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return send(request(path).DELETE().build());
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    /** Polls {@code GET path} until its JSON matches, at most two minutes. */
    JsonNode await(String path, Predicate<JsonNode> condition) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> response = get(path);
            if (response.statusCode() == 200) {
                last = json(response);
                if (condition.test(last)) {
                    return last;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError(path + " did not reach the condition within 2 minutes; last: " + last);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path.substring(1))).timeout(Duration.ofSeconds(60));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request;
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
