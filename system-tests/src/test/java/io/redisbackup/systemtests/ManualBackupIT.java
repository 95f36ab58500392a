package io.redisbackup.systemtests;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisbackup.contracts.Topics;
import io.redisbackup.testsupport.Datasets;
import io.redisbackup.testsupport.RedisServer;
import io.redisbackup.testsupport.TopicClient;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/** Issue 3 end to end: register an instance, back it up on demand, follow the task, download the backup. */
class ManualBackupIT extends SystemTest {

    @TempDir
    Path dir;

    @Test
    void aValueWrittenIntoTheInstanceNeverAppearsInClearInTheStoredObjects() throws Exception {
        // random hex: nothing Redis's own LZF would shorten, so the plain RDB holds it as it is
        String value = HexFormat.of().formatHex(java.security.SecureRandom.getInstanceStrong().generateSeed(24));
        String key = "customer:" + HexFormat.of().formatHex(java.security.SecureRandom.getInstanceStrong().generateSeed(12));
        try (RedisServer source = RedisServer.start()) {
            source.call("SET", key, value);
            source.call("HSET", "profile:1", "card", value);
            String instanceId = register(source);
            ExtractableResponse<Response> accepted = backUp(instanceId);
            String backupId = accepted.path("backupId");
            awaitTask(accepted.path("taskId"), "SUCCEEDED");

            String plain = new String(given().when().get("/api/v1/backups/" + backupId + "/rdb").then().statusCode(200)
                    .extract().asByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(plain.contains(value) && plain.contains(key), "the download is the plain RDB");
            Path stored = platform.storedFile(instanceId, backupId, "dump.rdb").getParent();
            List<Path> files;
            try (java.util.stream.Stream<Path> walk = Files.walk(stored)) {
                files = walk.filter(Files::isRegularFile).toList();
            }
            assertTrue(files.size() >= 3, "the RDB, the key index and the manifest: " + files);
            for (Path file : files) {
                String bytes = Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1);
                assertFalse(bytes.contains(value), file + " holds the value in clear");
                assertFalse(bytes.contains(key), file + " holds the key's name in clear");
            }
            given().when().get("/api/v1/backups/" + backupId).then()
                    .body("storedBytes", org.hamcrest.Matchers.greaterThan(0));
        }
    }

