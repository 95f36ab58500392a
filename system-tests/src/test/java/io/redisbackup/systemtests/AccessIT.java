package io.redisbackup.systemtests;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.redisbackup.contracts.AuditRecorded;
import io.redisbackup.contracts.Topics;
import io.redisbackup.testsupport.Datasets;
import io.redisbackup.testsupport.DefaultBearer;
import io.redisbackup.testsupport.RedisServer;
import io.redisbackup.testsupport.TopicClient;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/** Who may do what, across the running platform: projects apart, tokens revoked everywhere, secrets nowhere. */
class AccessIT extends SystemTest {

    /** One project's instance, its backup and task, and its people's tokens. */
    record Side(String project, RedisServer redis, String instance, String backup, String task, String operator,
            String admin) {
    }

    @Test
    void twoProjectsNeitherSeeNorTouchEachOthersInstancesBackupsOrTasks() throws IOException {
        try (RedisServer redRedis = RedisServer.start(); RedisServer blueRedis = RedisServer.start()) {
            Datasets.everyType(redRedis);
            Datasets.everyType(blueRedis);
            Side red = side("red", redRedis);
            Side blue = side("blue", blueRedis);

            for (Side[] pair : new Side[][] { { red, blue }, { blue, red } }) {
                Side me = pair[0];
                Side other = pair[1];
                String op = me.operator();
                given().spec(DefaultBearer.as(op)).get("/api/v1/instances").then().statusCode(200)
                        .body("id", hasItem(me.instance())).body("id", not(hasItem(other.instance())));
                absent(op, "GET", "/api/v1/instances/" + other.instance(), null);
                absent(op, "GET", "/api/v1/instances/" + other.instance() + "/backups", null);
                absent(op, "GET", "/api/v1/instances/" + other.instance() + "/backup-policy", null);
                absent(op, "POST", "/api/v1/instances/" + other.instance() + "/backups", Map.of());
                absent(op, "POST", "/api/v1/instances/" + other.instance() + "/recoveries", Map.of("backupId",
                        other.backup(), "password", other.redis().password(), "mode", "INSTANCE"));
                // into one's own instance from the other's backup: the backup is absent
                absent(op, "POST", "/api/v1/instances/" + me.instance() + "/recoveries", Map.of("backupId",
                        other.backup(), "password", me.redis().password(), "mode", "INSTANCE"));
                absent(op, "GET", "/api/v1/backups/" + other.backup(), null);
                absent(op, "GET", "/api/v1/backups/" + other.backup() + "/rdb", null);
                absent(op, "GET", "/api/v1/tasks/" + other.task(), null);
                absent(me.admin(), "DELETE", "/api/v1/backups/" + other.backup(), null);
                absent(me.admin(), "DELETE", "/api/v1/instances/" + other.instance(), null);
                given().spec(DefaultBearer.as(op)).queryParam("size", 200).get("/api/v1/tasks").then().statusCode(200)
                        .body("items.project", everyItem(equalTo(me.project())))
                        .body("items.id", hasItem(me.task())).body("items.id", not(hasItem(other.task())));
            }

            // and each does what its role allows on its own
            String recovery = given().spec(DefaultBearer.as(red.operator())).contentType(ContentType.JSON)
                    .body(Map.of("backupId", red.backup(), "password", redRedis.password(), "mode", "KEYS",
                            "keys", "string:small;hash:small"))
                    .post("/api/v1/instances/" + red.instance() + "/recoveries").then().statusCode(202)
                    .extract().path("taskId");
            awaitTask(recovery, "SUCCEEDED", Duration.ofSeconds(60));
            given().spec(DefaultBearer.as(red.operator())).get("/api/v1/backups/" + red.backup() + "/rdb")
                    .then().statusCode(200);

            List<String> secrets = List.of(red.operator(), red.admin(), blue.operator(), blue.admin(),
                    redRedis.password(), blueRedis.password(), Platform.ADMIN_TOKEN, Platform.SERVICE_TOKEN,
                    Platform.SECRET_KEY);
            assertNowhere(secrets, List.of(red.instance(), blue.instance()));
        }
    }

    @Test
    void aRevokedTokenIsRefusedByEveryGatewayWithinASecond() {
        ExtractableResponse<Response> made = given().contentType(ContentType.JSON)
                .body(Map.of("name", "short-lived", "role", "viewer", "projects", List.of("*")))
                .post("/api/v1/tokens").then().statusCode(201).extract();
        String token = made.path("token");
        for (String gateway : List.of(platform.gateway(), platform.secondGateway())) {
            at(gateway, token).get("/api/v1/instances").then().statusCode(200);
        }
        given().delete("/api/v1/tokens/" + made.path("id")).then().statusCode(204);
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            for (String gateway : List.of(platform.gateway(), platform.secondGateway())) {
                at(gateway, token).get("/api/v1/instances").then().statusCode(401);
            }
        });
    }

    private Side side(String project, RedisServer redis) {
        String instance = register(redis, project, project);
        String operator = token("operator", project);
        ExtractableResponse<Response> accepted = given().spec(DefaultBearer.as(operator)).contentType(ContentType.JSON)
                .post("/api/v1/instances/" + instance + "/backups").then().statusCode(202).extract();
        awaitTask(accepted.path("taskId"), "SUCCEEDED", Duration.ofSeconds(60));
        return new Side(project, redis, instance, accepted.path("backupId"), accepted.path("taskId"), operator,
                token("admin", project));
    }

    private static void absent(String token, String method, String path, Map<String, Object> body) {
        var request = given().spec(DefaultBearer.as(token));
        if (body != null) {
            request = request.contentType(ContentType.JSON).body(body);
        }
        request.request(method, path).then().statusCode(404);
    }

    /** None of the secrets is in any service's log, nor in any message about these instances on any topic. */
    private static void assertNowhere(List<String> secrets, List<String> instances) throws IOException {
        List<String> places = new ArrayList<>();
        for (Path log : platform.logs()) {
            String text = Files.readString(log);
            secrets.stream().filter(text::contains).forEach(secret -> places.add(log.getFileName().toString()));
        }
        try (TopicClient kafka = new TopicClient(platform.bootstrapServers())) {
            List<String> keys = new ArrayList<>(instances);
            keys.add(AuditRecorded.NO_INSTANCE.toString());
            for (String topic : Topics.ALL) {
                for (String instance : keys) {
                    for (String message : kafka.readAll(topic, instance)) {
                        secrets.stream().filter(message::contains).forEach(secret -> places.add(topic));
                    }
                }
            }
        }
        assertFalse(!places.isEmpty(), "a token or password was found in " + places);
    }
}
