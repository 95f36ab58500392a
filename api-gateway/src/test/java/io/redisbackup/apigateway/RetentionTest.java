package io.redisbackup.apigateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.redisbackup.contracts.BackupCompleted;
import io.redisbackup.contracts.BackupWorkerCommand;
import io.redisbackup.contracts.DeleteBackupCommand;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.Topics;
import io.redisbackup.contracts.Trigger;
import io.redisbackup.testsupport.TopicClient;
import io.restassured.http.ContentType;

@QuarkusTest
class RetentionTest extends GatewayTest {

    @Test
    void deletesExpiredBackupsButKeepsTheNewestGoodOneWhileTheInstanceIsBackedUp() {
        String instanceId = register(redis, "retention");
        UUID instance = UUID.fromString(instanceId);
        String oldest = succeededDaysAgo(instance, 10);
        String older = succeededDaysAgo(instance, 9);
        String newest = succeededDaysAgo(instance, 8);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            given().get("/api/v1/backups/" + oldest).then().body("status", equalTo("DELETING"));
            given().get("/api/v1/backups/" + older).then().body("status", equalTo("DELETING"));
        });
        given().get("/api/v1/backups/" + newest).then().body("status", equalTo("SUCCEEDED"));
        try (TopicClient kafka = new TopicClient()) {
            List<DeleteBackupCommand> deletions = deletions(kafka, instanceId, 2);
            assertEquals(List.of(Trigger.SCHEDULED, Trigger.SCHEDULED), deletions.stream().map(DeleteBackupCommand::trigger).toList());

            given().contentType(ContentType.JSON)
                    .body(Map.of("enabled", false, "timePeriod", "02:00-03:00", "retentionDays", 7))
                    .when().put("/api/v1/instances/" + instanceId + "/backup-policy").then().statusCode(200);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/v1/backups/" + newest)
                    .then().body("status", equalTo("DELETING")));
            assertEquals(newest, deletions(kafka, instanceId, 3).get(2).backupId().toString());
        }
    }

    /** A manual backup kept one day that finished {@code days} ago, as the worker would report it. */
    private static String succeededDaysAgo(UUID instance, int days) {
        String backupId = given().contentType(ContentType.JSON).body(Map.of("retentionDays", 1))
                .when().post("/api/v1/instances/" + instance + "/backups").then().statusCode(202).extract().path("backupId");
        Instant finished = Instant.now().minus(Duration.ofDays(days));
        try (TopicClient kafka = new TopicClient()) {
            kafka.send(Topics.BACKUP_EVENTS, instance.toString(), MessageCodec.toJson(new BackupCompleted(1,
                    UUID.randomUUID(), UUID.randomUUID(), instance, Instant.now(), UUID.fromString(backupId),
                    finished.minusSeconds(5), finished, 10, 1, "00", "7.0.15", 10)));
        }
        // one manual backup of an instance at a time: the next is asked for once this one has ended
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/v1/backups/" + backupId)
                .then().body("status", org.hamcrest.Matchers.not(equalTo("PENDING"))));
        return backupId;
    }

    private static List<DeleteBackupCommand> deletions(TopicClient kafka, String instanceId, int count) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> kafka.readAll(Topics.BACKUP_COMMANDS, instanceId)
                .stream().map(json -> MessageCodec.fromJson(json, BackupWorkerCommand.class))
                .filter(DeleteBackupCommand.class::isInstance).map(DeleteBackupCommand.class::cast).toList(),
                list -> list.size() >= count);
    }
}
