package io.redisbackup.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.redisbackup.testsupport.KafkaBrokerResource;
import io.redisbackup.testsupport.PostgresDatabaseResource;
import io.redisbackup.testsupport.S3Server;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The platform as it runs for real, once per test JVM: a Kafka broker, a database of its own, an S3-compatible
 * server keeping the backups (s3proxy, its objects as files under target/platform/s3), and the packaged services as
 * separate processes with their own logs, sharing the bucket and one secret key. The services' module tests and
 * ./stack's smoke run use the local directory store; the system tests use object storage, as a deployment across
 * machines does.
 */
final class Platform {

    /** The processes: a service's module, and "#2" for a second replica of it. */
    static final List<String> SERVICES = List.of("task-center-service", "api-gateway", "api-gateway#2",
            "backup-worker", "restore-worker", "scheduler-service", "scheduler-service#2");
    static final String SECRET_KEY = "c3lzdGVtLXRlc3RzLWtleS0zMi1ieXRlcy1sb25nISE=";
    /** The platform's key for backups at rest. */
    static final String BACKUP_KEYS = "system-tests-1=YmFja3VwLWtleS1vZi10aGUtc3lzdGVtLXRlc3RzISE=";
    /** The admin token the gateways make at their first start (REDIS_BACKUP_ADMIN_TOKEN). */
    static final String ADMIN_TOKEN = "rbk_systemTestsAdminToken0123456789abcdefghijkl";
    /** What the gateways show the task center. */
    static final String SERVICE_TOKEN = "system-tests-service-token-0123456789abcdef";
    /** How long a worker's attempt may go without renewing before it is lost (10 min outside the tests). */
    static final Duration LOST_AFTER = Duration.ofSeconds(45);
    /** How long a worker waits for the broker to take an event before it sends it again (30 s outside the tests). */
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(8);
    /** The time a snapshot has besides its bytes (10 min outside the tests). */
    static final Duration SNAPSHOT_DEADLINE_BASE = Duration.ofSeconds(20);
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path WORK = ROOT.resolve("system-tests/target/platform");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    static final String BUCKET = "redis-backup";
    /** What a worker that died left in the store is removed once this old (1 hour outside the tests). */
    static final Duration ABANDONED_AFTER = Duration.ofSeconds(20);

    private static Platform running;

    // the test classes run side by side (failsafe's configuration in the pom): one may start a replica while another
    // kills and restarts a service
    private final Map<String, Integer> ports = new ConcurrentHashMap<>();
    private final Map<String, Process> processes = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> extraSettings = new ConcurrentHashMap<>();
    private Map<String, String> database;
    private final KafkaBrokerResource kafka = new KafkaBrokerResource();
    private String bootstrapServers;
    private S3Server s3;

    static synchronized Platform get() {
        if (running == null) {
            running = new Platform();
            running.start();
            Runtime.getRuntime().addShutdownHook(new Thread(running::stop, "stop-platform"));
        }
        return running;
    }

    String gateway() {
        return "http://127.0.0.1:" + ports.get("api-gateway");
    }

    /** The second gateway replica, on the same database and Kafka. */
    String secondGateway() {
        return "http://127.0.0.1:" + ports.get("api-gateway#2");
    }

