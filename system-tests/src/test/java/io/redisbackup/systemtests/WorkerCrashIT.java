package io.redisbackup.systemtests;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.io.TempDir;

import io.redisbackup.contracts.InstanceStatus;
import io.redisbackup.contracts.InstanceStatusChanged;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.TaskStatus;
import io.redisbackup.contracts.TaskStatusChanged;
import io.redisbackup.contracts.Topics;
import io.redisbackup.testsupport.Datasets;
import io.redisbackup.testsupport.RedisServer;
import io.redisbackup.testsupport.TopicClient;
import io.restassured.http.ContentType;

/**
 * Workers killed (SIGKILL) in the middle of a task, and started again sooner or later than the lost-task time: in
 * each case the task, the backup catalogue and the instance end up agreeing, and nothing runs after its task ended.
 */
@Isolated // it kills workers that every other test class needs
class WorkerCrashIT extends SystemTest {

    @TempDir
    Path dir;

    @Test
    void aBackupWhoseWorkerDiesAndComesBackSoonIsRetriedAndTheRetryIsInItsHistory() throws Exception {
        // Redis's default 5 s wait before a snapshot keeps the backup in flight long enough to kill its worker
        try (RedisServer source = RedisServer.start("--repl-diskless-sync-delay", "5")) {
            Datasets.everyType(source);
            String instanceId = register(source, "crash");
            var accepted = manualBackup(instanceId);
            String taskId = accepted.get("taskId");
            String backupId = accepted.get("backupId");
            awaitTask(taskId, "RUNNING", Duration.ofSeconds(60));

            platform.kill("backup-worker");
            given().when().get("/api/v1/backups/" + backupId + "/rdb").then().statusCode(409);
            platform.start("backup-worker");

            awaitTask(taskId, "SUCCEEDED", Duration.ofSeconds(120));
            given().when().get("/api/v1/tasks/" + taskId).then().body("attempt", equalTo(2))
                    .body("history.attempt", hasItem(2))
                    .body("history.find { it.attempt == 2 }.message", startsWith("Attempt 2 of at most 3"));
            List<TaskStatusChanged> events = taskEvents(instanceId, taskId);
            assertTrue(events.stream().anyMatch(e -> e.status() == TaskStatus.RUNNING && e.attempt() == 1),
                    "the first attempt ran");
            assertEquals(1, events.stream().filter(e -> e.status() == TaskStatus.SUCCEEDED).count());
            byte[] rdb = given().when().get("/api/v1/backups/" + backupId + "/rdb").then().statusCode(200)
                    .extract().asByteArray();
            Path file = dir.resolve("after-crash.rdb");
            Files.write(file, rdb);
            try (RedisServer restored = RedisServer.startFromRdb(file)) {
                assertEquals(source.digest(), restored.digest());
            }
            String prefix = "instances/" + instanceId + "/" + backupId + "/";
            assertEquals(List.of(prefix + "dump.rdb.000000", prefix + "keys.idx.000000", prefix + "manifest.json"),
                    platform.objectsAndUploads(instanceId, backupId),
                    "the backup's three objects (its files are smaller than a part), nothing of the killed attempt");
        }
    }

    /**
     * Both workers killed mid-task and started again after the lost-task time (one wait for both): the backup fails
     * and leaves nothing, the recovery fails and never touches the instance again.
     */
    @Test
    void tasksWhoseWorkersComeBackTooLateFailAndNeverRunAgain() throws Exception {
        try (RedisServer source = RedisServer.start("--repl-diskless-sync-delay", "5");
                RedisServer redis = RedisServer.start()) {
            Datasets.everyType(source);
            String backedUpId = register(source, "lost-backup");
            redis.call("DEBUG", "POPULATE", "300000", "key", "64");
            String recoveredId = register(redis, "lost-recovery");
            var good = manualBackup(recoveredId);
            awaitTask(good.get("taskId"), "SUCCEEDED", Duration.ofSeconds(120));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/v1/backups/"
                    + good.get("backupId")).then().body("status", equalTo("SUCCEEDED")));

