package io.redisbackup.systemtests;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;

import io.redisbackup.testsupport.DefaultBearer;
import io.redisbackup.testsupport.Gateway;
import io.redisbackup.testsupport.RedisServer;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** What the system tests share: the running platform, registering a redis-server, and following a task. */
abstract class SystemTest {

    static Platform platform;

    @BeforeAll
    static void startPlatform() {
        platform = Platform.get();
        RestAssured.baseURI = platform.gateway();
        DefaultBearer.use(Platform.ADMIN_TOKEN);
    }

    /** Registers the server as the instance {@code prefix-port}; its id. */
    static String register(RedisServer redis, String prefix) {
        return Gateway.withDefaults().register(redis, prefix + "-" + redis.port(), null);
    }

    /** Registers the server as the instance {@code prefix-port} of {@code project}; its id. */
    static String register(RedisServer redis, String prefix, String project) {
        return Gateway.withDefaults().register(redis, prefix + "-" + redis.port(), project);
    }

    /** A new API token (its secret) with this role on these projects, made by the admin. */
    static String token(String role, String... projects) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("name", role + "@" + String.join(",", projects), "role", role, "projects", List.of(projects)))
                .when().post("/api/v1/tokens").then().statusCode(201).extract().path("token");
    }

    /**
     * A request to this gateway with this token. The token's specification comes first: it carries the default base
     * URI, which the gateway's then replaces.
     */
    static RequestSpecification at(String gateway, String token) {
        return given().spec(DefaultBearer.as(token)).baseUri(gateway);
    }

    /** Asks for a manual backup of the instance; its {@code taskId} and {@code backupId}. */
    static Map<String, String> manualBackup(String instanceId) {
        return Gateway.withDefaults().manualBackup(instanceId);
    }

    /** A manual backup of the instance, once it SUCCEEDED and the API shows it so; its id. */
    static String backedUp(String instanceId) {
        Map<String, String> accepted = manualBackup(instanceId);
        awaitTask(accepted.get("taskId"), "SUCCEEDED", Duration.ofSeconds(120));
        String backupId = accepted.get("backupId");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/v1/backups/" + backupId)
                .then().body("status", equalTo("SUCCEEDED")));
        return backupId;
    }

    /** Waits, looking every 100 ms, until the task has {@code status}. */
    static void awaitTask(String taskId, String status, Duration atMost) {
        Gateway.withDefaults().awaitTask(taskId, status, atMost);
    }
}
