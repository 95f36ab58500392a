package io.redisbackup.apigateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.contracts.BackupCompleted;
import io.redisbackup.contracts.BackupCorrupted;
import io.redisbackup.contracts.BackupDeleted;
import io.redisbackup.contracts.BackupStarted;
import io.redisbackup.contracts.BackupWorkerCommand;
import io.redisbackup.contracts.DeleteBackupCommand;
import io.redisbackup.contracts.Message;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.BackupPolicyChanged;
import io.redisbackup.contracts.SourceCare;
import io.redisbackup.contracts.BackupFailed;
import io.redisbackup.contracts.TakeBackupCommand;
import io.redisbackup.contracts.TaskStatus;
import io.redisbackup.contracts.TaskStatusChanged;
import io.redisbackup.contracts.TaskError;
import io.redisbackup.contracts.TaskType;
import io.redisbackup.contracts.Topics;
import io.redisbackup.testsupport.TopicClient;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

@QuarkusTest
class BackupResourceTest extends GatewayTest {

    TopicClient kafka;

    @AfterEach
    void closeKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void acceptsAManualBackupOnlyOnceItsCommandIsOnItsWayToTheWorker() {
        String instanceId = register(redis, "orders");
        var accepted = given().contentType(ContentType.JSON).body(Map.of("retentionDays", 3))
                .when().post("/api/v1/instances/" + instanceId + "/backups")
                .then().statusCode(202)
                .header("Location", containsString("/api/v1/tasks/"))
                .extract();
        String taskId = accepted.path("taskId");
        String backupId = accepted.path("backupId");

        kafka = new TopicClient();
        TakeBackupCommand command = MessageCodec.fromJson(
                kafka.await(Topics.BACKUP_COMMANDS, instanceId, 1, Duration.ofSeconds(30)).get(0), TakeBackupCommand.class);
        assertEquals(taskId, command.taskId().toString());
        assertEquals(backupId, command.backupId().toString());
        assertEquals(redis.port(), command.endpoint().port());

        TaskStatusChanged pending = MessageCodec.fromJson(
                kafka.await(Topics.TASK_STATUS, instanceId, 1, Duration.ofSeconds(30)).get(0), TaskStatusChanged.class);
        assertEquals(TaskStatus.PENDING, pending.status());
        assertEquals(TaskType.BACKUP, pending.taskType());
        assertEquals(1, pending.sequence());

        given().when().get("/api/v1/instances/" + instanceId + "/backups")
                .then().statusCode(200)
                .body("id", hasItem(backupId))
                .body("[0].status", equalTo("PENDING"))
                .body("[0].type", equalTo("MANUAL"));
    }

    @Test
    void neverPutsTheInstancePasswordOnATopicInClear() {
        String instanceId = register(redis, "secret-check");
        given().contentType(ContentType.JSON).when().post("/api/v1/instances/" + instanceId + "/backups")
                .then().statusCode(202);
        kafka = new TopicClient();
        kafka.await(Topics.BACKUP_COMMANDS, instanceId, 1, Duration.ofSeconds(30));
        for (String topic : List.of(Topics.BACKUP_COMMANDS, Topics.TASK_STATUS)) {
            for (String value : kafka.readAll(topic, instanceId)) {
                assertFalse(value.contains(redis.password()), topic + " carries the password: " + value);
            }
        }
    }

    @Test
    void followsTheBackupWorkerAndServesTheStoredRdb() throws Exception {
        String instanceId = register(redis, "download");
        String backupId = given().contentType(ContentType.JSON).when().post("/api/v1/instances/" + instanceId + "/backups")
                .then().statusCode(202).extract().path("backupId");
        given().when().get("/api/v1/backups/" + backupId + "/rdb")
                .then().statusCode(409).body("code", equalTo("BACKUP_NOT_AVAILABLE"));

        byte[] rdb = "REDIS0010 pretend snapshot bytes".getBytes();
        String sha256 = store(UUID.fromString(instanceId), UUID.fromString(backupId), rdb);
        UUID instance = UUID.fromString(instanceId);
        UUID backup = UUID.fromString(backupId);
        Instant started = Instant.parse("2026-11-24T02:00:00Z");
        kafka = new TopicClient();
        publish(BackupStarted.of(UUID.randomUUID(), instance, backup, started));
        publish(new BackupCompleted(1, UUID.randomUUID(), UUID.randomUUID(), instance, started, backup, started,
                started.plusSeconds(2), rdb.length, 42, sha256, "7.0.15", 10));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/v1/backups/" + backupId)
                .then().statusCode(200).body("status", equalTo("SUCCEEDED")));
        given().when().get("/api/v1/backups/" + backupId)
                .then().body("keyCount", equalTo(42)).body("sizeBytes", equalTo(rdb.length))
                .body("sha256", equalTo(sha256)).body("expiresAt", equalTo(null));

