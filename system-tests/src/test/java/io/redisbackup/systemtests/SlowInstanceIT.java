package io.redisbackup.systemtests;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.redisbackup.testsupport.Datasets;
import io.redisbackup.testsupport.RedisServer;
import io.restassured.path.json.JsonPath;

/** An instance that keeps its snapshot waiting for ever holds the worker no longer than the snapshot's deadline. */
class SlowInstanceIT extends SystemTest {

    @Test
    void aSnapshotThatNeverStartsFailsAtItsDeadlineAndTheNextInstancesBackupRuns() {
        // a real server that answers SYNC with a newline every second for two minutes before it sends anything
        try (RedisServer slow = RedisServer.start("--repl-diskless-sync-delay", "120");
                RedisServer next = RedisServer.start()) {
            Datasets.everyType(slow);
            Datasets.everyType(next);
            String slowId = register(slow, "slow");
            String nextId = register(next, "next");

            String slowTask = manualBackup(slowId).get("taskId");
            String nextTask = manualBackup(nextId).get("taskId"); // same worker, behind the slow one

            awaitTask(slowTask, "FAILED", Platform.SNAPSHOT_DEADLINE_BASE.plusSeconds(60));
            JsonPath failed = given().get("/api/v1/tasks/" + slowTask).then().body("error.code",
                    equalTo("SNAPSHOT_TOO_SLOW")).extract().jsonPath();
            Duration took = Duration.between(Instant.parse(failed.getString("startedAt")),
                    Instant.parse(failed.getString("finishedAt")));
            assertTrue(took.compareTo(Platform.SNAPSHOT_DEADLINE_BASE.plusSeconds(15)) < 0,
                    "the slow snapshot held the worker for " + took);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/v1/backups/"
                    + given().get("/api/v1/tasks/" + slowTask).then().extract().path("backupId"))
                    .then().body("status", equalTo("FAILED")));

            awaitTask(nextTask, "SUCCEEDED", Duration.ofSeconds(60));
        }
    }
}
