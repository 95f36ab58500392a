package io.redisbackup.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The gateway's REST API, as a user's program calls it. */
final class Api {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Duration TIMEOUT = Duration.ofMinutes(30);
    private final AtomicLong requests = new AtomicLong();

    private final String base;
    private final Path tokenFile;
    private final String authorization;
    private final TaskEvents events;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** @param tokenFile the file with the API token to call with (the stack's {@code admin-token}) */
    Api(String base, Path tokenFile, TaskEvents events) throws IOException {
        this.base = base;
        this.tokenFile = tokenFile;
        this.authorization = authorization(tokenFile);
        this.events = events;
    }

    /** The Authorization header for the token in the file; the token never goes on a command line. */
    static String authorization(Path tokenFile) throws IOException {
        return "Bearer " + Files.readString(tokenFile).strip();
    }

    Path tokenFile() {
        return tokenFile;
    }

    /** A task as the task center shows it: when it was accepted, started and ended. */
    record Task(String id, String status, Instant createdAt, Instant startedAt, Instant finishedAt, JsonNode json) {

        /** The worker's time: from RUNNING to the end. */
        Duration workerTime() {
            return Duration.between(startedAt, finishedAt);
        }

        Duration acceptToRunning() {
            return Duration.between(createdAt, startedAt);
        }
    }

    String url(String path) {
        return base + path;
    }

    /** Registers a server, its automatic backups off ({@link #noAutomaticBackups}); its id. */
    String register(String name, RedisProcess redis) throws IOException, InterruptedException {
        return noAutomaticBackups(call("POST", "/instances", Map.of("name", name, "host", "127.0.0.1", "port",
                redis.port, "password", redis.password), 201).get("id").asText());
    }

    /**
     * Registers a Redis Cluster by its first master, the others as further seed nodes, its automatic backups off
     * ({@link #noAutomaticBackups}); its id.
     */
    String registerCluster(String name, BenchCluster cluster) throws IOException, InterruptedException {
        return noAutomaticBackups(call("POST", "/instances", Map.of("name", name, "kind", "CLUSTER", "host",
                "127.0.0.1", "port", cluster.masters().get(0).port, "nodes", cluster.masters().stream().skip(1)
                        .map(m -> "127.0.0.1:" + m.port).toList(), "password", cluster.password()), 201)
                .get("id").asText());
    }

    /** Switches the instance's automatic backups off: the benchmark decides when backups run. Its id. */
    private String noAutomaticBackups(String instanceId) throws IOException, InterruptedException {
        call("PUT", "/instances/" + instanceId + "/backup-policy", Map.of("enabled", false, "weekdays",
                java.util.List.of("MONDAY"), "timePeriod", "02:00-03:00", "timezone", "UTC", "retentionDays", 7), 200);
        return instanceId;
    }

    JsonNode backup(String instanceId) throws IOException, InterruptedException {
        return call("POST", "/instances/" + instanceId + "/backups", null, 202);
    }

    /**
     * Asks for a recovery. The benchmark learns that the last recovery of the target ended from the task-status topic,
     * which can be a moment ahead of the gateway (it learns it from instance-status): a 409 RECOVERY_IN_PROGRESS is
     * asked again, as the problem says, every 10 ms for at most 10 s.
     */
    JsonNode recover(String instanceId, Map<String, Object> body) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                return call("POST", "/instances/" + instanceId + "/recoveries", body, 202);
            } catch (IllegalStateException refused) {
                if (!refused.getMessage().contains("RECOVERY_IN_PROGRESS") || System.nanoTime() > deadline) {
                    throw refused;
                }
                Thread.sleep(10);
            }
        }
    }

    /** A manual backup, timed from the request to the API showing the backup published; the backup's id. */
    String timedBackup(String instanceId, Stats wall, Stats worker) throws Exception {
        long start = System.nanoTime();
        JsonNode accepted = backup(instanceId);
        String backupId = accepted.get("backupId").asText();
        awaitBackup(backupId, accepted.get("taskId").asText());
        wall.add((System.nanoTime() - start) / 1e6);
        Task task = awaitTask(accepted.get("taskId").asText());
        if (worker != null) {
            worker.add(task.workerTime().toNanos() / 1e6);
        }
        return backupId;
    }

    /** A KEYS recovery of {@code keys} into the target, awaited; fails unless it restored every one of them. */
    Task recoverKeys(String instanceId, String backupId, String targetId, String targetPassword, List<String> keys)
            throws IOException, InterruptedException {
        JsonNode accepted = recover(instanceId, Map.of("backupId", backupId, "password", targetPassword,
                "mode", "KEYS", "keyList", keys, "targetInstanceId", targetId));
        Task task = awaitTask(accepted.get("taskId").asText());
        int restored = task.json().path("result").path("keysRestored").asInt();
        if (restored != keys.size()) {
            throw new IllegalStateException("A keys recovery restored " + restored + " of " + keys.size()
                    + " keys: " + task.json());
        }
        return task;
    }

    /** How many KEYS recoveries {@link #timedKeysRecoveries} makes untimed first. */
    static final int WARM_UP = 3;

    /**
     * The worker's time of {@code runs} KEYS recoveries, each of the keys {@code chosen} gives, after {@value #WARM_UP}
     * untimed ones: a worker in service is warm, and a benchmark's first recoveries after the worker started would
     * time its compiler rather than the recovery.
     */
    Stats timedKeysRecoveries(String instanceId, String backupId, String targetId, String targetPassword,
            java.util.function.Supplier<List<String>> chosen, int runs) throws IOException, InterruptedException {
        return timedKeysRecoveries(instanceId, backupId, targetId, targetPassword, chosen, WARM_UP, runs);
    }

    /** How many untimed KEYS recoveries come before the ones timed for a warm worker ({@link #warmKeysRecoveries}). */
    static final int WARMED_BY = 200;

    /**
     * The worker's time of {@code runs} KEYS recoveries after {@value #WARMED_BY} untimed ones: what a worker that has
     * done many recoveries takes. A worker's first few hundred recoveries after it starts take up to two or three
     * times as long while its JIT compiles their path; {@link #timedKeysRecoveries} times those.
     */
    Stats warmKeysRecoveries(String instanceId, String backupId, String targetId, String targetPassword,
            java.util.function.Supplier<List<String>> chosen, int runs) throws IOException, InterruptedException {
        return timedKeysRecoveries(instanceId, backupId, targetId, targetPassword, chosen, WARMED_BY, runs);
    }

    private Stats timedKeysRecoveries(String instanceId, String backupId, String targetId, String targetPassword,
            java.util.function.Supplier<List<String>> chosen, int untimed, int runs)
            throws IOException, InterruptedException {
        Stats worker = new Stats();
        for (int i = -untimed; i < runs; i++) {
            Task task = recoverKeys(instanceId, backupId, targetId, targetPassword, chosen.get());
            if (i >= 0) {
                worker.add(task.workerTime().toNanos() / 1e6);
            }
        }
        return worker;
    }

    /**
     * The worker's time of one KEYS recovery from each of {@code backups}, of the keys {@code chosen} gives: from
     * backups no recovery has opened, what the first recovery from a backup takes (the worker keeps what opening a
     * backup's files read).
     */
    Stats keysRecoveryFromEach(String instanceId, List<String> backups, String targetId, String targetPassword,
            java.util.function.Supplier<List<String>> chosen) throws IOException, InterruptedException {
        Stats worker = new Stats();
        for (String backupId : backups) {
            worker.add(recoverKeys(instanceId, backupId, targetId, targetPassword, chosen.get()).workerTime().toNanos()
                    / 1e6);
        }
        return worker;
    }

    void deleteBackup(String backupId) throws IOException, InterruptedException {
        call("DELETE", "/backups/" + backupId, null, 202);
    }

    JsonNode tasks() throws IOException, InterruptedException {
        return call("GET", "/tasks?size=20", null, 200);
    }

    /**
     * Waits until the API shows the task ended; fails if it did not succeed. It learns that the task has ended from
     * {@link TaskEvents}, and only then asks the API, every 5 ms until the API shows it too: no request takes CPU
     * from the worker while the work is being timed.
     */
    Task awaitTask(String taskId) throws IOException, InterruptedException {
        events.awaitEnd(taskId, TIMEOUT);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode task = call("GET", "/tasks/" + taskId, null, 0);
            String status = task.path("status").asText("");
            if (status.equals("SUCCEEDED") && !task.path("finishedAt").isMissingNode()) {
                return new Task(taskId, status, instant(task, "createdAt"), instant(task, "startedAt"),
                        instant(task, "finishedAt"), task);
            }
            if (status.equals("FAILED")) {
                throw new IllegalStateException("Task " + taskId + " FAILED: " + task.path("error"));
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("Task " + taskId + " did not end in " + TIMEOUT);
    }

    /** Waits until the API shows the backup published (SUCCEEDED in the catalogue), as {@link #awaitTask} does. */
    void awaitBackup(String backupId, String taskId) throws IOException, InterruptedException {
        events.awaitEnd(taskId, TIMEOUT);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String status = call("GET", "/backups/" + backupId, null, 200).path("status").asText();
            if (status.equals("SUCCEEDED")) {
                return;
            }
            if (status.equals("FAILED")) {
                throw new IllegalStateException("Backup " + backupId + " FAILED");
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("Backup " + backupId + " was not published in " + TIMEOUT);
    }

    /**
     * What checking a token has cost the gateway so far, mean microseconds by source ("memory", "database"), from
     * its own timer on /q/metrics.
     */
    Map<String, Double> tokenCheckMicros() throws IOException, InterruptedException {
        String metrics = http.send(HttpRequest.newBuilder(URI.create(base.replace("/api/v1", "") + "/q/metrics"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Double> means = new java.util.TreeMap<>();
        for (String source : java.util.List.of("memory", "database")) {
            double count = metric(metrics, "gateway_token_check_seconds_count", source);
            double sum = metric(metrics, "gateway_token_check_seconds_sum", source);
            means.put(source, count == 0 ? 0 : Math.round(sum / count * 1e7) / 10.0);
        }
        return means;
    }

    private static double metric(String metrics, String name, String source) {
        return metrics.lines().filter(line -> line.startsWith(name + "{") && line.contains("source=\"" + source + "\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static Instant instant(JsonNode task, String field) {
        return Instant.parse(task.path(field).asText());
    }

    /** How many requests {@link #call} has made: what the benchmark itself asked of the gateway. */
    long requests() {
        return requests.get();
    }

    /** @param expected the status wanted; 0: any status below 300, or 404 while the task center has not seen it */
    JsonNode call(String method, String path, Object body, int expected) throws IOException, InterruptedException {
        requests.incrementAndGet();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json").header("Authorization", authorization);
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (expected == 0 ? (status >= 300 && status != 404) : status != expected) {
            throw new IllegalStateException(method + " " + path + " answered " + status + ": " + response.body());
        }
        return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }
}
