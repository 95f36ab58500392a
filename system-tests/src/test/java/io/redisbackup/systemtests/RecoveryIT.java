package io.redisbackup.systemtests;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.redisbackup.contracts.InstanceStatus;
import io.redisbackup.contracts.InstanceStatusChanged;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.Topics;
import io.redisbackup.testsupport.Datasets;
import io.redisbackup.testsupport.RedisServer;
import io.redisbackup.testsupport.TopicClient;
import io.restassured.http.ContentType;

/**
 * Whole-instance recovery end to end (issue 5, INSTANCE mode), and issue 4's backup scheduled while a recovery
 * runs.
 */
class RecoveryIT extends SystemTest {

    @Test
    void recoversTheDatasetAsItWasAtBackupTimeShowingRecoveringMeanwhile() {
        try (RedisServer source = RedisServer.start()) {
            Datasets.everyType(source);
            String digestAtBackup = source.digest();
            String instanceId = register(source);
            String backupId = backedUp(instanceId);

            source.call("DEL", "string:small", "hash:big");
            source.call("SET", "string:int", "changed");
            source.call("SET", "new:key", "added after the backup");
            source.call("SELECT", "9");
            source.call("SET", "in:db9", "added after the backup");
            assertNotEquals(digestAtBackup, source.digest());

            String taskId = recover(instanceId, backupId, source.password(), null).statusCode(202).extract().path("taskId");
            awaitTask(taskId, "SUCCEEDED");

            assertEquals(digestAtBackup, source.digest());
            given().get("/api/v1/tasks/" + taskId).then().body("type", equalTo("RECOVER_INSTANCE"))
                    .body("result.keysExpired", equalTo(0));
            try (TopicClient kafka = new TopicClient(platform.bootstrapServers())) {
                List<InstanceStatus> statuses = kafka.readAll(Topics.INSTANCE_STATUS, instanceId).stream()
                        .map(json -> MessageCodec.fromJson(json, InstanceStatusChanged.class).status()).toList();
                assertEquals(List.of(InstanceStatus.RECOVERING_BY_BACKUP_ID, InstanceStatus.RUNNING), statuses);
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/v1/instances/" + instanceId)
                    .then().body("status", equalTo("Running")));
        }
    }

    @Test
    void recoversChosenKeysOnlyWithTheirBackedUpValuesAndTtls() {
        try (RedisServer source = RedisServer.start()) {
            Datasets.everyType(source);
            source.call("SET", "semi;colon key", "backed up");
            source.call("SET", "with space", "backed up", "EX", "5000");
            Map<String, String> atBackup = source.valueDigests(0, 1, 5);
            String instanceId = register(source);
            String backupId = backedUp(instanceId);

            source.call("DEL", "string:small", "semi;colon key");
            source.call("SET", "with space", "changed, and without its TTL");
            source.call("SET", Datasets.BINARY_KEY, "changed");
            source.call("HSET", "hash:small", "f1", "changed");
            source.call("SET", "string:int", "changed, not chosen");
            source.call("SET", "new:key", "added after the backup");
            source.call("SELECT", "1");
            source.call("SET", "string:small", "changed in database 1 too");
            source.call("SELECT", "0");
            List<byte[]> chosen = List.of("string:small".getBytes(), "semi;colon key".getBytes(), "with space".getBytes(),
                    Datasets.BINARY_KEY, "hash:small".getBytes());
            Map<String, String> untouched = source.valueDigests(0, 1, 5);
            chosen.forEach(key -> List.of(0, 1, 5).forEach(db -> untouched.remove(RedisServer.keyName(db, key))));

            // typed as in a console: \; for a semicolon in a key, \xHH for a byte that is not text
            String keys = "string:small;semi\\;colon key;with space;bin\\x00\\xff\\xfe\\; k;hash:small;not:in:backup";
            String taskId = given().contentType(ContentType.JSON)
                    .body(Map.of("backupId", backupId, "password", source.password(), "mode", "KEYS", "keys", keys))
                    .when().post("/api/v1/instances/" + instanceId + "/recoveries").then().statusCode(202)
                    .extract().path("taskId");
            awaitTask(taskId, "SUCCEEDED");

            given().get("/api/v1/tasks/" + taskId).then().body("type", equalTo("RECOVER_KEYS"))
                    .body("result.restored", equalTo(List.of("string:small", "semi\\;colon key", "with space",
                            "bin\\x00\\xff\\xfe\\; k", "hash:small")))
                    .body("result.notInBackup", equalTo(List.of("not:in:backup")))
                    .body("result.expired", equalTo(List.of()));
            Map<String, String> now = source.valueDigests(0, 1, 5);
            for (byte[] key : chosen) {
                for (int db : List.of(0, 1)) {
                    String name = RedisServer.keyName(db, key);
                    assertEquals(atBackup.get(name), now.get(name), name);
                }
            }
            untouched.forEach((name, digest) -> assertEquals(digest, now.get(name), name));
            long ttl = (Long) source.call("PTTL", "with space");
            assertTrue(ttl > 4_000_000 && ttl <= 5_000_000, "the key keeps its remaining TTL: " + ttl);
            try (TopicClient kafka = new TopicClient(platform.bootstrapServers())) {
                List<InstanceStatus> statuses = kafka.readAll(Topics.INSTANCE_STATUS, instanceId).stream()
                        .map(json -> MessageCodec.fromJson(json, InstanceStatusChanged.class).status()).toList();
                assertEquals(List.of(InstanceStatus.RECOVERING_BY_KEY, InstanceStatus.RUNNING), statuses);
            }
        }
    }

