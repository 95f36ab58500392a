package io.redisbackup.systemtests;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.redisbackup.testsupport.PostgresDatabaseResource;
import io.redisbackup.testsupport.RedisServer;
import io.restassured.http.ContentType;

/**
 * A task the gateway accepted with 202 is visible as PENDING from the gateway at once, even where the task center
 * has not heard of it (as while Kafka cannot be reached): here a gateway asks a task center that reads another
 * topic and keeps its own database, so it never hears of anything.
 */
class AcceptedTaskIT extends SystemTest {

    @Test
    void showsATaskItAcceptedAsPendingBeforeTheTaskCenterHearsOfIt() throws Exception {
        Map<String, String> database = PostgresDatabaseResource.freshDatabase("redis_backup_unheard_tasks");
        String deafTaskCenter = platform.startReplica("task-center-service#deaf", Map.of(
                "QUARKUS_DATASOURCE_JDBC_URL", database.get("quarkus.datasource.jdbc.url"),
                "MP_MESSAGING_INCOMING_TASK_STATUS_TOPIC", "task-status-nobody-writes",
                "MP_MESSAGING_INCOMING_TASK_STATUS_GROUP_ID", "deaf-task-center"));
        String gateway = platform.startReplica("api-gateway#deaf", Map.of(
                "QUARKUS_REST_CLIENT_TASK_CENTER_URL", deafTaskCenter));
        try (RedisServer redis = RedisServer.start()) {
            String instance = register(redis, "unheard", "unheard");
            String task = given().baseUri(gateway).contentType(ContentType.JSON)
                    .post("/api/v1/instances/" + instance + "/backups").then().statusCode(202).extract().path("taskId");

            given().baseUri(gateway).get("/api/v1/tasks/" + task).then().statusCode(200)
                    .body("id", equalTo(task))
                    .body("status", equalTo("PENDING"))
                    .body("type", equalTo("BACKUP"))
                    .body("instanceId", equalTo(instance))
                    .body("project", equalTo("unheard"))
                    .body("history[0].status", equalTo("PENDING"));
            given().baseUri(gateway).get("/api/v1/tasks/" + UUID.randomUUID()).then().statusCode(404)
                    .body("code", equalTo("TASK_NOT_FOUND"));
            at(gateway, token("viewer", "somewhere-else")).get("/api/v1/tasks/" + task).then().statusCode(404);
            // the task center that does hear of it takes over
            awaitTask(task, "SUCCEEDED", java.time.Duration.ofSeconds(60));
        }
    }
}
