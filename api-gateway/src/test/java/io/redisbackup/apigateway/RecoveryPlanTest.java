package io.redisbackup.apigateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.StoredBackups;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.RecoverKeysCommand;
import io.redisbackup.contracts.RestoreWorkerCommand;
import io.redisbackup.contracts.Topics;
import io.redisbackup.testsupport.Datasets;
import io.redisbackup.testsupport.TopicClient;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * A recovery's dry run reads the backup's real key index and asks the target {@code INFO}, and does nothing; a KEYS
 * recovery by pattern is counted against the platform's limit ({@code %test.gateway.recovery-max-keys=10}).
 */
@QuarkusTest
class RecoveryPlanTest extends GatewayTest {

    private static String instanceId;
    private static String backupId;
    private static Manifest manifest;

    /** The backup all the tests plan over, made by the first (the gateway is up only once a test runs). */
    @BeforeEach
    void backupOfEveryType() throws Exception {
        if (instanceId != null) {
            return;
        }
        Datasets.everyType(redis);
        instanceId = register(redis, "planned");
        backupId = succeededBackup(instanceId);
        Path rdb = redis.saveRdb(Files.createTempFile("plan", ".rdb"));
        BackupStore store = StoredBackups.sealedStore(Path.of("target/backups"));
        manifest = StoredBackups.store(store, UUID.fromString(instanceId), UUID.fromString(backupId), rdb, 10, true);
    }

    @Test
    void aKeysDryRunNamesEachKeyFoundOrNotAndCountsWhatTheRecoveryWouldDo() {
        ValidatableResponse plan = recover(Map.of("backupId", backupId, "mode", "KEYS", "dryRun", true,
                "keys", "string:ttl;not:there", "patterns", List.of("hash:*"), "databases", List.of(0, 5)))
                .statusCode(200).body("mode", equalTo("KEYS"));
        plan.body("keysSelected", equalTo(4)).body("keysToRestore", equalTo(4)).body("keysNotInBackup", equalTo(1))
                .body("keysExpired", equalTo(0)).body("overLimit", equalTo(false)).body("listCut", equalTo(false));
        plan.body("keys.key", equalTo(List.of("string:ttl", "not:there", "hash:big", "hash:db5", "hash:small")));
        plan.body("keys[0].found", equalTo(true)).body("keys[0].database", equalTo(0))
                .body("keys[0].type", equalTo("string")).body("keys[0].expired", equalTo(false))
                .body("keys[0].keyBase64", equalTo(Base64.getEncoder().encodeToString("string:ttl".getBytes())));
        long ttl = ((Number) plan.extract().path("keys[0].ttlAtBackupMs")).longValue();
        assertEquals(3_600_000, ttl, 120_000, "the TTL the key had when the backup was taken");
        plan.body("keys[1].found", equalTo(false)).body("keys[1].database", equalTo(null));
        plan.body("keys[3].database", equalTo(5)).body("keys[3].type", equalTo("hash"))
                .body("keys[4].ttlAtBackupMs", not(equalTo(null)));

        // no recovery was set going: the real one is accepted next
        recover(Map.of("backupId", backupId, "mode", "KEYS", "password", redis.password(), "keys", "string:ttl",
                "targetInstanceId", register(redis, "keys-target"))).statusCode(202);
    }