    /** The service logs, for what must never be in them. */
    List<Path> logs() {
        return ports.keySet().stream().map(this::log).toList();
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * The stored bytes of one file of a backup, as the object storage keeps them on its disk: its first object (the
     * whole file, for one smaller than the store's part size).
     */
    Path storedFile(String instanceId, String backupId, String file) {
        return WORK.resolve("s3").resolve(BUCKET).resolve("instances").resolve(instanceId).resolve(backupId)
                .resolve(file + ".000000");
    }

    /** The objects of a backup, and the uploads begun and not finished for it. */
    List<String> objectsAndUploads(String instanceId, String backupId) {
        String prefix = "instances/" + instanceId + "/" + backupId + "/";
        List<String> found = new java.util.ArrayList<>(s3.client().listObjectsV2(
                ListObjectsV2Request.builder().bucket(BUCKET).prefix(prefix).build())
                .contents().stream().map(S3Object::key).toList());
        s3.client().listMultipartUploads(ListMultipartUploadsRequest.builder().bucket(BUCKET).prefix(prefix).build())
                .uploads().forEach(upload -> found.add("upload of " + upload.key()));
        return found;
    }

    Path log(String service) {
        return WORK.resolve(service.replace('#', '-') + ".log");
    }

    private void start() {
        try {
            deleteTree(WORK.resolve("s3"));
            s3 = S3Server.onDisk(Files.createDirectories(WORK.resolve("s3")));
            s3.bucket(BUCKET);
            for (String service : SERVICES) {
                Files.deleteIfExists(log(service));
            }
            bootstrapServers = kafka.start().get("kafka.bootstrap.servers");
            // fresh: policies, tasks and backups of an earlier run must not act in this one
            database = PostgresDatabaseResource.freshDatabase("redis_backup_system_test");
            for (String service : SERVICES) {
                ports.put(service, freePort());
            }
            for (String service : SERVICES) {
                processes.put(service, launch(service));
            }
            for (String service : SERVICES) {
                awaitReady(service);
            }
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            stop();
            throw e;
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("The platform's object storage did not start", e);
        }
    }

    /** Kills a service the hard way (SIGKILL), as a crash or a pulled plug would. */
    void kill(String service) throws InterruptedException {
        processes.remove(service).destroyForcibly().waitFor();
    }

    /** Stops the Kafka broker, keeping its data, as an outage would. */
    void stopKafka() {
        kafka.stopBroker();
    }

    /** Starts the Kafka broker again on the same port, with what it had. */
    void startKafka() {
        kafka.restartBroker();
    }

    /** Starts a service again and waits until it is ready. */
    void start(String service) throws IOException {
        processes.put(service, launch(service));
        awaitReady(service);
    }

    /**
     * Starts one more replica of a service, named {@code service#name}, with settings of its own on top of the
     * platform's; its URL once it is ready. It stops with the platform, or with {@link #kill}.
     */
    String startReplica(String replica, Map<String, String> settings) throws IOException {
        ports.put(replica, freePort());
        extraSettings.put(replica, Map.copyOf(settings));
        Files.deleteIfExists(log(replica));
        processes.put(replica, launch(replica));
        awaitReady(replica);
        return "http://127.0.0.1:" + ports.get(replica);
    }

    private Process launch(String service) throws IOException {
        Path jar = ROOT.resolve(service.split("#")[0]).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: the services are packaged before the system tests");
        }
        // the quick compiler's own code cache reserve (48 MB) would have the JVM run a full collection each time
        // 7 MB more code is compiled: the stack's light services reserve the tiered compilers' 240 MB, so these too
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=240m", "-jar",
                jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(service).toFile()));
        Map<String, String> env = builder.environment();
        env.putAll(environment(service));
        env.putAll(extraSettings.getOrDefault(service, Map.of()));
        return builder.start();
    }

    private Map<String, String> environment(String service) {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", ports.get(service).toString());
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        env.put("QUARKUS_DATASOURCE_JDBC_URL", database.get("quarkus.datasource.jdbc.url"));
        env.put("QUARKUS_DATASOURCE_USERNAME", database.get("quarkus.datasource.username"));
        env.put("QUARKUS_DATASOURCE_PASSWORD", database.get("quarkus.datasource.password"));
        env.put("REDIS_BACKUP_SECRET_KEY", SECRET_KEY);
        env.put("BACKUP_STORE_ENCRYPTION_KEYS", BACKUP_KEYS);
        env.put("REDIS_BACKUP_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("REDIS_BACKUP_SERVICE_TOKEN", SERVICE_TOKEN);
        env.put("BACKUP_STORE_KIND", "s3");
        env.put("BACKUP_STORE_S3_BUCKET", BUCKET);
        env.put("BACKUP_STORE_S3_ENDPOINT", s3.endpoint());
        env.put("BACKUP_STORE_S3_PATH_STYLE", "true");
        env.put("BACKUP_STORE_S3_ACCESS_KEY_ID", S3Server.ACCESS_KEY);
        env.put("BACKUP_STORE_S3_SECRET_ACCESS_KEY", S3Server.SECRET_KEY);
        env.put("BACKUP_STORE_ABANDONED_AFTER", ABANDONED_AFTER.toSeconds() + "s");
        env.put("BACKUP_WORKER_ABANDONED_SWEEP_INTERVAL", "5s");
        // a restore worker's warm-up plans a few keys recoveries over a scratch backup in the bucket, not 30: the
        // path is taken, at a small part of the CPU the tests share (the sweep above may remove that backup early)
        env.put("RESTORE_WORKER_WARM_UP_STORE_PLANS", "3");
        // and a backup worker's one snapshot of a synthetic RDB into the bucket, not 3
        env.put("BACKUP_WORKER_WARM_UP_SNAPSHOTS", "1");
        env.put("QUARKUS_REST_CLIENT_TASK_CENTER_URL", "http://127.0.0.1:" + ports.get("task-center-service"));
        env.put("QUARKUS_LOG_CATEGORY__ORG_APACHE_KAFKA__LEVEL", "WARN");
        // new instances are not backed up automatically unless a test says so: tests must not depend on the hour
        env.put("GATEWAY_DEFAULT_POLICY_ENABLED", "false");
        // the scheduler looks every second and starts a backup at the start of its hour
        env.put("SCHEDULER_TICK_INTERVAL", "1s");
        env.put("SCHEDULER_MAX_SPREAD", "0s");
        // a worker killed by a test is lost after LOST_AFTER; one restarted sooner retries
        env.put("TASK_EXECUTION_LOST_AFTER", LOST_AFTER.toSeconds() + "s");
        env.put("TASK_EXECUTION_HEARTBEAT_INTERVAL", "2s");
        env.put("TASK_EXECUTION_SWEEP_INTERVAL", "5s");
        // a worker's event not acknowledged in SEND_TIMEOUT is sent again
        env.put("KAFKA_SEND_TIMEOUT", SEND_TIMEOUT.toSeconds() + "s");
        // a snapshot whose server keeps it waiting fails after SNAPSHOT_DEADLINE_BASE (plus its size at 1 MiB/s)
        env.put("BACKUP_WORKER_SNAPSHOT_DEADLINE_BASE", SNAPSHOT_DEADLINE_BASE.toSeconds() + "s");
        return env;
    }

    private void awaitReady(String service) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        URI ready = URI.create("http://127.0.0.1:" + ports.get(service) + "/q/health/ready");
        while (System.nanoTime() < deadline) {
            try {
                HttpURLConnection connection = (HttpURLConnection) ready.toURL().openConnection();
                connection.setConnectTimeout(1000);
                connection.setReadTimeout(5000);
                if (connection.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            sleep(250);
        }
        throw new IllegalStateException(service + " did not become ready; see " + log(service));
    }

    private void stop() {
        for (Process process : processes.values()) {
            process.destroy();
        }
        for (Process process : processes.values()) {
            try {
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        kafka.stop();
        if (s3 != null) {
            try {
                s3.close();
            } catch (Exception e) {
                // stopping anyway
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    /**
     * A port nobody listens on, below Linux's ephemeral range (32768 and up): a port the system hands out for any
     * outgoing connection (the platform makes many) could be taken between choosing it and the service binding it.
     */
    static int freePort() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = 20_000 + random.nextInt(12_000);
            try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // another one
            }
        }
        throw new IOException("no free port between 20000 and 32000");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
