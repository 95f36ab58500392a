package io.redisbackup.systemtests;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.TaskStatus;
import io.redisbackup.contracts.TaskStatusChanged;
import io.redisbackup.contracts.Topics;
import io.redisbackup.testsupport.Datasets;
import io.redisbackup.testsupport.RedisServer;
import io.redisbackup.testsupport.TopicReader;
import io.restassured.http.ContentType;

/** A backup worker killed in the middle of a backup: nothing half-done shows, and the backup is taken again. */
class WorkerCrashIT extends SystemTest {

    @TempDir
    Path dir;

    @Test
    void aBackupWhoseWorkerDiesIsTakenAgainAndNothingHalfDoneShows() throws Exception {
        // Redis's default 5 s wait before a snapshot keeps the backup in flight long enough to kill its worker
        try (RedisServer source = RedisServer.start("--repl-diskless-sync-delay", "5")) {
            Datasets.everyType(source);
            String instanceId = register(source, "crash");
            var accepted = given().contentType(ContentType.JSON).when().post("/api/v1/instances/" + instanceId + "/backups")
                    .then().statusCode(202).extract();
            String taskId = accepted.path("taskId");
            String backupId = accepted.path("backupId");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().when().get("/api/v1/tasks/" + taskId)
                    .then().body("status", equalTo("RUNNING")));

            platform.kill("backup-worker");
            given().when().get("/api/v1/backups/" + backupId + "/rdb").then().statusCode(409);
            platform.start("backup-worker");

            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> given()
                    .when().get("/api/v1/tasks/" + taskId).then().body("status", equalTo("SUCCEEDED")));
            try (TopicReader kafka = new TopicReader(platform.bootstrapServers())) {
                List<TaskStatusChanged> events = kafka.readAll(Topics.TASK_STATUS, instanceId).stream()
                        .map(json -> MessageCodec.fromJson(json, TaskStatusChanged.class)).toList();
                assertTrue(events.stream().anyMatch(e -> e.status() == TaskStatus.RUNNING && e.sequence() < 2_000_000),
                        "the first attempt ran");
                assertTrue(events.stream().anyMatch(e -> e.status() == TaskStatus.SUCCEEDED && e.sequence() > 2_000_000),
                        "a second attempt finished it");
                assertEquals(1, events.stream().filter(e -> e.status() == TaskStatus.SUCCEEDED).count());
            }
            byte[] rdb = given().when().get("/api/v1/backups/" + backupId + "/rdb").then().statusCode(200)
                    .extract().asByteArray();
            Path file = dir.resolve("after-crash.rdb");
            Files.write(file, rdb);
            try (RedisServer restored = RedisServer.startFromRdb(file)) {
                assertEquals(source.digest(), restored.digest());
            }
            try (var staging = Files.list(platform.backupDirectory().resolve("staging"))) {
                assertTrue(staging.noneMatch(p -> p.getFileName().toString().startsWith(backupId)),
                        "the killed attempt's files are gone");
            }
        }
    }
}