        byte[] downloaded = given().when().get("/api/v1/backups/" + backupId + "/rdb")
                .then().statusCode(200)
                .header("Content-Length", String.valueOf(rdb.length))
                .header("X-Backup-SHA256", sha256)
                .extract().asByteArray();
        assertArrayEquals(rdb, downloaded);
        given().queryParam("shard", 0).when().get("/api/v1/backups/" + backupId + "/rdb")
                .then().statusCode(400).body("errors.field", equalTo(List.of("shard")));
    }

    @Test
    void aClusterBackupDownloadsAsOneShardOrAllOfThemInATarArchive() throws Exception {
        String instanceId = register(redis, "cluster-download");
        UUID instance = UUID.fromString(instanceId);
        String backupId = given().contentType(ContentType.JSON).when().post("/api/v1/instances/" + instanceId + "/backups")
                .then().statusCode(202).extract().path("backupId");
        UUID backup = UUID.fromString(backupId);
        byte[] first = new byte[700];
        byte[] second = new byte[100_000];
        new java.util.Random(3).nextBytes(second);
        StoredBackup.storeCluster(instance, backup, List.of(first, second));
        kafka = new TopicClient();
        Instant at = Instant.parse("2026-11-30T02:00:00Z");
        publish(new BackupCompleted(1, UUID.randomUUID(), UUID.randomUUID(), instance, at, backup, at, at,
                first.length + second.length, 42, null, "7.0.15", 10, 1000L, List.of(
                        new BackupCompleted.Shard(0, List.of("0-8191"), "10.0.0.1:7001", true, at, first.length, 21,
                                "aa"),
                        new BackupCompleted.Shard(1, List.of("8192-16383"), "10.0.0.2:7001", true, at,
                                second.length, 21, "bb"))));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/v1/backups/" + backupId)
                .then().statusCode(200).body("status", equalTo("SUCCEEDED")));
        given().when().get("/api/v1/backups/" + backupId).then()
                .body("sizeBytes", equalTo(first.length + second.length))
                .body("shards.slots", equalTo(List.of(List.of("0-8191"), List.of("8192-16383"))))
                .body("shards[1].takenFrom", equalTo("10.0.0.2:7001"))
                .body("shards[1].fromReplica", equalTo(true))
                .body("shards[1].snapshotAt", equalTo("2026-11-30T02:00:00Z"));

        assertArrayEquals(second, given().queryParam("shard", 1).when().get("/api/v1/backups/" + backupId + "/rdb")
                .then().statusCode(200).header("Content-Length", String.valueOf(second.length))
                .header("Content-Disposition", containsString("shard-1.rdb")).extract().asByteArray());
        given().queryParam("shard", 2).when().get("/api/v1/backups/" + backupId + "/rdb")
                .then().statusCode(400).body("errors.field", equalTo(List.of("shard")));

        byte[] archive = given().when().get("/api/v1/backups/" + backupId + "/rdb")
                .then().statusCode(200).contentType("application/x-tar").extract().asByteArray();
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("cluster-download");
        java.nio.file.Files.write(dir.resolve("backup.tar"), archive);
        Process tar = new ProcessBuilder("tar", "-xf", "backup.tar").directory(dir.toFile()).redirectErrorStream(true)
                .start();
        String said = new String(tar.getInputStream().readAllBytes());
        assertEquals(0, tar.waitFor(), "GNU tar reads it: " + said);
        assertArrayEquals(first, java.nio.file.Files.readAllBytes(dir.resolve("shard-0.rdb")));
        assertArrayEquals(second, java.nio.file.Files.readAllBytes(dir.resolve("shard-1.rdb")));
        assertTrue(java.nio.file.Files.readString(dir.resolve("shards.json")).contains("8192-16383"));
    }

    @Test
    void aDownloadThatFindsDamageIsCutShortAndMarksTheBackupCorrupt() throws Exception {
        String instanceId = register(redis, "damaged");
        UUID instance = UUID.fromString(instanceId);
        String backupId = given().contentType(ContentType.JSON).when().post("/api/v1/instances/" + instanceId + "/backups")
                .then().statusCode(202).extract().path("backupId");
        UUID backup = UUID.fromString(backupId);
        byte[] rdb = new byte[300_000];
        new java.util.Random(7).nextBytes(rdb);
        String sha256 = store(instance, backup, rdb);
        kafka = new TopicClient();
        publish(new BackupCompleted(1, UUID.randomUUID(), UUID.randomUUID(), instance, Instant.now(), backup,
                Instant.now(), Instant.now(), rdb.length, 42, sha256, "7.0.15", 10));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/v1/backups/" + backupId)
                .then().body("status", equalTo("SUCCEEDED")));
        // a bit flipped on the disk, near the end
        Path file = Path.of("target/backups/instances", instanceId, backupId, BackupStore.RDB);
        byte[] stored = java.nio.file.Files.readAllBytes(file);
        stored[stored.length - 10] ^= 1;
        java.nio.file.Files.write(file, stored);

        // the connection is cut before the last bytes (before the headers even, when the file is read faster than
        // they go out): a client never holds a complete-looking file
        HttpRequest download = HttpRequest.newBuilder(
                URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/api/v1/backups/" + backupId + "/rdb"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).build();
        assertThrows(IOException.class,
                () -> HttpClient.newHttpClient().send(download, HttpResponse.BodyHandlers.ofByteArray()));

        given().when().get("/api/v1/backups/" + backupId).then().body("status", equalTo("CORRUPT"))
                .body("error.code", equalTo("BACKUP_CHECKSUM_MISMATCH"));
        given().when().get("/api/v1/backups/" + backupId + "/rdb").then().statusCode(409)
                .body("code", equalTo("BACKUP_NOT_AVAILABLE")).body("detail", containsString("CORRUPT"));
    }

    @Test
    void aRecoveryThatFindsDamageMarksTheBackupCorrupt() {
        String instanceId = register(redis, "found-by-recovery");
        String backupId = succeededBackup(instanceId);
        kafka = new TopicClient();
        publish(BackupCorrupted.of(UUID.randomUUID(), UUID.fromString(instanceId), UUID.fromString(backupId),
                new TaskError("BACKUP_CHECKSUM_MISMATCH", "does not match its SHA-256"), Instant.now()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/v1/backups/" + backupId)
                .then().body("status", equalTo("CORRUPT")));
        given().contentType(ContentType.JSON)
                .body(Map.of("backupId", backupId, "password", redis.password(), "mode", "INSTANCE"))
                .when().post("/api/v1/instances/" + instanceId + "/recoveries").then().statusCode(409)
                .body("code", equalTo("BACKUP_NOT_AVAILABLE"));
        given().when().delete("/api/v1/backups/" + backupId).then().statusCode(202);
    }

    @Test
    void deletesABackupThroughADeleteTask() {
        String instanceId = register(redis, "delete");
        String backupId = given().contentType(ContentType.JSON).when().post("/api/v1/instances/" + instanceId + "/backups")
                .then().statusCode(202).extract().path("backupId");
        given().when().delete("/api/v1/backups/" + backupId)
                .then().statusCode(409).body("code", equalTo("BACKUP_BUSY"));

        UUID instance = UUID.fromString(instanceId);
        UUID backup = UUID.fromString(backupId);
        kafka = new TopicClient();
        publish(new BackupCompleted(1, UUID.randomUUID(), UUID.randomUUID(), instance, Instant.now(), backup,
                Instant.now(), Instant.now(), 1, 0, "00", "7.0.15", 10));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/v1/backups/" + backupId)
                .then().body("status", equalTo("SUCCEEDED")));

        String deleteTask = given().when().delete("/api/v1/backups/" + backupId)
                .then().statusCode(202).extract().path("taskId");
        List<String> commands = kafka.await(Topics.BACKUP_COMMANDS, instanceId, 2, Duration.ofSeconds(30));
        BackupWorkerCommand delete = MessageCodec.fromJson(commands.get(commands.size() - 1), BackupWorkerCommand.class);
        assertEquals(new DeleteBackupCommand(1, delete.eventId(), UUID.fromString(deleteTask), instance,
                delete.occurredAt(), backup, io.redisbackup.contracts.Trigger.MANUAL), delete);

        publish(BackupDeleted.of(UUID.fromString(deleteTask), instance, backup, Instant.now()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/v1/backups/" + backupId)
                .then().statusCode(404));
    }

    @Test
    void takesOneManualBackupOfAnInstanceAtATime() {
        String instanceId = register(redis, "one-at-a-time");
        String first = given().contentType(ContentType.JSON).when().post("/api/v1/instances/" + instanceId + "/backups")
                .then().statusCode(202).extract().path("taskId");
        given().contentType(ContentType.JSON).when().post("/api/v1/instances/" + instanceId + "/backups")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("code", equalTo("BACKUP_IN_PROGRESS"))
                .body("taskId", equalTo(first));
    }

    @Test
    void aBackupCarriesTheInstancesCareForItsSourceAndMayLimitItsOwnRate() {
        String instanceId = register(redis, "careful");
        given().contentType(ContentType.JSON).body(Map.of("name", "careful", "host", redis.host(), "port",
                redis.port(), "memoryLimitBytes", 4L << 30, "backupMaxBytesPerSecond", 50L << 20))
                .when().put("/api/v1/instances/" + instanceId)
                .then().statusCode(200)
                .body("memoryLimitBytes", equalTo(4L << 30))
                .body("backupMaxBytesPerSecond", equalTo(50 << 20));
        kafka = new TopicClient();
        BackupPolicyChanged policy = MessageCodec.fromJson(kafka.await(Topics.BACKUP_POLICIES, instanceId, 2,
                Duration.ofSeconds(30)).get(1), BackupPolicyChanged.class);
        assertEquals(new SourceCare(4L << 30, 50L << 20), policy.care(), "the scheduler's backups take the same care");

        given().contentType(ContentType.JSON).when().post("/api/v1/instances/" + instanceId + "/backups")
                .then().statusCode(202);
        TakeBackupCommand instanceRate = MessageCodec.fromJson(kafka.await(Topics.BACKUP_COMMANDS, instanceId, 1,
                Duration.ofSeconds(30)).get(0), TakeBackupCommand.class);
        assertEquals(new SourceCare(4L << 30, 50L << 20), instanceRate.care());
        assertEquals(Message.SOURCE_CARE_SCHEMA_VERSION, instanceRate.schemaVersion());
        publish(BackupFailed.of(instanceRate.taskId(), UUID.fromString(instanceId), instanceRate.backupId(),
                new TaskError("INSTANCE_UNREACHABLE", "gone"), java.time.Instant.now()));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> given().when()
                .get("/api/v1/backups/" + instanceRate.backupId()).then().extract().path("status").equals("FAILED"));

        given().contentType(ContentType.JSON).body(Map.of("maxBytesPerSecond", 2 << 20))
                .when().post("/api/v1/instances/" + instanceId + "/backups")
                .then().statusCode(202);
        TakeBackupCommand ownRate = MessageCodec.fromJson(kafka.await(Topics.BACKUP_COMMANDS, instanceId, 2,
                Duration.ofSeconds(30)).get(1), TakeBackupCommand.class);
        assertEquals(new SourceCare(4L << 30, 2L << 20), ownRate.care());
        given().contentType(ContentType.JSON).body(Map.of("maxBytesPerSecond", 1000))
                .when().post("/api/v1/instances/" + instanceId + "/backups")
                .then().statusCode(400).body("errors.field", hasItem("maxBytesPerSecond"));
    }

    @Test
    void refusesARetentionOutsideOneToSevenHundredThirtyDays() {
        String instanceId = register(redis, "retention");
        for (int days : new int[] { 0, 731 }) {
            given().contentType(ContentType.JSON).body(Map.of("retentionDays", days))
                    .when().post("/api/v1/instances/" + instanceId + "/backups")
                    .then().statusCode(400).body("errors.field", hasItem("retentionDays"));
        }
        given().contentType(ContentType.JSON).when().post("/api/v1/instances/" + UUID.randomUUID() + "/backups")
                .then().statusCode(404).body("code", equalTo("INSTANCE_NOT_FOUND"));
        given().when().get("/api/v1/backups/" + UUID.randomUUID())
                .then().statusCode(404).body("code", equalTo("BACKUP_NOT_FOUND")).body("detail", containsString("backup"));
    }

    private void publish(Message event) {
        kafka.send(Topics.BACKUP_EVENTS, event.instanceId().toString(), MessageCodec.toJson(event));
    }

    /** Puts a backup into the store the way the backup worker does, and returns the RDB's SHA-256. */
    private static String store(UUID instance, UUID backup, byte[] rdb) throws Exception {
        return StoredBackup.store(StoredBackup.CURRENT_KEY, instance, backup, rdb);
    }
}