            // a backup waiting for its snapshot, and a recovery loading, when their workers die
            var lost = manualBackup(backedUpId);
            String backupTask = lost.get("taskId");
            String backupId = lost.get("backupId");
            awaitTask(backupTask, "RUNNING", Duration.ofSeconds(60));
            String recoveryTask = recover(recoveredId, good.get("backupId"), redis.password());
            // the worker is loading: hold its writes, so that it is killed mid-load however fast it loads
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> ((Number) redis.call("DBSIZE")).longValue() < 300_000);
            redis.call("CLIENT", "PAUSE", "60000", "WRITE");
            platform.kill("restore-worker");
            platform.kill("backup-worker");
            redis.call("CLIENT", "UNPAUSE");
            Thread.sleep(500); // whatever the killed worker had sent is dropped (or applied) by now
            long loaded = ((Number) redis.call("DBSIZE")).longValue();
            redis.call("SET", "written-meanwhile", "by the owner");
            String before = redis.digest();

            Thread.sleep(Platform.LOST_AFTER.plusSeconds(5).toMillis());
            platform.start("backup-worker");
            platform.start("restore-worker");

            // the backup: failed, nothing of it kept, the next one runs and the lost one never does
            awaitTask(backupTask, "FAILED", Duration.ofSeconds(60));
            given().when().get("/api/v1/tasks/" + backupTask).then().body("error.code", equalTo("WORKER_LOST"));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/v1/backups/" + backupId)
                    .then().body("status", equalTo("FAILED")).body("error.code", equalTo("WORKER_LOST")));
            given().when().get("/api/v1/backups/" + backupId + "/rdb").then().statusCode(409);
            assertEquals(List.of(), platform.objectsAndUploads(backedUpId, backupId),
                    "nothing of the killed attempt is left in the storage: no object, no upload");
            awaitTask(manualBackup(backedUpId).get("taskId"), "SUCCEEDED", Duration.ofSeconds(60));
            List<TaskStatusChanged> events = taskEvents(backedUpId, backupTask);
            assertEquals(TaskStatus.FAILED, events.get(events.size() - 1).status());
            assertTrue(events.stream().noneMatch(e -> e.attempt() != null && e.attempt() > 1), "no retry ran");

            // the recovery: failed, the instance says so and is never flushed or loaded again
            awaitTask(recoveryTask, "FAILED", Duration.ofSeconds(60));
            given().when().get("/api/v1/tasks/" + recoveryTask).then().body("error.code", equalTo("WORKER_LOST"));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/v1/instances/" + recoveredId)
                    .then().body("status", equalTo("Recovery Failed")));
            Thread.sleep(3000); // time for a wrongly redelivered command to act
            assertEquals(before, redis.digest(), "the instance was not flushed or loaded again");
            assertEquals("by the owner", redis.callString("GET", "written-meanwhile"));
            assertTrue(loaded < 300_000, "killed part-way: " + loaded + " keys");
            try (TopicClient kafka = new TopicClient(platform.bootstrapServers())) {
                List<InstanceStatus> statuses = kafka.readAll(Topics.INSTANCE_STATUS, recoveredId).stream()
                        .map(json -> MessageCodec.fromJson(json, InstanceStatusChanged.class).status()).toList();
                assertEquals(List.of(InstanceStatus.RECOVERING_BY_BACKUP_ID, InstanceStatus.RECOVERY_FAILED), statuses);
            }
            // the owner can act: a new recovery is accepted and brings the backup back
            awaitTask(recover(recoveredId, good.get("backupId"), redis.password()), "SUCCEEDED", Duration.ofSeconds(120));
            assertEquals(300_000L, ((Number) redis.call("DBSIZE")).longValue());
        }
    }

    /** A whole-instance recovery that starts at once: no safety backup first, to be killed while it loads. */
    private static String recover(String instanceId, String backupId, String password) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("backupId", backupId, "password", password, "mode", "INSTANCE", "safetyBackup", false))
                .when().post("/api/v1/instances/" + instanceId + "/recoveries").then().statusCode(202)
                .extract().path("taskId");
    }

    private List<TaskStatusChanged> taskEvents(String instanceId, String taskId) {
        try (TopicClient kafka = new TopicClient(platform.bootstrapServers())) {
            return kafka.readAll(Topics.TASK_STATUS, instanceId).stream()
                    .map(json -> MessageCodec.fromJson(json, TaskStatusChanged.class))
                    .filter(e -> e.taskId().toString().equals(taskId)).toList();
        }
    }
}
