package io.redisbackup.systemtests;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real identity provider: Keycloak's distribution (unpacked by the build for verify), in development mode on a
 * free port, with the realms under {@code src/test/resources/keycloak} imported. Tokens come from its password grant.
 */
final class Keycloak implements AutoCloseable {

    static final List<String> REALMS = List.of("redis-backup-realm.json", "elsewhere-realm.json");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private Keycloak(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static Keycloak start(Path log) throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("keycloak.home", "target/keycloak/keycloak-unknown"));
        if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException(home + " has no bin/kc.sh: the build unpacks Keycloak before verify");
        }
        Path imports = Files.createDirectories(home.resolve("data/import"));
        for (String realm : REALMS) {
            try (InputStream json = Keycloak.class.getResourceAsStream("/keycloak/" + realm)) {
                Files.copy(json, imports.resolve(realm), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        int port = Platform.freePort();
        ProcessBuilder builder = new ProcessBuilder("bash", home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-port=" + port, "--http-host=127.0.0.1", "--import-realm", "--cache=local")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
        // a few minutes of life, on two cores shared with the platform: C1 only (kc.sh chooses the collector)
        builder.environment().put("JAVA_OPTS_APPEND", "-XX:TieredStopAtLevel=1");
        Keycloak keycloak = new Keycloak(builder.start(), port);
        keycloak.awaitRealm("redis-backup");
        keycloak.awaitRealm("elsewhere");
        return keycloak;
    }

    /** The issuer URL of a realm: what the gateway is pointed at. */
    String realmUrl(String realm) {
        return "http://127.0.0.1:" + port + "/realms/" + realm;
    }

    /** An access token of the user, from the client's password grant. */
    String accessToken(String realm, String client, String user, String password)
            throws IOException, InterruptedException {
        String form = "grant_type=password&client_id=" + client + "&username=" + user + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&scope=openid";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create(realmUrl(realm) + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Keycloak refused a token for " + user + ": " + response.body());
        }
        return new ObjectMapper().readTree(response.body()).get("access_token").asText();
    }

    private void awaitRealm(String realm) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak stopped while starting");
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(realmUrl(realm)
                        + "/.well-known/openid-configuration")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("Keycloak's realm " + realm + " did not answer in " + START_TIMEOUT);
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            process.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
