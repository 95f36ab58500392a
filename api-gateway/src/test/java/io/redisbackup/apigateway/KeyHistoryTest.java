package io.redisbackup.apigateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.StoredBackups;
import io.redisbackup.backupstore.keyindex.RdbEntries;
import io.redisbackup.testsupport.Datasets;
import io.restassured.path.json.JsonPath;

/** A key through five real backups of an instance: changed, deleted, written again, then in two databases. */
@QuarkusTest
class KeyHistoryTest extends GatewayTest {

    @Test
    void showsTheKeyInEachBackupNewestFirstWithAChecksumOfItsValue() throws Exception {
        String instanceId = register(redis, "history");
        List<String> taken = new ArrayList<>();
        redis.call("SET", "cart:7", "first");
        taken.add(backup(instanceId));
        redis.call("SET", "cart:7", "second");
        taken.add(backup(instanceId));
        redis.call("DEL", "cart:7");
        taken.add(backup(instanceId));
        redis.call("SET", "cart:7", "first");
        taken.add(backup(instanceId));
        redis.call("EXPIRE", "cart:7", "600");
        redis.call("SELECT", "3");
        redis.call("RPUSH", "cart:7", "a", "b");
        redis.call("SELECT", "0");
        taken.add(backup(instanceId));

        JsonPath history = given().get("/api/v1/instances/" + instanceId + "/keys/history?key=cart:7").then()
                .statusCode(200).body("key", equalTo("cart:7")).extract().jsonPath();
        assertEquals(taken.reversed(), history.getList("backups.backupId"), "newest first");
        assertEquals(List.of(true, true, false, true, true), history.getList("backups.present"));
        assertEquals(List.of(0, 3), history.getList("backups[0].entries.database"));
        assertEquals(List.of("string", "list"), history.getList("backups[0].entries.type"));
        long ttl = history.getLong("backups[0].entries[0].ttlAtBackupMs");
        assertTrue(ttl > 590_000 && ttl <= 600_000, "the TTL when the backup was taken: " + ttl);
        String first = history.getString("backups[4].entries[0].valueSha256");
        assertEquals(first, history.getString("backups[1].entries[0].valueSha256"), "the same value again");
        assertEquals(first, history.getString("backups[0].entries[0].valueSha256"), "a TTL is not the value");
        assertNotEquals(first, history.getString("backups[3].entries[0].valueSha256"), "the value changed");
        assertEquals(List.of(), history.getList("backups[2].entries"));

        given().get("/api/v1/instances/" + instanceId + "/keys/history?keyBase64="
                + Base64.getEncoder().encodeToString("cart:7".getBytes()) + "&backups=2").then().statusCode(200)
                .body("backups.size()", equalTo(2));
        given().get("/api/v1/instances/" + instanceId + "/keys/history?key=not:there&backups=1").then()
                .statusCode(200).body("backups[0].present", equalTo(false));
    }

    @Test
    void aKeyTooLargeToHoldIsDigestedAsItIsReadWithTheSameChecksumAsWhenHeld() throws Exception {
        String instanceId = register(redis, "history-large");
        Datasets.largeKeys(redis, 0, RdbEntries.HELD_AT_MOST + 4096);
        String backupId = backup(instanceId);
        // the checksum is of the type byte and the value as stored: what DUMP gives, without its last 10 bytes
        byte[] dump = (byte[]) redis.call("DUMP", "large:hash");
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(dump, 0, dump.length - 10);
        given().get("/api/v1/instances/" + instanceId + "/keys/history?key=large:hash&backups=1").then()
                .statusCode(200).body("backups[0].backupId", equalTo(backupId))
                .body("backups[0].present", equalTo(true)).body("backups[0].entries[0].type", equalTo("hash"))
                .body("backups[0].entries[0].valueSha256", equalTo(HexFormat.of().formatHex(sha256.digest())));
        redis.call("DEL", Datasets.LARGE_KEYS.toArray());
    }

    @Test
    void namesWhatIsWrongInTheQueryAndHidesOtherProjects() {
        String instanceId = register(redis, "history-fields");
        String path = "/api/v1/instances/" + instanceId + "/keys/history";
        given().get(path).then().statusCode(400).body("errors[0].field", equalTo("key"));
        given().get(path + "?key=a&keyBase64=YQ==").then().statusCode(400)
                .body("errors[0].message", containsString("one way"));
        given().get(path + "?keyBase64=%%").then().statusCode(400).body("errors[0].field", equalTo("keyBase64"));
        given().get(path + "?key=a&backups=0").then().statusCode(400).body("errors[0].field", equalTo("backups"));
        String viewer = token("history-viewer", "viewer", "elsewhere");
        given().spec(as(viewer)).get(path + "?key=a").then().statusCode(404);
    }

    /** A backup of the instance as the redis-server holds it now, stored with its key index; its id. */
    private static String backup(String instanceId) throws Exception {
        String backupId = succeededBackup(instanceId);
        Path rdb = redis.saveRdb(Files.createTempFile("history", ".rdb"));
        BackupStore store = StoredBackups.sealedStore(Path.of("target/backups"));
        StoredBackups.store(store, UUID.fromString(instanceId), UUID.fromString(backupId), rdb, 10, true);
        return backupId;
    }
}