    @Test
    void aDryRunNeedsNoPasswordAndIsAuditedAsOne() {
        recover(Map.of("backupId", backupId, "mode", "INSTANCE", "dryRun", true)).statusCode(200);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/v1/audit?size=200").then()
                .body("items.action", hasItem("POST /api/v1/instances/{id}/recoveries (dry run)")));
    }

    @Test
    void anInstanceDryRunCountsEachDatabaseAndWeighsTheDatasetAgainstTheTarget() {
        ValidatableResponse plan = recover(Map.of("backupId", backupId, "mode", "INSTANCE", "dryRun", true))
                .statusCode(200).body("mode", equalTo("INSTANCE")).body("rdbVersion", equalTo(10));
        plan.body("databases.database", equalTo(List.of(0, 1, 5)))
                .body("databases[1].keys", equalTo(2)).body("databases[2].keys", equalTo(2))
                .body("keys", equalTo((int) manifest.keyCount()))
                .body("memoryBasis", equalTo("RDB_SIZE_AT_LEAST"))
                .body("target.reachable", equalTo(true)).body("target.canLoadBackup", equalTo(true))
                .body("target.redisVersion", equalTo(redis.callString("INFO", "server").lines()
                        .filter(l -> l.startsWith("redis_version:")).findFirst().orElseThrow().substring(14).strip()))
                .body("problems", empty());
        assertEquals(redis.call("DBSIZE"), ((Number) plan.extract().path("databases[0].keys")).longValue());

        redis.call("CONFIG", "SET", "maxmemory", "100kb");
        try {
            recover(Map.of("backupId", backupId, "mode", "INSTANCE", "dryRun", true)).statusCode(200)
                    .body("target.maxmemory", equalTo(100 << 10))
                    .body("problems[0]", containsString("more than its maxmemory of 1 MiB"));
        } finally {
            redis.call("CONFIG", "SET", "maxmemory", "0");
        }
    }

    @Test
    void aRecoveryWhosePatternsSelectMoreThanTheLimitIsRefusedWithTheCount() {
        long names = redis.valueDigests(0, 1, 5).keySet().stream().map(name -> name.substring(name.indexOf('/') + 1))
                .distinct().count();
        recover(Map.of("backupId", backupId, "mode", "KEYS", "dryRun", true, "patterns", List.of("*")))
                .statusCode(200).body("keysSelected", equalTo((int) names)).body("overLimit", equalTo(true))
                .body("maxKeys", equalTo(10));
        recover(Map.of("backupId", backupId, "mode", "KEYS", "password", redis.password(), "patterns", List.of("*")))
                .statusCode(422).body("code", equalTo("TOO_MANY_KEYS"))
                .body("detail", containsString("select " + names + " keys of the backup; at most 10"));

        String target = register(redis, "pattern-target");
        String taskId = recover(Map.of("backupId", backupId, "mode", "KEYS", "password", redis.password(),
                "patternsBase64", List.of(Base64.getEncoder().encodeToString("string:*".getBytes())),
                "databases", List.of(0), "targetInstanceId", target)).statusCode(202).extract().path("taskId");
        try (TopicClient kafka = new TopicClient()) {
            RecoverKeysCommand command = (RecoverKeysCommand) MessageCodec.fromJson(
                    kafka.await(Topics.RESTORE_COMMANDS, target, 1, Duration.ofSeconds(30)).get(0),
                    RestoreWorkerCommand.class);
            assertEquals(taskId, command.taskId().toString());
            assertEquals(2, command.schemaVersion());
            assertEquals("string:*", new String(command.patterns().get(0)));
            assertEquals(List.of(0), command.databases());
            assertEquals(10, command.maxKeys());
        }
    }

    @Test
    void namesEveryInvalidPatternAndDatabaseField() {
        recover(Map.of("backupId", backupId, "mode", "KEYS", "dryRun", true, "patterns", List.of(" ")))
                .statusCode(400).body("errors[0].message", containsString("names no pattern"));
        recover(Map.of("backupId", backupId, "mode", "KEYS", "dryRun", true, "patterns", List.of("a*"),
                "patternsBase64", List.of("YSo="))).statusCode(400).body("errors[0].message", containsString("one way"));
        recover(Map.of("backupId", backupId, "mode", "KEYS", "dryRun", true, "keys", "a", "databases", List.of(-1)))
                .statusCode(400).body("errors.field", hasItems("databases"));
        recover(Map.of("backupId", backupId, "mode", "INSTANCE", "password", "p", "patterns", List.of("a*")))
                .statusCode(400).body("errors.field", hasItems("patterns"));
        recover(Map.of("backupId", backupId, "mode", "KEYS", "keys", "a"))
                .statusCode(400).body("errors.field", hasItems("password"));
    }

    private static ValidatableResponse recover(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/instances/" + instanceId + "/recoveries").then();
    }
}