    @Test
    void refusesADamagedBackupBeforeTheInstanceChanges() throws Exception {
        try (RedisServer source = RedisServer.start()) {
            Datasets.everyType(source);
            String instanceId = register(source);
            String backupId = backedUp(instanceId);
            source.call("SET", "changed:after", "backup");
            String before = source.digest();

            Path rdb = platform.storedFile(instanceId, backupId, "dump.rdb"); // a bit flips on the storage's disk
            try (RandomAccessFile file = new RandomAccessFile(rdb.toFile(), "rw")) {
                file.seek(file.length() / 2);
                int b = file.read();
                file.seek(file.length() / 2);
                file.write(b ^ 0x01);
            }
            String taskId = recover(instanceId, backupId, source.password(), null).statusCode(202).extract().path("taskId");
            awaitTask(taskId, "FAILED");

            given().get("/api/v1/tasks/" + taskId).then().body("error.code", equalTo("BACKUP_CHECKSUM_MISMATCH"));
            assertEquals(before, source.digest());
        }
    }

    @Test
    void refusesAWrongPasswordAndASecondRecoveryAtTheSameTime() {
        try (RedisServer source = RedisServer.start()) {
            source.call("DEBUG", "POPULATE", "300000", "k", "100");
            String instanceId = register(source);
            String backupId = backedUp(instanceId);

            recover(instanceId, backupId, "not-the-password", null).statusCode(403);
            String first = recover(instanceId, backupId, source.password(), null).statusCode(202).extract().path("taskId");
            recover(instanceId, backupId, source.password(), null).statusCode(409).body("code", equalTo("RECOVERY_IN_PROGRESS"));
            awaitTask(first, "SUCCEEDED");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(
                    () -> recover(instanceId, backupId, source.password(), null).statusCode(202));
        }
    }

    @Test
    void recoversIntoASecondInstance() {
        try (RedisServer source = RedisServer.start(); RedisServer copy = RedisServer.start()) {
            Datasets.everyType(source);
            copy.call("SET", "replaced", "by the clone");
            String sourceId = register(source);
            String copyId = register(copy);
            String backupId = backedUp(sourceId);

            String taskId = recover(sourceId, backupId, copy.password(), copyId).statusCode(202).extract().path("taskId");
            awaitTask(taskId, "SUCCEEDED");
            assertEquals(source.digest(), copy.digest());
        }
    }

