package io.redisbackup.apigateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.redisbackup.contracts.BackupCompleted;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.Topics;
import io.redisbackup.testsupport.TopicClient;
import io.restassured.http.ContentType;

/** Backups sealed with an older platform key are still served, and one call moves them all to the current key. */
@QuarkusTest
class BackupKeyResourceTest extends GatewayTest {

    @Test
    void servesABackupOfAnOlderKeyAndRewrapsItToTheCurrentOne() throws Exception {
        String instanceId = register(redis, "rotated");
        UUID instance = UUID.fromString(instanceId);
        String backupId = given().contentType(ContentType.JSON).when().post("/api/v1/instances/" + instanceId + "/backups")
                .then().statusCode(202).extract().path("backupId");
        UUID backup = UUID.fromString(backupId);
        byte[] rdb = new byte[200_000];
        new Random(3).nextBytes(rdb);
        String sha256 = StoredBackup.store(StoredBackup.RETIRED_KEY, instance, backup, rdb);
        try (TopicClient kafka = new TopicClient()) {
            kafka.send(Topics.BACKUP_EVENTS, instanceId, MessageCodec.toJson(new BackupCompleted(1, UUID.randomUUID(),
                    UUID.randomUUID(), instance, Instant.now(), backup, Instant.now(), Instant.now(), rdb.length, 42,
                    sha256, "7.0.15", 10, 201_000L)));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/v1/backups/" + backupId)
                .then().body("status", equalTo("SUCCEEDED")).body("storedBytes", equalTo(201_000)));
        assertTrue(StoredBackup.manifestText(instance, backup).contains("\"retired-key\""));

        given().get("/api/v1/backup-keys").then().statusCode(200)
                .body("encrypted", equalTo(true)).body("currentKeyId", equalTo("test-key"));
        assertArrayEquals(rdb, given().get("/api/v1/backups/" + backupId + "/rdb").then().statusCode(200)
                .extract().asByteArray(), "the older key still opens it");

        given().post("/api/v1/backup-keys/rewrap").then().statusCode(200)
                .body("currentKeyId", equalTo("test-key"))
                .body("counts.REWRAPPED", greaterThanOrEqualTo(1))
                .body("failed.size()", equalTo(0));
        String manifest = StoredBackup.manifestText(instance, backup);
        assertTrue(manifest.contains("\"test-key\"") && !manifest.contains("retired-key"), manifest);
        assertArrayEquals(rdb, given().get("/api/v1/backups/" + backupId + "/rdb").then().statusCode(200)
                .extract().asByteArray(), "the current key opens it now");
        given().post("/api/v1/backup-keys/rewrap").then().statusCode(200).body("counts.REWRAPPED", equalTo(0));
    }
}
