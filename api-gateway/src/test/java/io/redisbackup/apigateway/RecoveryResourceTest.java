package io.redisbackup.apigateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.redisbackup.contracts.InstanceStatus;
import io.redisbackup.contracts.InstanceStatusChanged;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.KeyList;
import io.redisbackup.contracts.RecoverInstanceCommand;
import io.redisbackup.contracts.RecoverKeysCommand;
import io.redisbackup.contracts.RestoreWorkerCommand;
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

    private static ValidatableResponse recover(String instanceId, String backupId, String password) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("backupId", backupId, "password", password, "mode", "INSTANCE"))
                .when().post("/api/v1/instances/" + instanceId + "/recoveries").then();
    }
}