    @Test
    void backsUpEveryKindOfDataAndTheDownloadLoadsIntoTheSameDataset() throws Exception {
        try (RedisServer source = RedisServer.start()) {
            Datasets.everyType(source);
            String instanceId = register(source);

            ExtractableResponse<Response> accepted = backUp(instanceId);
            String taskId = accepted.path("taskId");
            String backupId = accepted.path("backupId");
            awaitTask(taskId, "SUCCEEDED");

            given().when().get("/api/v1/tasks/" + taskId)
                    .then().body("type", equalTo("BACKUP"))
                    .body("trigger", equalTo("MANUAL"))
                    .body("backupId", equalTo(backupId))
                    .body("history.status", contains("PENDING", "RUNNING", "SUCCEEDED"));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when()
                    .get("/api/v1/instances/" + instanceId + "/backups")
                    .then().body("[0].id", equalTo(backupId)).body("[0].status", equalTo("SUCCEEDED")));

            Response download = given().when().get("/api/v1/backups/" + backupId + "/rdb");
            download.then().statusCode(200);
            byte[] rdb = download.asByteArray();
            assertEquals(Long.parseLong(download.header("Content-Length")), rdb.length);
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(rdb)),
                    download.header("X-Backup-SHA256"));
            Path file = dir.resolve("backup.rdb");
            Files.write(file, rdb);
            try (RedisServer restored = RedisServer.startFromRdb(file)) {
                assertEquals(source.digest(), restored.digest());
            }
        }
    }

    @Test
    void failsTheTaskWithAClearCodeWhenTheInstanceHasGoneAway() {
        String instanceId;
        try (RedisServer source = RedisServer.start()) {
            instanceId = register(source);
        }
        ExtractableResponse<Response> accepted = backUp(instanceId);
        String taskId = accepted.path("taskId");
        String backupId = accepted.path("backupId");

        awaitTask(taskId, "FAILED");
        given().when().get("/api/v1/tasks/" + taskId)
                .then().body("error.code", equalTo("INSTANCE_UNREACHABLE"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/v1/backups/" + backupId)
                .then().body("status", equalTo("FAILED")).body("error.code", equalTo("INSTANCE_UNREACHABLE")));
        given().when().get("/api/v1/backups/" + backupId + "/rdb")
                .then().statusCode(409).body("code", equalTo("BACKUP_NOT_AVAILABLE"));
    }

    @Test
    void aBackupThatWouldHurtTheSourceFailsWithTheReasonAndForksNothing() {
        try (RedisServer source = RedisServer.start()) {
            source.call("SET", "k", "v");
            String instanceId = register(source);
            long rss = Long.parseLong(source.callString("INFO", "memory").lines()
                    .filter(l -> l.startsWith("used_memory_rss:")).findFirst().orElseThrow().substring(16).strip());
            // the owner says its container may use no more than it holds now: a fork's copies would not fit
            given().contentType(ContentType.JSON).body(java.util.Map.of("name", "it", "host", source.host(), "port",
                    source.port(), "memoryLimitBytes", Math.max(rss, 1L << 20)))
                    .when().put("/api/v1/instances/" + instanceId).then().statusCode(200);
            String forks = source.callString("INFO", "stats").lines().filter(l -> l.startsWith("total_forks:"))
                    .findFirst().orElseThrow();

            ExtractableResponse<Response> accepted = backUp(instanceId);
            awaitTask(accepted.path("taskId"), "FAILED");
            given().when().get("/api/v1/tasks/" + accepted.path("taskId"))
                    .then().body("error.code", equalTo("SOURCE_MEMORY_LOW"))
                    .body("error.message", org.hamcrest.Matchers.containsString("memoryLimitBytes"));
            assertEquals(forks, source.callString("INFO", "stats").lines().filter(l -> l.startsWith("total_forks:"))
                    .findFirst().orElseThrow(), "nothing was forked");

            // cleared, the next backup is taken
            given().contentType(ContentType.JSON).body(java.util.Map.of("name", "it", "host", source.host(), "port",
                    source.port(), "memoryLimitBytes", 0))
                    .when().put("/api/v1/instances/" + instanceId).then().statusCode(200);
            awaitTask(backUp(instanceId).path("taskId"), "SUCCEEDED");
        }
    }

    @Test
    void deletesABackupByATaskAndThenTheIdleInstance() {
        try (RedisServer source = RedisServer.start()) {
            source.call("SET", "k", "v");
            String instanceId = register(source);
            ExtractableResponse<Response> accepted = backUp(instanceId);
            awaitTask(accepted.path("taskId"), "SUCCEEDED");
            String backupId = accepted.path("backupId");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/v1/backups/" + backupId)
                    .then().body("status", equalTo("SUCCEEDED")));

            String deleteTask = given().when().delete("/api/v1/backups/" + backupId)
                    .then().statusCode(202).extract().path("taskId");
            awaitTask(deleteTask, "SUCCEEDED");
            given().when().get("/api/v1/tasks/" + deleteTask).then().body("type", equalTo("DELETE_BACKUP"));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/v1/backups/" + backupId)
                    .then().statusCode(404));

            given().when().delete("/api/v1/instances/" + instanceId).then().statusCode(204);
            given().when().get("/api/v1/instances/" + instanceId).then().statusCode(404);
        }
    }

    @Test
    void listsTasksThroughTheGatewayAndPassesTheTaskCentersErrorsOn() {
        try (RedisServer source = RedisServer.start()) {
            String instanceId = register(source);
            String taskId = backUp(instanceId).path("taskId");
            awaitTask(taskId, "SUCCEEDED");

            given().queryParam("instanceId", instanceId).queryParam("type", "BACKUP").when().get("/api/v1/tasks")
                    .then().statusCode(200).body("items.id", hasItem(taskId)).body("total", equalTo(1));
            given().queryParam("status", "NOPE").when().get("/api/v1/tasks")
                    .then().statusCode(400).body("errors.field", hasItem("status"));
            given().when().get("/api/v1/tasks/" + java.util.UUID.randomUUID())
                    .then().statusCode(404).body("code", equalTo("TASK_NOT_FOUND"));
        }
    }

    @Test
    void keepsTheInstancePasswordOutOfAnswersTasksTopicsAndLogs() throws IOException {
        try (RedisServer source = RedisServer.start()) {
            source.call("SET", "k", "v");
            String instanceId = register(source);
            String taskId = backUp(instanceId).path("taskId");
            awaitTask(taskId, "SUCCEEDED");
            String password = source.password();

            for (String answer : new String[] {
                    given().get("/api/v1/instances/" + instanceId).asString(),
                    given().get("/api/v1/instances").asString(),
                    given().get("/api/v1/tasks/" + taskId).asString(),
                    given().get("/api/v1/instances/" + instanceId + "/backups").asString() }) {
                assertFalse(answer.contains(password), answer);
            }
            try (TopicClient kafka = new TopicClient(platform.bootstrapServers())) {
                for (String topic : Topics.ALL) {
                    for (String value : kafka.readAll(topic, instanceId)) {
                        assertFalse(value.contains(password), topic + ": " + value);
                    }
                }
            }
            for (String service : Platform.SERVICES) {
                assertFalse(Files.readString(platform.log(service)).contains(password), service + "'s log");
            }
        }
    }

    private static String register(RedisServer redis) {
        return register(redis, "it");
    }

    private static ExtractableResponse<Response> backUp(String instanceId) {
        return given().contentType(ContentType.JSON).when().post("/api/v1/instances/" + instanceId + "/backups")
                .then().statusCode(202).extract();
    }

    private static void awaitTask(String taskId, String status) {
        awaitTask(taskId, status, Duration.ofSeconds(90));
    }
}
