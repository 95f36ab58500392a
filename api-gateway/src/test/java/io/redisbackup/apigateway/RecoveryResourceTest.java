package io.redisbackup.apigateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.redisbackup.contracts.BackupCompleted;
import io.redisbackup.contracts.InstanceStatus;
import io.redisbackup.contracts.InstanceStatusChanged;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.RecoverInstanceCommand;
import io.redisbackup.contracts.RestoreWorkerCommand;
import io.redisbackup.contracts.Topics;
import io.redisbackup.testsupport.RedisServer;
import io.redisbackup.testsupport.TopicReader;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

@QuarkusTest
class RecoveryResourceTest extends GatewayTest {

    static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    void acceptsARecoveryWithTheInstancePasswordAndOnlyOneAtATime() {
        String instanceId = register(redis, "recover");
        String backupId = succeededBackup(instanceId);

        String taskId = recover(instanceId, backupId, redis.password()).statusCode(202).extract().path("taskId");
        try (TopicReader kafka = new TopicReader()) {
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
    void refusesAWrongPasswordThenThrottles() {
        String instanceId = register(redis, "throttled");
        String backupId = succeededBackup(instanceId);
        for (int i = 0; i < 5; i++) {
            recover(instanceId, backupId, "not-it").statusCode(403).body("code", equalTo("WRONG_PASSWORD"));
        }
        recover(instanceId, backupId, redis.password()).statusCode(429)
                .body("code", equalTo("TOO_MANY_PASSWORD_ATTEMPTS"))
                .header("Retry-After", org.hamcrest.Matchers.notNullValue());
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
    void namesEveryInvalidFieldAndSaysKeysModeIsNotThereYet() {
        String instanceId = register(redis, "fields");
        given().contentType(ContentType.JSON).body(Map.of("backupId", "x", "mode", "SOME"))
                .when().post("/api/v1/instances/" + instanceId + "/recoveries")
                .then().statusCode(400).body("errors.field", hasItems("backupId", "password", "mode"));
        given().contentType(ContentType.JSON)
                .body(Map.of("backupId", UUID.randomUUID().toString(), "mode", "KEYS", "password", "p", "keys", "a;b"))
                .when().post("/api/v1/instances/" + instanceId + "/recoveries")
                .then().statusCode(501).body("code", equalTo("NOT_IMPLEMENTED"));
    }

    private static ValidatableResponse recover(String instanceId, String backupId, String password) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("backupId", backupId, "password", password, "mode", "INSTANCE"))
                .when().post("/api/v1/instances/" + instanceId + "/recoveries").then();
    }

    /** A backup of the instance that the backup worker has reported SUCCEEDED. */
    private static String succeededBackup(String instanceId) {
        String backupId = given().contentType(ContentType.JSON).post("/api/v1/instances/" + instanceId + "/backups")
                .then().statusCode(202).extract().path("backupId");
        try (TopicReader kafka = new TopicReader()) {
            kafka.send(Topics.BACKUP_EVENTS, instanceId, MessageCodec.toJson(new BackupCompleted(1, UUID.randomUUID(),
                    UUID.randomUUID(), UUID.fromString(instanceId), Instant.now(), UUID.fromString(backupId),
                    Instant.now(), Instant.now(), 1, 0, "00", "7.0.15", 10)));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/v1/backups/" + backupId)
                .then().body("status", equalTo("SUCCEEDED")));
        return backupId;
    }
}