    /**
     * The workers run with 256 MiB of heap ({@link Platform}): a key of 260 MiB cannot be held whole by either, so
     * the snapshot, the whole instance's recovery and the key's own recovery must each stream it (held, it took
     * about three times its size: the scanner's buffer, grown by doubling, and the payload's copy).
     */
    @Test
    void aKeyLargerThanTheWorkersHeapIsBackedUpAndRecoveredWhole() {
        try (RedisServer source = RedisServer.start(); RedisServer copy = RedisServer.start()) {
            byte[] value = new byte[260 << 20];
            new java.util.Random(19).nextBytes(value); // random: the server cannot compress it in the RDB
            source.call("SET", "larger-than-a-worker", value, "EX", "86400");
            source.call("SET", "beside-it", "small");
            String sourceId = register(source);
            String copyId = register(copy);
            String backupId = backedUp(sourceId);

            String whole = recover(sourceId, backupId, copy.password(), copyId).statusCode(202).extract()
                    .path("taskId");
            awaitTask(whole, "SUCCEEDED");
            assertEquals(source.digest(), copy.digest());

            source.call("SET", "larger-than-a-worker", "overwritten since");
            String keys = given().contentType(ContentType.JSON)
                    .body(Map.of("backupId", backupId, "password", source.password(), "mode", "KEYS",
                            "keys", "larger-than-a-worker"))
                    .when().post("/api/v1/instances/" + sourceId + "/recoveries").then().statusCode(202)
                    .extract().path("taskId");
            awaitTask(keys, "SUCCEEDED");
            assertEquals(copy.digest(), source.digest(), "the key is back as it was backed up, with its expiry");
        }
    }

    @Test
    void aBackupScheduledWhileARecoveryRunsIsDelayedThenSucceeds() {
        try (RedisServer source = RedisServer.start()) {
            source.call("DEBUG", "POPULATE", "1000000", "k", "100");
            String instanceId = register(source);
            String backupId = backedUp(instanceId);

            String recovery = recover(instanceId, backupId, source.password(), null).statusCode(202).extract().path("taskId");
            awaitTask(recovery, "RUNNING");
            // the recovery's writes wait until the scheduled backup has been seen waiting: no race with the clock
            source.call("CLIENT", "PAUSE", "50000", "WRITE");
            String scheduled;
            try {
                given().get("/api/v1/tasks/" + recovery).then().body("status", equalTo("RUNNING"));
                AutomaticBackupIT.Now now = AutomaticBackupIT.Now.withRoomInTheHour();
                given().contentType(ContentType.JSON)
                        .body(Map.of("enabled", true, "weekdays", List.of(now.weekday().name()), "timePeriod", now.period(),
                                "timezone", now.zone().getId(), "retentionDays", 3))
                        .when().put("/api/v1/instances/" + instanceId + "/backup-policy").then().statusCode(200);
                scheduled = await().atMost(Duration.ofSeconds(40)).until(() -> given()
                        .queryParam("instanceId", instanceId).queryParam("type", "BACKUP").when().get("/api/v1/tasks")
                        .then().extract().<List<Map<String, Object>>>path("items").stream()
                        .filter(task -> "SCHEDULED".equals(task.get("trigger"))).map(task -> (String) task.get("id"))
                        .findFirst().orElse(null), java.util.Objects::nonNull);
                awaitTask(scheduled, "DELAYED");
            } finally {
                source.call("CLIENT", "UNPAUSE");
            }
            awaitTask(scheduled, "SUCCEEDED");

            List<String> history = given().get("/api/v1/tasks/" + scheduled).then().extract().path("history.status");
            assertTrue(history.contains("DELAYED"), history.toString());
            assertTrue(history.indexOf("DELAYED") < history.indexOf("RUNNING"), history.toString());
            String recoveryFinished = given().get("/api/v1/tasks/" + recovery).then().body("status", equalTo("SUCCEEDED"))
                    .extract().path("finishedAt");
            String backupStarted = given().get("/api/v1/tasks/" + scheduled).path("startedAt");
            assertTrue(!Instant.parse(backupStarted).isBefore(Instant.parse(recoveryFinished)),
                    "the backup started " + backupStarted + ", after the recovery finished " + recoveryFinished);
        }
    }

    private static io.restassured.response.ValidatableResponse recover(String instanceId, String backupId,
            String password, String target) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("backupId", backupId, "password", password, "mode", "INSTANCE"));
        if (target != null) {
            body.put("targetInstanceId", target);
        }
        return given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/instances/" + instanceId + "/recoveries").then();
    }

    private static String register(RedisServer redis) {
        return register(redis, "recovery");
    }

    private static void awaitTask(String taskId, String status) {
        awaitTask(taskId, status, Duration.ofSeconds(120));
    }
}
