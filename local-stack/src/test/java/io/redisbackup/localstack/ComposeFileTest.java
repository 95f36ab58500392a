package io.redisbackup.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * docker-compose.yml and ./stack run the same five services as their own configuration describes: the same
 * ports, and only environment variables that override settings the services really have.
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private final JsonNode compose = readYaml(ROOT.resolve("docker-compose.yml"));
    private final Map<String, Properties> services = serviceConfigurations();

    @Test
    void runsEveryServiceOfTheBuildAndNoOther() {
        TreeSet<String> built = new TreeSet<>();
        compose.get("services").fields().forEachRemaining(entry -> {
            if (entry.getValue().has("build")) {
                built.add(entry.getKey());
            }
        });
        assertEquals(new TreeSet<>(services.keySet()), built);
        assertEquals(5, built.size(), "the five services of the design");
    }

    @Test
    void buildsEachServiceFromTheDockerfileWithItsModule() {
        assertTrue(Files.exists(ROOT.resolve("Dockerfile")));
        services.keySet().forEach(name -> {
            JsonNode build = service(name).get("build");
            assertEquals(".", build.path("context").asText(), name);
            assertEquals(name, build.path("args").path("SERVICE").asText(), name);
        });
    }

    @Test
    void givesTheWorkersAndTheLightServicesTheJvmFlagsThatTheStackGivesThem() throws IOException {
        String stack = Files.readString(ROOT.resolve("stack"));
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        Matcher inStack = Pattern.compile(
                "if \\[\\[ \\$s == \\*-worker ]]; then jvm=\\(([^)]*)\\)\\s+else jvm=\\(([^)]*)\\)").matcher(stack);
        Matcher inImage = Pattern.compile("\\*-worker\\) echo \"([^\"]*)\" ;;[\\s\\\\]*\\*\\) echo \"([^\"]*)\" ;;")
                .matcher(dockerfile);
        assertTrue(inStack.find(), "./stack's flags for workers and light services");
        assertTrue(inImage.find(), "the Dockerfile's flags for workers and light services");
        assertEquals(inStack.group(1), inImage.group(1), "a worker's flags");
        assertEquals(inStack.group(2), inImage.group(2), "a light service's flags");
    }

    @Test
    void publishesEachServiceOnItsConfiguredPortAndChecksItsReadiness() {
        services.forEach((name, config) -> {
            String port = config.getProperty("quarkus.http.port");
            JsonNode service = service(name);
            assertEquals(port, service.path("environment").path("QUARKUS_HTTP_PORT").asText(), name);
            assertTrue(texts(service.get("ports")).contains(port + ":" + port), name + " ports");
            assertTrue(texts(service.path("healthcheck").get("test"))
                    .contains("http://localhost:" + port + "/q/health/ready"), name + " healthcheck");
        });
    }

    @Test
    void overridesOnlySettingsTheServicesHave() {
        services.forEach((name, config) -> {
            Iterator<String> variables = service(name).path("environment").fieldNames();
            variables.forEachRemaining(variable -> assertTrue(
                    config.stringPropertyNames().stream().anyMatch(key -> asEnvironmentVariable(key).equals(variable))
                            || config.values().stream().anyMatch(value -> value.toString().contains("${" + variable + "}")
                                    || value.toString().contains("${" + variable + ":"))
                            || variable.equals("QUARKUS_DATASOURCE_PASSWORD"),
                    name + ": " + variable + " matches no setting in its application.properties"));
        });
    }

    @Test
    void pointsEveryServiceAtTheComposeKafkaAndPostgres() {
        String advertised = service("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText();
        JsonNode postgres = service("postgres").path("environment");
        String jdbcUrl = "jdbc:postgresql://postgres:5432/" + postgres.path("POSTGRES_DB").asText();
        services.keySet().forEach(name -> {
            JsonNode environment = service(name).path("environment");
            assertEquals(advertised.replace("PLAINTEXT://", ""), environment.path("KAFKA_BOOTSTRAP_SERVERS").asText(), name);
            assertEquals(jdbcUrl, environment.path("QUARKUS_DATASOURCE_JDBC_URL").asText(), name);
            assertEquals(postgres.path("POSTGRES_USER").asText(), environment.path("QUARKUS_DATASOURCE_USERNAME").asText(), name);
            assertEquals(postgres.path("POSTGRES_PASSWORD").asText(), environment.path("QUARKUS_DATASOURCE_PASSWORD").asText(), name);
            JsonNode dependsOn = service(name).get("depends_on");
            for (String dependency : List.of("kafka", "postgres")) {
                assertEquals("service_healthy", dependsOn.path(dependency).path("condition").asText(), name + " -> " + dependency);
            }
        });
    }

    @Test
    void theStackScriptUsesTheSamePorts() throws IOException {
        String script = Files.readString(ROOT.resolve("stack"));
        Matcher table = Pattern.compile("declare -A PORT=\\(([^)]*)\\)").matcher(script);
        assertTrue(table.find(), "the PORT table in ./stack");
        Map<String, String> stackPorts = new TreeMap<>();
        Matcher entry = Pattern.compile("\\[([a-z-]+)]=(\\d+)").matcher(table.group(1));
        while (entry.find()) {
            stackPorts.put(entry.group(1), entry.group(2));
        }
        Map<String, String> configured = services.entrySet().stream().collect(Collectors.toMap(
                Map.Entry::getKey, e -> e.getValue().getProperty("quarkus.http.port"), (a, b) -> a, TreeMap::new));
        assertEquals(configured, stackPorts);
    }

    @Test
    void isAcceptedByDockerCompose() throws Exception {
        // never skipped: a check that did not run is not a pass
        assertTrue(onPath("docker-compose"), "docker-compose is not installed: apt-get install docker-compose "
                + "(.ci/run installs it); it only reads docker-compose.yml, no Docker engine is needed");
        Process check = new ProcessBuilder("docker-compose", "config", "-q").directory(ROOT.toFile())
                .redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, check.waitFor(), output);
    }

    private JsonNode service(String name) {
        JsonNode service = compose.get("services").get(name);
        assertNotNull(service, "docker-compose.yml has no service " + name);
        return service;
    }

    /** The environment variable that overrides a setting, by MicroProfile Config's rule. */
    private static String asEnvironmentVariable(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }

    private static List<String> texts(JsonNode node) {
        List<String> texts = new ArrayList<>();
        if (node != null) {
            node.forEach(item -> texts.add(item.asText()));
        }
        return texts;
    }

    /** Every module of the root pom that is a Quarkus service, by its application name. */
    private static final Path LIBRARY_SETTINGS =
            ROOT.resolve("backup-store/src/main/resources/META-INF/microprofile-config.properties");

    private static Map<String, Properties> serviceConfigurations() {
        try {
            String pom = Files.readString(ROOT.resolve("pom.xml"));
            Map<String, Properties> services = new TreeMap<>();
            Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
            while (module.find()) {
                Path file = ROOT.resolve(module.group(1)).resolve("src/main/resources/application.properties");
                if (Files.exists(file)) {
                    // the libraries' own settings (META-INF/microprofile-config.properties) are the services' too
                    Properties properties = new Properties();
                    try (Reader reader = Files.newBufferedReader(LIBRARY_SETTINGS)) {
                        properties.load(reader);
                    }
                    try (Reader reader = Files.newBufferedReader(file)) {
                        properties.load(reader);
                    }
                    assertEquals(module.group(1), properties.getProperty("quarkus.application.name"), file.toString());
                    services.put(module.group(1), properties);
                }
            }
            return services;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode readYaml(Path file) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + file, e);
        }
    }

    private static boolean onPath(String command) {
        return Arrays.stream(System.getenv("PATH").split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }
}
