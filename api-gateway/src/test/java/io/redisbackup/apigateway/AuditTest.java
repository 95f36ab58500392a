package io.redisbackup.apigateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.redisbackup.contracts.AuditRecorded;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.Topics;
import io.redisbackup.testsupport.TopicClient;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class AuditTest extends GatewayTest {

    @Test
    void recordsWhoChangedDownloadedOrWasRefusedAndWhat() {
        String instance = AccessTest.register(redis, "audited", "gamma");
        String backup = succeededBackup(instance);
        given().get("/api/v1/backups/" + backup + "/rdb");
        String viewer = AccessTest.token("viewer", List.of("gamma"));
        given().spec(as(viewer)).contentType(ContentType.JSON).post("/api/v1/instances/" + instance + "/backups")
                .then().statusCode(403);
        given().spec(as(viewer)).get("/api/v1/instances/" + instance).then().statusCode(200);

        given().queryParam("project", "gamma").get("/api/v1/audit")
                .then().statusCode(200).body("items.project", everyItem(equalTo("gamma")));
        JsonPath trail = given().queryParam("size", 200).get("/api/v1/audit").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> entries = trail.<Map<String, Object>>getList("items").stream()
                .filter(e -> instance.equals(e.get("instanceId"))).toList();
        assertTrue(entries.stream().anyMatch(e -> e.get("action").equals("POST /api/v1/instances")
                && e.get("outcome").equals(201) && instance.equals(e.get("instanceId"))
                && "admin (REDIS_BACKUP_ADMIN_TOKEN)".equals(e.get("actorName"))
                && e.get("sourceAddress") != null), entries.toString());
        assertTrue(entries.stream().anyMatch(e -> e.get("action").equals("GET /api/v1/backups/{id}/rdb")
                && backup.equals(e.get("backupId")) && instance.equals(e.get("instanceId"))), entries.toString());
        assertTrue(entries.stream().anyMatch(e -> e.get("action").equals("POST /api/v1/instances/{id}/backups")
                && e.get("outcome").equals(403) && e.get("actor").equals("token:" + AccessTest.tokenId(viewer))),
                entries.toString());
        assertFalse(entries.stream().anyMatch(e -> e.get("action").toString().startsWith("GET /api/v1/instances/")),
                "a read is not a change");
        String all = trail.prettify();
        assertFalse(all.contains(viewer) || all.contains(ADMIN_TOKEN) || all.contains(redis.password()));

        try (TopicClient kafka = new TopicClient()) {
            List<AuditRecorded> messages = kafka.await(Topics.AUDIT_EVENTS, instance, 3, Duration.ofSeconds(30))
                    .stream().map(json -> MessageCodec.fromJson(json, AuditRecorded.class)).toList();
            assertTrue(messages.stream().anyMatch(m -> m.outcome() == 403), messages.toString());
            assertTrue(messages.stream().anyMatch(m -> m.outcome() == 201 && "gamma".equals(m.project())));
        }
    }

    @Test
    void recordsRefusalsOfUnknownCallersWithoutTheirTokens() {
        given().spec(as("rbk_notAToken")).contentType(ContentType.JSON).delete("/api/v1/backups/"
                + java.util.UUID.randomUUID()).then().statusCode(401);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().queryParam("actor", "unauthenticated")
                .get("/api/v1/audit").then().statusCode(200)
                .body("items.action", hasItems("DELETE /api/v1/backups/{id}"))
                .body(not(containsString("rbk_notAToken"))));
    }

    @Test
    void showsAnAdminOfSomeProjectsTheirEntriesOnly() {
        AccessTest.register(redis, "audited-delta", "delta");
        String deltaAdmin = AccessTest.token("admin", List.of("delta"));
        given().spec(as(deltaAdmin)).queryParam("size", 200).get("/api/v1/audit").then().statusCode(200)
                .body("items.project", everyItem(equalTo("delta")))
                .body("total", org.hamcrest.Matchers.greaterThan(0));
    }

    @Test
    void namesEveryInvalidQueryParameter() {
        given().queryParam("since", "yesterday").queryParam("until", "x").queryParam("page", "-1")
                .queryParam("size", "100000").get("/api/v1/audit")
                .then().statusCode(400).body("errors.field", hasItems("since", "until", "page", "size"));
    }
}
