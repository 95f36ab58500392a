package io.redisbackup.apigateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.redisbackup.contracts.BackupCompleted;
import io.redisbackup.contracts.BackupFailed;
import io.redisbackup.contracts.BackupType;
import io.redisbackup.contracts.BackupWorkerCommand;
import io.redisbackup.contracts.InstanceStatus;
import io.redisbackup.contracts.InstanceStatusChanged;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.KeyList;
import io.redisbackup.contracts.RecoverInstanceCommand;
import io.redisbackup.contracts.RecoverKeysCommand;
import io.redisbackup.contracts.RestoreWorkerCommand;
import io.redisbackup.contracts.TakeBackupCommand;
import io.redisbackup.contracts.TaskError;
import io.redisbackup.contracts.TaskStatus;
import io.redisbackup.contracts.TaskStatusChanged;
import io.redisbackup.contracts.Topics;
import io.redisbackup.testsupport.TopicClient;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

@QuarkusTest
class RecoveryResourceTest extends GatewayTest {

    @Test
    void acceptsARecoveryWithTheInstancePasswordAndOnlyOneAtATime() {
        String instanceId = register(redis, "recover");
        String backupId = succeededBackup(instanceId);

        String taskId = recover(instanceId, backupId, redis.password()).statusCode(202).extract().path("taskId");
        try (TopicClient kafka = new TopicClient()) {
            RecoverInstanceCommand command = (RecoverInstanceCommand) MessageCodec.fromJson(
                    kafka.await(Topics.RESTORE_COMMANDS, instanceId, 1, Duration.ofSeconds(30)).get(0),
                    RestoreWorkerCommand.class);
            assertEquals(taskId, command.taskId().toString());
            assertEquals(backupId, command.backupId().toString());
            assertEquals(instanceId, command.sourceInstanceId().toString());
            assertFalse(MessageCodec.toJson(command).contains(redis.password()));

            recover(instanceId, backupId, redis.password()).statusCode(409).body("code", equalTo("RECOVERY_IN_PROGRESS"));
            given().delete("/api/v1/instances/" + instanceId).then().statusCode(409);

            // the restore worker says the recovery ended
            kafka.send(Topics.INSTANCE_STATUS, instanceId, MessageCodec.toJson(InstanceStatusChanged.of(
                    UUID.fromString(taskId), UUID.fromString(instanceId), InstanceStatus.RUNNING, Instant.now())));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(
                    () -> recover(instanceId, backupId, redis.password()).statusCode(202));
        }
    }

    @Test
    void aWholeInstanceRecoveryWaitsForABackupOfTheInstanceAsItIsAndNamesIt() {
        String instanceId = register(redis, "safety");
        String backupId = succeededBackup(instanceId);
        String taskId = recoverWithSafetyBackup(instanceId, backupId);
        try (TopicClient kafka = new TopicClient()) {
            List<TakeBackupCommand> backupsAsked = safetyBackups(kafka, instanceId);
            assertEquals(1, backupsAsked.size());
            TakeBackupCommand safety = backupsAsked.get(0);
            assertTrue(statuses(kafka, instanceId, taskId).get(0).message()
                    .startsWith("Waiting for backup " + safety.backupId()));
            assertEquals(List.of(), kafka.readAll(Topics.RESTORE_COMMANDS, instanceId), "held until the backup");
            given().get("/api/v1/backups/" + safety.backupId()).then().body("type", equalTo("PRE_RECOVERY"));

            completed(kafka, instanceId, safety);
            RecoverInstanceCommand command = (RecoverInstanceCommand) MessageCodec.fromJson(
                    kafka.await(Topics.RESTORE_COMMANDS, instanceId, 1, Duration.ofSeconds(30)).get(0),
                    RestoreWorkerCommand.class);
            assertEquals(taskId, command.taskId().toString());
            assertEquals(safety.backupId(), command.safetyBackupId());
            given().get("/api/v1/backups/" + safety.backupId()).then().body("expiresAt", notNullValue());
        }
    }

    @Test
    void aRecoveryWhoseSafetyBackupFailsFailsAndChangesNothing() {
        String instanceId = register(redis, "safety-fails");
        String backupId = succeededBackup(instanceId);
        String taskId = recoverWithSafetyBackup(instanceId, backupId);
        try (TopicClient kafka = new TopicClient()) {
            TakeBackupCommand safety = safetyBackups(kafka, instanceId).get(0);
            kafka.send(Topics.BACKUP_EVENTS, instanceId, MessageCodec.toJson(BackupFailed.of(safety.taskId(),
                    safety.instanceId(), safety.backupId(), new TaskError("INSTANCE_UNREACHABLE", "gone"),
                    Instant.now())));
            TaskStatusChanged failed = await().atMost(Duration.ofSeconds(30)).until(
                    () -> statuses(kafka, instanceId, taskId), list -> list.size() == 2).get(1);
            assertEquals(TaskStatus.FAILED, failed.status());
            assertEquals("SAFETY_BACKUP_FAILED", failed.error().code());
            assertEquals(List.of(), kafka.readAll(Topics.RESTORE_COMMANDS, instanceId));
            // the instance is free for the next recovery
            recover(instanceId, backupId, redis.password()).statusCode(202);
        }
    }

