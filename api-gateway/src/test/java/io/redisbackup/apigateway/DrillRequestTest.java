package io.redisbackup.apigateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.redisbackup.contracts.BackupVerified;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.RestoreWorkerCommand;
import io.redisbackup.contracts.TaskError;
import io.redisbackup.contracts.Topics;
import io.redisbackup.contracts.Trigger;
import io.redisbackup.contracts.VerifyBackupCommand;
import io.redisbackup.testsupport.TopicClient;
import io.restassured.http.ContentType;

/** Restore drills asked for through the API and by a policy, and their verdicts in the catalogue. */
@QuarkusTest
class DrillRequestTest extends GatewayTest {

    @Test
    void aDrillAskedForGoesToTheRestoreWorkerAndItsVerdictToTheBackup() {
        String instanceId = register(redis, "drill");
        String backupId = succeededBackup(instanceId);
        String taskId = given().post("/api/v1/backups/" + backupId + "/verify").then().statusCode(202)
                .body("backupId", equalTo(backupId)).extract().path("taskId");
        try (TopicClient kafka = new TopicClient()) {
            VerifyBackupCommand command = drills(kafka, instanceId, 1).get(0);
            assertEquals(taskId, command.taskId().toString());
            assertEquals(Trigger.MANUAL, command.trigger());

            kafka.send(Topics.BACKUP_EVENTS, instanceId, MessageCodec.toJson(BackupVerified.of(command.taskId(),
                    command.instanceId(), command.backupId(), new TaskError("DRILL_FAILED", "a key is missing"),
                    Instant.now())));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/v1/backups/" + backupId)
                    .then().body("verification", equalTo("FAILED"))
                    .body("verificationError", containsString("a key is missing")));
            kafka.send(Topics.BACKUP_EVENTS, instanceId, MessageCodec.toJson(BackupVerified.of(command.taskId(),
                    command.instanceId(), command.backupId(), null, Instant.now())));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/v1/backups/" + backupId)
                    .then().body("verification", equalTo("PASSED")).body("verificationError", equalTo(null)));
        }
        String pending = given().contentType(ContentType.JSON).post("/api/v1/instances/" + instanceId + "/backups")
                .then().extract().path("backupId");
        given().post("/api/v1/backups/" + pending + "/verify").then().statusCode(409)
                .body("code", equalTo("BACKUP_NOT_AVAILABLE"));
        String viewer = token("drill-viewer", "viewer", "default");
        given().spec(as(viewer)).post("/api/v1/backups/" + backupId + "/verify").then().statusCode(403);
    }

    @Test
    void aWeeklyPolicyDrillsTheNewestGoodBackupOnceAWeek() {
        String instanceId = register(redis, "weekly-drill");
        succeededBackup(instanceId);
        String newest = succeededBackup(instanceId);
        given().contentType(ContentType.JSON).body(Map.of("enabled", true, "weekdays", List.of("MONDAY"),
                "timePeriod", "02:00-03:00", "retentionDays", 7, "drill", "WEEKLY"))
                .when().put("/api/v1/instances/" + instanceId + "/backup-policy").then().statusCode(200)
                .body("drill", equalTo("WEEKLY"));
        try (TopicClient kafka = new TopicClient()) {
            VerifyBackupCommand command = drills(kafka, instanceId, 1).get(0);
            assertEquals(newest, command.backupId().toString());
            assertEquals(Trigger.SCHEDULED, command.trigger());
            // the sweep runs every second in the test profile: no second drill within the week
            await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertEquals(1, drills(kafka, instanceId, 1).size()));
        }
        given().contentType(ContentType.JSON).body(Map.of("enabled", true, "weekdays", List.of("MONDAY"),
                "timePeriod", "02:00-03:00", "retentionDays", 7, "drill", "MONTHLY"))
                .when().put("/api/v1/instances/" + instanceId + "/backup-policy").then().statusCode(400)
                .body("errors[0].field", equalTo("drill"));
    }

    private static List<VerifyBackupCommand> drills(TopicClient kafka, String instanceId, int atLeast) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> kafka.readAll(Topics.RESTORE_COMMANDS, instanceId)
                .stream().map(json -> MessageCodec.fromJson(json, RestoreWorkerCommand.class))
                .filter(VerifyBackupCommand.class::isInstance).map(VerifyBackupCommand.class::cast).toList(),
                list -> list.size() >= atLeast);
    }
}
