package io.redisbackup.systemtests;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

import io.redisbackup.contracts.BackupCompleted;
import io.redisbackup.contracts.BackupEvent;
import io.redisbackup.contracts.BackupStarted;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.TaskStatus;
import io.redisbackup.contracts.TaskStatusChanged;
import io.redisbackup.contracts.Topics;
import io.redisbackup.testsupport.Datasets;
import io.redisbackup.testsupport.RedisServer;
import io.redisbackup.testsupport.TopicClient;

/**
 * Kafka stopped and started again, before and in the middle of a backup: a task accepted meanwhile is visible as
 * PENDING at once (the gateway shows what it accepted until the task center hears of it), the backup runs exactly
 * once, and the task, the catalogue and the stored backup agree.
 */
@Isolated // it stops the broker that every other test class needs
class KafkaOutageIT extends SystemTest {

    @Test
    void aBackupAskedForDuringAnOutageRunsOnceAfterIt() throws Exception {
        try (RedisServer source = RedisServer.start()) {
            Datasets.everyType(source);
            String instanceId = register(source, "outage-before", "outage");
            platform.stopKafka();
            String taskId;
            try {
                taskId = manualBackup(instanceId).get("taskId");
                // the task center has not heard of it: the gateway shows the task it accepted, to that project only
                given().get("/api/v1/tasks/" + taskId).then().statusCode(200)
                        .body("id", equalTo(taskId))
                        .body("status", equalTo("PENDING"))
                        .body("type", equalTo("BACKUP"))
                        .body("instanceId", equalTo(instanceId))
                        .body("project", equalTo("outage"))
                        .body("history[0].status", equalTo("PENDING"));
                at(platform.gateway(), token("viewer", "somewhere-else")).get("/api/v1/tasks/" + taskId)
                        .then().statusCode(404);
                given().get("/api/v1/tasks/" + UUID.randomUUID()).then().statusCode(404)
                        .body("code", equalTo("TASK_NOT_FOUND"));
                Thread.sleep(3_000);
            } finally {
                platform.startKafka();
            }
            awaitTask(taskId, "SUCCEEDED", Duration.ofSeconds(120));
            assertRanOnce(instanceId, taskId);
        }
    }

    @Test
    void aBackupUnderWayWhenKafkaStopsEndsOnceWhenItIsBack() throws Exception {
        // the server waits 5 s before its snapshot: the outage begins while the backup runs
        try (RedisServer source = RedisServer.start("--repl-diskless-sync-delay", "5")) {
            Datasets.everyType(source);
            String instanceId = register(source, "outage-during");
            String taskId = manualBackup(instanceId).get("taskId");
            awaitTask(taskId, "RUNNING", Duration.ofSeconds(60));
            platform.stopKafka();
            try {
                // the snapshot arrives and is stored; its news waits for the broker, longer than one send may wait
                Thread.sleep(Platform.SEND_TIMEOUT.multipliedBy(2).toMillis());
            } finally {
                platform.startKafka();
            }
            awaitTask(taskId, "SUCCEEDED", Duration.ofSeconds(120));
            assertRanOnce(instanceId, taskId);
            String backupId = given().get("/api/v1/tasks/" + taskId).then().extract().path("backupId");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/v1/backups/" + backupId)
                    .then().body("status", equalTo("SUCCEEDED")));
            given().get("/api/v1/backups/" + backupId + "/rdb").then().statusCode(200);
        }
    }

    private void assertRanOnce(String instanceId, String taskId) {
        try (TopicClient kafka = new TopicClient(platform.bootstrapServers())) {
            List<TaskStatusChanged> statuses = kafka.readAll(Topics.TASK_STATUS, instanceId).stream()
                    .map(json -> MessageCodec.fromJson(json, TaskStatusChanged.class))
                    .filter(e -> e.taskId().toString().equals(taskId)).toList();
            // a send repeated through the outage repeats the same event (same id): consumers drop it
            assertEquals(1, statuses.stream().filter(e -> e.status() == TaskStatus.SUCCEEDED)
                    .map(TaskStatusChanged::eventId).distinct().count(), "one success");
            assertTrue(statuses.stream().allMatch(e -> e.attempt() == null || e.attempt() == 1), "no second attempt");
            List<BackupEvent> backups = kafka.readAll(Topics.BACKUP_EVENTS, instanceId).stream()
                    .map(json -> MessageCodec.fromJson(json, BackupEvent.class))
                    .filter(e -> e.taskId() != null && e.taskId().toString().equals(taskId)).toList();
            assertEquals(1, distinct(backups, BackupStarted.class), "the snapshot was taken once");
            assertEquals(1, distinct(backups, BackupCompleted.class), "the backup was stored once");
        }
    }

    private static long distinct(List<BackupEvent> events, Class<? extends BackupEvent> kind) {
        return events.stream().filter(kind::isInstance).map(BackupEvent::eventId).distinct()
                .count();
    }
}
