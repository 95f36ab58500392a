package io.redisbackup.systemtests;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.redisbackup.contracts.KeyList;
import io.redisbackup.testsupport.Datasets;
import io.redisbackup.testsupport.RedisServer;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Issue 18: a recovery's dry run changes nothing on the instance and says what the recovery then does; a KEYS
 * recovery by pattern rewrites exactly the keys {@code SCAN ... MATCH} selects in the backed-up data.
 */
class RecoveryPlanIT extends SystemTest {

    /** What a dry run may ask of an instance: logging in and {@code INFO}, nothing that reads or writes keys. */
    private static final Set<String> READ_ONLY = Set.of("auth", "hello", "info", "ping", "client|setinfo",
            "client|setname", "select");

    @Test
    void aDryRunChangesNothingAndSaysWhatTheRecoveryThenDoes() throws Exception {
        try (RedisServer source = RedisServer.start()) {
            Datasets.everyType(source);
            source.call("SET", "user:1", "one");
            long setAt = System.currentTimeMillis();
            source.call("SET", "user:2", "two", "PX", "6000"); // expires after the backup, before the recovery
            source.call("SET", new byte[] { 'u', 's', 'e', 'r', ':', (byte) 0xff }, "binary");
            String instanceId = register(source, "plan");
            String backupId = backedUp(instanceId);
            Thread.sleep(Math.max(0, setAt + 6500 - System.currentTimeMillis()));
            source.call("SET", "user:1", "changed");
            source.call("DEL", "hash:db5");

            String digest = source.digest();
            Map<String, Long> calls = commandCalls(source);
            Map<String, Object> keys = new HashMap<>(Map.of("backupId", backupId, "mode", "KEYS",
                    "keys", "string:small;not:in:backup", "patterns", List.of("user:*", "hash:[a-d]*"),
                    "dryRun", true));
            JsonPath keysPlan = post(instanceId, keys).statusCode(200).extract().jsonPath();
            JsonPath instancePlan = post(instanceId, Map.of("backupId", backupId, "mode", "INSTANCE", "dryRun", true))
                    .statusCode(200).extract().jsonPath();
            Map<String, Long> after = commandCalls(source);
            assertEquals(digest, source.digest(), "the dry runs changed nothing");
            after.forEach((command, count) -> assertTrue(READ_ONLY.contains(command)
                    || count.equals(calls.get(command)), "a dry run sent " + command + " to the instance"));

            assertEquals(List.of("string:small", "string:small", "not:in:backup", "hash:big", "hash:db5", "user:1",
                    "user:2", "user:\\xff"), keysPlan.getList("keys.key"), "named keys first (one row per database)");
            assertEquals(true, keysPlan.get("keys.find { it.key == 'user:2' }.expired"));
            assertTrue(instancePlan.getList("problems").isEmpty(), instancePlan.prettify());
            assertEquals(instancePlan.getLong("keys"), given().get("/api/v1/backups/" + backupId).then()
                    .extract().jsonPath().getLong("keyCount"));

            // the recoveries then do what the plans said
            keys.remove("dryRun");
            keys.put("password", source.password());
            JsonPath keysDone = awaitResult(post(instanceId, keys).statusCode(202).extract().path("taskId"));
            assertEquals(keysPlan.getInt("keysToRestore"), keysDone.getInt("result.keysRestored"));
            assertEquals(keysPlan.getInt("keysNotInBackup"), keysDone.getInt("result.keysNotInBackup"));
            assertEquals(keysPlan.getInt("keysExpired"), keysDone.getInt("result.keysExpired"));
            List<String> toRestore = keysPlan.<Map<String, Object>>getList("keys").stream()
                    .filter(row -> Boolean.TRUE.equals(row.get("found")) && !Boolean.TRUE.equals(row.get("expired")))
                    .map(row -> (String) row.get("key")).distinct().toList();
            assertEquals(toRestore, keysDone.getList("result.restored"));
            assertEquals("one", source.callString("GET", "user:1"));

            JsonPath wholeDone = awaitResult(post(instanceId, Map.of("backupId", backupId, "mode", "INSTANCE",
                    "password", source.password())).statusCode(202).extract().path("taskId"));
            assertEquals(instancePlan.getLong("keys") - instancePlan.getLong("keysExpired"),
                    wholeDone.getLong("result.keysRestored"));
            assertEquals(instancePlan.getLong("keysExpired"), wholeDone.getLong("result.keysExpired"));
        }
    }