    /** A whole-instance recovery as users ask for it, the safety backup first; its task. */
    private static String recoverWithSafetyBackup(String instanceId, String backupId) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("backupId", backupId, "password", redis.password(), "mode", "INSTANCE"))
                .when().post("/api/v1/instances/" + instanceId + "/recoveries").then().statusCode(202)
                .extract().path("taskId");
    }

    /** The safety backups asked of the instance (after the one manual backup that the test made first). */
    private static List<TakeBackupCommand> safetyBackups(TopicClient kafka, String instanceId) {
        return kafka.await(Topics.BACKUP_COMMANDS, instanceId, 2, Duration.ofSeconds(30)).stream()
                .map(json -> MessageCodec.fromJson(json, BackupWorkerCommand.class))
                .filter(TakeBackupCommand.class::isInstance).map(TakeBackupCommand.class::cast)
                .filter(c -> c.backupType() == BackupType.PRE_RECOVERY).toList();
    }

    /** The task's status events so far, in order. */
    private static List<TaskStatusChanged> statuses(TopicClient kafka, String instanceId, String taskId) {
        return kafka.readAll(Topics.TASK_STATUS, instanceId).stream()
                .map(json -> MessageCodec.fromJson(json, TaskStatusChanged.class))
                .filter(status -> status.taskId().toString().equals(taskId)).toList();
    }

    private static void completed(TopicClient kafka, String instanceId, TakeBackupCommand backup) {
        kafka.send(Topics.BACKUP_EVENTS, instanceId, MessageCodec.toJson(new BackupCompleted(1, UUID.randomUUID(),
                backup.taskId(), backup.instanceId(), Instant.now(), backup.backupId(), Instant.now(), Instant.now(),
                1, 0, "00", "7.0.15", 10)));
    }

    @Test
    void aRecoveryThatStoppedPartWaySaysSoAndFreesTheInstance() {
        String instanceId = register(redis, "part-way");
        String backupId = succeededBackup(instanceId);
        String taskId = recover(instanceId, backupId, redis.password()).statusCode(202).extract().path("taskId");
        try (TopicClient kafka = new TopicClient()) {
            status(kafka, taskId, instanceId, InstanceStatus.RECOVERING_BY_BACKUP_ID);
            awaitInstanceStatus(instanceId, "Recovering Backup by Backup ID");
            status(kafka, taskId, instanceId, InstanceStatus.RECOVERY_FAILED);
            awaitInstanceStatus(instanceId, "Recovery Failed");
            // late news of another task changes nothing
            status(kafka, UUID.randomUUID().toString(), instanceId, InstanceStatus.RECOVERING_BY_KEY);
            status(kafka, taskId, instanceId, InstanceStatus.RECOVERING_BY_BACKUP_ID);

            String next = recover(instanceId, backupId, redis.password()).statusCode(202).extract().path("taskId");
            given().when().get("/api/v1/instances/" + instanceId).then().body("status", equalTo("Recovery Failed"));
            status(kafka, next, instanceId, InstanceStatus.RUNNING);
            awaitInstanceStatus(instanceId, "Running");
        }
    }

    private static void status(TopicClient kafka, String taskId, String instanceId, InstanceStatus status) {
        kafka.send(Topics.INSTANCE_STATUS, instanceId, MessageCodec.toJson(InstanceStatusChanged.of(
                UUID.fromString(taskId), UUID.fromString(instanceId), status, Instant.now())));
    }

    private static void awaitInstanceStatus(String instanceId, String status) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when()
                .get("/api/v1/instances/" + instanceId).then().body("status", equalTo(status)));
    }

    @Test
    void refusesAWrongPasswordThenThrottles() {
        String instanceId = register(redis, "throttled");
        String backupId = succeededBackup(instanceId);
        for (int i = 0; i < 5; i++) {
            recover(instanceId, backupId, "not-it").statusCode(403).body("code", equalTo("WRONG_PASSWORD"));
        }
        recover(instanceId, backupId, redis.password()).statusCode(429)
                .body("code", equalTo("TOO_MANY_PASSWORD_ATTEMPTS"))
                .header("Retry-After", org.hamcrest.Matchers.notNullValue());
        // the guesses of one caller do not lock the owner out
        String owner = AccessTest.token("operator", List.of("*"));
        given().spec(as(owner)).contentType(ContentType.JSON)
                .body(Map.of("backupId", backupId, "password", redis.password(), "mode", "INSTANCE"))
                .when().post("/api/v1/instances/" + instanceId + "/recoveries").then().statusCode(202);
    }

    @Test
    void refusesABackupOfAnotherInstanceOrOneNotFinished() {
        String instanceId = register(redis, "mine");
        String otherId = register(redis, "other");
        String othersBackup = succeededBackup(otherId);
        recover(instanceId, othersBackup, redis.password()).statusCode(422).body("code", equalTo("BACKUP_OF_ANOTHER_INSTANCE"));

        String pending = given().contentType(ContentType.JSON).post("/api/v1/instances/" + instanceId + "/backups")
                .then().extract().path("backupId");
        recover(instanceId, pending, redis.password()).statusCode(409).body("code", equalTo("BACKUP_NOT_AVAILABLE"));
        recover(instanceId, UUID.randomUUID().toString(), redis.password()).statusCode(404);
    }

    @Test
    void namesEveryInvalidField() {
        String instanceId = register(redis, "fields");
        given().contentType(ContentType.JSON).body(Map.of("backupId", "x", "mode", "SOME"))
                .when().post("/api/v1/instances/" + instanceId + "/recoveries")
                .then().statusCode(400).body("errors.field", hasItems("backupId", "password", "mode"));
        String backup = UUID.randomUUID().toString();
        keys(instanceId, Map.of("backupId", backup, "mode", "KEYS", "password", "p"))
                .statusCode(400).body("errors.field", hasItems("keys"));
        keys(instanceId, Map.of("backupId", backup, "mode", "KEYS", "password", "p", "keys", " ; ;"))
                .statusCode(400).body("errors[0].message", containsString("names no key"));
        keys(instanceId, Map.of("backupId", backup, "mode", "KEYS", "password", "p", "keys", "a\\n"))
                .statusCode(400).body("errors[0].field", equalTo("keys"));
        keys(instanceId, Map.of("backupId", backup, "mode", "KEYS", "password", "p", "keys", "a", "keyList", List.of("b")))
                .statusCode(400).body("errors[0].message", containsString("one way"));
        keys(instanceId, Map.of("backupId", backup, "mode", "KEYS", "password", "p", "keyListBase64", List.of("%%")))
                .statusCode(400).body("errors[0].field", equalTo("keyListBase64"));
        keys(instanceId, Map.of("backupId", backup, "mode", "KEYS", "password", "p",
                "keyList", java.util.stream.IntStream.range(0, 1001).mapToObj(i -> "k" + i).toList()))
                .statusCode(400).body("errors[0].message", containsString("at most 1000"));
        keys(instanceId, Map.of("backupId", backup, "mode", "INSTANCE", "password", "p", "keys", "a"))
                .statusCode(400).body("errors[0].field", equalTo("keys"));
    }

    @Test
    void acceptsAKeysRecoveryAsBytesWhicheverWayTheKeysAreWritten() {
        String instanceId = register(redis, "keys");
        String backupId = succeededBackup(instanceId);
        String taskId = keys(instanceId, Map.of("backupId", backupId, "mode", "KEYS", "password", redis.password(),
                "keys", "user:1;a\\;b;bin\\x00\\xff; spaced ;user:1")).statusCode(202).extract().path("taskId");
        try (TopicClient kafka = new TopicClient()) {
            RecoverKeysCommand command = (RecoverKeysCommand) MessageCodec.fromJson(
                    kafka.await(Topics.RESTORE_COMMANDS, instanceId, 1, Duration.ofSeconds(30)).get(0),
                    RestoreWorkerCommand.class);
            assertEquals(taskId, command.taskId().toString());
            assertEquals(List.of("user:1", "a\\;b", "bin\\x00\\xff", " spaced "),
                    command.keys().stream().map(KeyList::format).toList());
            given().get("/api/v1/instances/" + instanceId).then().statusCode(200);
            keys(instanceId, Map.of("backupId", backupId, "mode", "KEYS", "password", redis.password(),
                    "keyListBase64", List.of("AP8="))).statusCode(409).body("code", equalTo("RECOVERY_IN_PROGRESS"));
        }
    }

    private static ValidatableResponse keys(String instanceId, Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/instances/" + instanceId + "/recoveries").then();
    }

    /** A whole-instance recovery without the safety backup: its command goes out at once. */
    private static ValidatableResponse recover(String instanceId, String backupId, String password) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("backupId", backupId, "password", password, "mode", "INSTANCE", "safetyBackup", false))
                .when().post("/api/v1/instances/" + instanceId + "/recoveries").then();
    }
}
