package io.redisbackup.apigateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.redisbackup.contracts.BackupCompleted;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.Topics;
import io.redisbackup.testsupport.DefaultBearer;
import io.redisbackup.testsupport.KafkaBrokerResource;
import io.redisbackup.testsupport.PostgresDatabaseResource;
import io.redisbackup.testsupport.RedisServer;
import io.redisbackup.testsupport.TopicClient;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** What the gateway's tests share: the real servers, a real redis-server per test class, and registering it. */
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresDatabaseResource.class, scope = TestResourceScope.GLOBAL)
abstract class GatewayTest {

    /** The admin token the test profile makes at start ({@code %test.gateway.admin-token}). */
    static final String ADMIN_TOKEN = "rbk_gatewayTestAdminToken0123456789abcdefghijkl";

    static RedisServer redis;

    /** Every request of a test is the admin's unless it says otherwise ({@code given().spec(as(token))}). */
    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
        DefaultBearer.use(ADMIN_TOKEN);
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    /** Requests with this bearer token. */
    static RequestSpecification as(String token) {
        return DefaultBearer.as(token);
    }


    static String register(RedisServer redis, String name) {
        return given().spec(as(ADMIN_TOKEN)).contentType(ContentType.JSON)
                .body(Map.of("name", name, "host", redis.host(), "port", redis.port(), "password", redis.password()))
                .when().post("/api/v1/instances")
                .then().statusCode(201)
                .extract().path("id");
    }

    /** A new API token's secret, made by the admin: this name, role and projects. */
    static String token(String name, String role, String... projects) {
        return given().spec(as(ADMIN_TOKEN)).contentType(ContentType.JSON)
                .body(Map.of("name", name, "role", role, "projects", java.util.List.of(projects)))
                .post("/api/v1/tokens").then().statusCode(201).extract().path("token");
    }

    /** A backup of the instance that the backup worker has reported SUCCEEDED. */
    static String succeededBackup(String instanceId) {
        String backupId = given().spec(as(ADMIN_TOKEN)).contentType(ContentType.JSON)
                .post("/api/v1/instances/" + instanceId + "/backups")
                .then().statusCode(202).extract().path("backupId");
        try (TopicClient kafka = new TopicClient()) {
            kafka.send(Topics.BACKUP_EVENTS, instanceId, MessageCodec.toJson(new BackupCompleted(1, UUID.randomUUID(),
                    UUID.randomUUID(), UUID.fromString(instanceId), Instant.now(), UUID.fromString(backupId),
                    Instant.now(), Instant.now(), 1, 0, "00", "7.0.15", 10)));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().spec(as(ADMIN_TOKEN)).get("/api/v1/backups/" + backupId)
                .then().body("status", equalTo("SUCCEEDED")));
        return backupId;
    }
}