    @Test
    void aWholeInstanceRecoveryBacksTheInstanceUpFirstAndRecoveringFromThatBackupUndoesIt() {
        try (RedisServer source = RedisServer.start()) {
            Datasets.everyType(source);
            String atBackup = source.digest();
            String instanceId = register(source, "undo");
            String backupId = backedUp(instanceId);
            source.call("SET", "written:after", "the backup");
            source.call("DEL", "hash:big");
            String beforeRecovery = source.digest();

            JsonPath recovered = awaitResult(post(instanceId, Map.of("backupId", backupId, "mode", "INSTANCE",
                    "password", source.password())).statusCode(202).extract().path("taskId"));
            assertEquals(atBackup, source.digest());
            String safety = recovered.getString("result.safetyBackupId");
            given().get("/api/v1/backups/" + safety).then().body("type", equalTo("PRE_RECOVERY"))
                    .body("status", equalTo("SUCCEEDED"));

            awaitResult(post(instanceId, Map.of("backupId", safety, "mode", "INSTANCE", "password",
                    source.password(), "safetyBackup", false)).statusCode(202).extract().path("taskId"));
            assertEquals(beforeRecovery, source.digest(), "the undo gives back the dataset the recovery replaced");
        }
    }

    @Test
    void aRestoreDrillPassesOnAGoodBackupAndFailsOnADamagedOneWhichBecomesCorrupt() throws Exception {
        try (RedisServer source = RedisServer.start()) {
            Datasets.everyType(source);
            String instanceId = register(source, "drill");
            String backupId = backedUp(instanceId);
            String before = source.digest();
            Map<String, Long> calls = commandCalls(source);

            JsonPath drill = awaitResult(given().post("/api/v1/backups/" + backupId + "/verify").then()
                    .statusCode(202).extract().path("taskId"));
            assertEquals("VERIFY_BACKUP", drill.getString("type"));
            assertEquals(true, drill.getBoolean("result.verified"));
            assertEquals(source.valueDigests(0, 1, 5).size(), drill.getLong("result.keysChecked"));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given()
                    .get("/api/v1/backups/" + backupId).then().body("verification", equalTo("PASSED")));
            assertEquals(before, source.digest());
            assertEquals(calls.get("psync"), commandCalls(source).get("psync"), "the drill did not touch the instance");

            java.nio.file.Path stored = platform.storedFile(instanceId, backupId, "dump.rdb");
            try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(stored.toFile(), "rw")) {
                file.seek(file.length() / 2);
                int b = file.read();
                file.seek(file.length() / 2);
                file.write(b ^ 0x01);
            }
            String failed = given().post("/api/v1/backups/" + backupId + "/verify").then().statusCode(202)
                    .extract().path("taskId");
            awaitTask(failed, "FAILED", Duration.ofSeconds(120));
            given().get("/api/v1/tasks/" + failed).then().body("error.code", equalTo("BACKUP_CHECKSUM_MISMATCH"));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given()
                    .get("/api/v1/backups/" + backupId).then().body("status", equalTo("CORRUPT"))
                    .body("verification", equalTo("FAILED")));
        }
    }

    @Test
    void aKeysHistoryFollowsItThroughFiveBackupsChangedDeletedAndWrittenAgain() {
        try (RedisServer source = RedisServer.start()) {
            String instanceId = register(source, "history");
            List<String> taken = new ArrayList<>();
            source.call("SET", "cart:7", "first");
            taken.add(backedUp(instanceId));
            source.call("SET", "cart:7", "second");
            taken.add(backedUp(instanceId));
            source.call("DEL", "cart:7");
            source.call("SET", "other", "x");
            taken.add(backedUp(instanceId));
            source.call("SET", "cart:7", "first");
            taken.add(backedUp(instanceId));
            source.call("EXPIRE", "cart:7", "600");
            taken.add(backedUp(instanceId));

            JsonPath history = given().get("/api/v1/instances/" + instanceId + "/keys/history?key=cart:7").then()
                    .statusCode(200).extract().jsonPath();
            assertEquals(taken.reversed(), history.getList("backups.backupId"), "newest first");
            assertEquals(List.of(true, true, false, true, true), history.getList("backups.present"));
            List<String> values = new ArrayList<>();
            for (int i = 0; i < taken.size(); i++) {
                values.add(history.getString("backups[" + i + "].entries[0].valueSha256"));
            }
            assertEquals(values.get(4), values.get(1), "written again with the value of the first backup");
            assertEquals(values.get(4), values.get(0), "an expiry is not a change of value");
            assertTrue(!values.get(4).equals(values.get(3)), "the value the second backup holds is another");
            long ttl = history.getLong("backups[0].entries[0].ttlAtBackupMs");
            assertTrue(ttl > 500_000 && ttl <= 600_000, "the TTL when the newest backup was taken: " + ttl);
        }
    }

    @Test
    void patternsRecoverExactlyTheKeysScanMatchSelectsInTheBackedUpData() {
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            byte[] alphabet = { 'a', 'b', ':', '*', '?', '[', ']', '\\', '-', '^', (byte) 0x80, (byte) 0xff, '1' };
            java.util.Random random = new java.util.Random(21);
            for (int db : new int[] { 0, 2 }) {
                source.call("SELECT", Integer.toString(db));
                for (int i = 0; i < 300; i++) {
                    byte[] key = new byte[1 + random.nextInt(6)];
                    for (int b = 0; b < key.length; b++) {
                        key[b] = alphabet[random.nextInt(alphabet.length)];
                    }
                    source.call("SET", key, "v" + i);
                }
            }
            source.call("SELECT", "0");
            String sourceId = register(source, "patterns");
            String targetId = register(target, "patterns-target");
            String backupId = backedUp(sourceId);

            List<byte[]> patterns = List.of("a*".getBytes(), "?b".getBytes(), "[a-b]:*".getBytes(),
                    "[^ab1]*".getBytes(), "*\\**".getBytes(), "*\\[*".getBytes(),
                    new byte[] { '*', (byte) 0xff }, new byte[] { '[', (byte) 0x80, '-', (byte) 0xff, ']', '*' });
            for (byte[] pattern : patterns) {
                target.call("FLUSHALL");
                Map<String, Object> body = new LinkedHashMap<>(Map.of("backupId", backupId, "mode", "KEYS",
                        "password", target.password(), "targetInstanceId", targetId,
                        "patternsBase64", List.of(Base64.getEncoder().encodeToString(pattern))));
                awaitResult(post(sourceId, body).statusCode(202).extract().path("taskId"));
                for (int db : new int[] { 0, 2 }) {
                    assertEquals(scanMatch(source, db, pattern), scanMatch(target, db, "*".getBytes()),
                            "pattern " + KeyList.format(pattern) + " in database " + db);
                }
            }
        }
    }

    /** The keys of the database that {@code SCAN ... MATCH} selects, as hex. */
    private static Set<String> scanMatch(RedisServer redis, int db, byte[] pattern) {
        redis.call("SELECT", Integer.toString(db));
        Set<String> keys = new TreeSet<>();
        String cursor = "0";
        do {
            List<?> reply = (List<?>) redis.call("SCAN", cursor, "MATCH", pattern, "COUNT", "1000");
            cursor = new String((byte[]) reply.get(0), StandardCharsets.US_ASCII);
            for (Object key : (List<?>) reply.get(1)) {
                keys.add(HexFormat.of().formatHex((byte[]) key));
            }
        } while (!cursor.equals("0"));
        redis.call("SELECT", "0");
        return keys;
    }

    /** {@code INFO commandstats}: how often each command was called. */
    private static Map<String, Long> commandCalls(RedisServer redis) {
        Map<String, Long> calls = new TreeMap<>();
        for (String line : redis.callString("INFO", "commandstats").lines().toList()) {
            if (line.startsWith("cmdstat_")) {
                String command = line.substring("cmdstat_".length(), line.indexOf(':'));
                String count = line.substring(line.indexOf("calls=") + 6, line.indexOf(',', line.indexOf("calls=")));
                calls.put(command, Long.parseLong(count));
            }
        }
        return calls;
    }

    private static JsonPath awaitResult(String taskId) {
        awaitTask(taskId, "SUCCEEDED", Duration.ofSeconds(120));
        return given().get("/api/v1/tasks/" + taskId).then().body("status", equalTo("SUCCEEDED")).extract()
                .jsonPath();
    }

    private static io.restassured.response.ValidatableResponse post(String instanceId, Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/instances/" + instanceId + "/recoveries").then();
    }
}
