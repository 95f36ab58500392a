package io.redisbackup.testsupport;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * The API as a user drives it, over real HTTP: register a Redis instance, back it up, recover it, follow a task,
 * download a backup. The system tests ask through it, and so does the demo ({@code ./stack demo}).
 */
public final class Gateway {

    private static final String API = "/api/v1";
    private final Supplier<RequestSpecification> requests;

    private Gateway(Supplier<RequestSpecification> requests) {
        this.requests = requests;
    }

    /** Requests with REST-assured's defaults: its base URI, and the token of {@link DefaultBearer}. */
    public static Gateway withDefaults() {
        return new Gateway(() -> given());
    }

    /** Requests to the gateway at {@code baseUri} (http://host:port) with {@code token}. */
    public static Gateway at(String baseUri, String token) {
        return new Gateway(() -> given().spec(DefaultBearer.as(token)).baseUri(baseUri));
    }

    /** Registers the server as the instance {@code name} of {@code project} (null for the default); its id. */
    public String register(RedisServer redis, String name, String project) {
        Map<String, Object> body = project == null
                ? Map.of("name", name, "host", redis.host(), "port", redis.port(), "password", redis.password())
                : Map.of("name", name, "host", redis.host(), "port", redis.port(), "password", redis.password(),
                        "project", project);
        return requests.get().contentType(ContentType.JSON).body(body)
                .when().post(API + "/instances").then().statusCode(201).extract().path("id");
    }

    /** Asks for a manual backup of the instance; its {@code taskId} and {@code backupId}. */
    public Map<String, String> manualBackup(String instanceId) {
        var accepted = requests.get().contentType(ContentType.JSON)
                .when().post(API + "/instances/" + instanceId + "/backups").then().statusCode(202).extract();
        return Map.of("taskId", accepted.path("taskId"), "backupId", accepted.path("backupId"));
    }

    /** Asks for a recovery of the instance ({@code body} as the API takes it); the task's id. */
    public String recover(String instanceId, Map<String, Object> body) {
        return requests.get().contentType(ContentType.JSON).body(body)
                .when().post(API + "/instances/" + instanceId + "/recoveries").then().statusCode(202).extract()
                .path("taskId");
    }

    /** Waits, looking every 100 ms, until the task has {@code status}. */
    public void awaitTask(String taskId, String status, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertEquals(status, task(taskId).get("status"), "the task's status"));
    }

    /** Waits until the task has ended; the task as the API shows it. */
    public Map<String, Object> awaitEnd(String taskId, Duration atMost) {
        return await().atMost(atMost).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> task(taskId),
                task -> List.of("SUCCEEDED", "FAILED").contains(task.get("status")));
    }

    public Map<String, Object> task(String taskId) {
        return requests.get().when().get(API + "/tasks/" + taskId).then().statusCode(200).extract().jsonPath().getMap("");
    }

    /** The backup's RDB, as a download gives it. */
    public byte[] download(String backupId) {
        return requests.get().when().get(API + "/backups/" + backupId + "/rdb").then().statusCode(200).extract()
                .asByteArray();
    }
}
