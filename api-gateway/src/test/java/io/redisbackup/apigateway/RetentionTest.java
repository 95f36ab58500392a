package io.redisbackup.apigateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.redisbackup.contracts.BackupCompleted;
import io.redisbackup.contracts.BackupType;
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

    @Test
    void countRulesKeepTheNewestOfTheLastDaysAndMonthsOfASimulatedYearAndNothingElse() {
        String instanceId = register(redis, "gfs");
        UUID instance = UUID.fromString(instanceId);
        // counts alone (0 days): the newest of each of the last 3 days and of the last 3 months
        given().contentType(ContentType.JSON).body(Map.of("enabled", true, "weekdays", List.of("MONDAY"),
                "timePeriod", "02:00-03:00", "timezone", "UTC", "retentionDays", 0, "keepDaily", 3, "keepMonthly", 3))
                .when().put("/api/v1/instances/" + instanceId + "/backup-policy").then().statusCode(200)
                .body("keepDaily", equalTo(3)).body("keepMonthly", equalTo(3)).body("keepLast", equalTo(null));
        Map<String, UUID> year = new TreeMap<>();
        QuarkusTransaction.requiringNew().run(() -> {
            for (LocalDate day = LocalDate.of(2025, 1, 1); day.getYear() == 2025; day = day.plusDays(1)) {
                year.put(day.toString(), automaticBackup(instance, day.atTime(2, 30).toInstant(ZoneOffset.UTC)));
            }
        });

        Set<String> kept = Set.of("2025-12-31", "2025-12-30", "2025-12-29", "2025-11-30", "2025-10-31");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Map<String, String> statuses = new TreeMap<>();
            QuarkusTransaction.requiringNew().run(() -> year.forEach((day, id) -> statuses.put(day,
                    ((Backup) Backup.findById(id)).status.name())));
            year.keySet().forEach(day -> assertEquals(kept.contains(day) ? "SUCCEEDED" : "DELETING", statuses.get(day),
                    day));
        });
    }

    /** An automatic backup of the instance that finished then, kept 0 days (the count rules alone keep it). */
    private static UUID automaticBackup(UUID instance, Instant finished) {
        Backup backup = new Backup();
        backup.id = UUID.randomUUID();
        backup.taskId = UUID.randomUUID();
        backup.instanceId = instance;
        backup.project = "default";
        backup.type = BackupType.AUTOMATIC;
        backup.trigger = Trigger.SCHEDULED;
        backup.status = BackupStatus.SUCCEEDED;
        backup.retentionDays = 0;
        backup.createdAt = finished.minusSeconds(60);
        backup.startedAt = finished.minusSeconds(30);
        backup.finishedAt = finished;
        backup.expiresAt = finished;
        backup.persist();
        return backup.id;
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
