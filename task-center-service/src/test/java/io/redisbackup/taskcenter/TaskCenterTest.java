package io.redisbackup.taskcenter;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.Progress;
import io.redisbackup.contracts.TaskError;
import io.redisbackup.contracts.TaskStatus;
import io.redisbackup.contracts.TaskStatusChanged;
import io.redisbackup.contracts.TaskType;
import io.redisbackup.contracts.Topics;
import io.redisbackup.contracts.Trigger;
import io.redisbackup.testsupport.KafkaBrokerResource;
import io.redisbackup.testsupport.PostgresDatabaseResource;
import io.redisbackup.testsupport.TopicClient;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresDatabaseResource.class, scope = TestResourceScope.GLOBAL)
class TaskCenterTest {

    /** As application.properties sets it for tests: what the gateway sends. */
    static final String SERVICE_TOKEN = "task-center-test-service-token-0123456789";

    TopicClient kafka;
    final UUID instance = UUID.randomUUID();

    @BeforeEach
    void connect() {
        kafka = new TopicClient();
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    @Test
    void buildsATaskFromItsStatusEvents() {
        UUID task = UUID.randomUUID();
        send(event(task, 1, TaskStatus.PENDING));
        send(event(task, 1_000_001, TaskStatus.RUNNING).withProgress(Progress.ofBytes(10, 40)));
        send(event(task, 1_000_002, TaskStatus.SUCCEEDED).withResult(Map.of("keyCount", 12)));

        awaitStatus(task, "SUCCEEDED");
        api().when().get("/tasks/" + task)
                .then().statusCode(200)
                .body("type", equalTo("BACKUP"))
                .body("instanceId", equalTo(instance.toString()))
                .body("trigger", equalTo("MANUAL"))
                .body("progress.bytesDone", equalTo(10))
                .body("result.keyCount", equalTo(12))
                .body("startedAt", notNullValue())
                .body("finishedAt", notNullValue())
                .body("history.status", contains("PENDING", "RUNNING", "SUCCEEDED"));
    }

    @Test
    void dropsDuplicatesLateEventsAndMovesBackwards() {
        UUID task = UUID.randomUUID();
        send(event(task, 1, TaskStatus.PENDING));
        send(event(task, 1_000_001, TaskStatus.RUNNING));
        send(event(task, 1_000_002, TaskStatus.FAILED).withError(new TaskError("INSTANCE_UNREACHABLE", "gone")));
        send(event(task, 1_000_001, TaskStatus.RUNNING));
        send(event(task, 2_000_001, TaskStatus.RUNNING));
        UUID marker = UUID.randomUUID();
        send(event(marker, 1, TaskStatus.PENDING));

        // same instance, same partition: once the marker is recorded, every event before it was handled
        awaitStatus(marker, "PENDING");
        api().when().get("/tasks/" + task)
                .then().body("status", equalTo("FAILED"))
                .body("error.code", equalTo("INSTANCE_UNREACHABLE"))
                .body("history.status", contains("PENDING", "RUNNING", "FAILED"));
    }

    @Test
    void filtersAndPagesNewestFirst() {
        UUID other = UUID.randomUUID();
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID deletion = UUID.randomUUID();
        send(event(first, 1, TaskStatus.PENDING, Instant.parse("2026-11-20T01:00:00Z")));
        send(event(second, 1, TaskStatus.PENDING, Instant.parse("2026-11-21T01:00:00Z")));
        send(new TaskStatusChanged(1, UUID.randomUUID(), deletion, instance, Instant.parse("2026-11-22T01:00:00Z"), 1,
                TaskType.DELETE_BACKUP, null, Trigger.MANUAL, TaskStatus.PENDING, null, null, null, null, null, null));
        kafka.send(Topics.TASK_STATUS, other.toString(),
                MessageCodec.toJson(TaskStatusChanged.of(UUID.randomUUID(), other, 1, TaskType.BACKUP, null,
                        Trigger.SCHEDULED, TaskStatus.PENDING, Instant.now())));
        awaitStatus(deletion, "PENDING");

        api().queryParam("instanceId", instance.toString()).when().get("/tasks")
                .then().statusCode(200)
                .body("total", equalTo(3))
                .body("items.id", contains(deletion.toString(), second.toString(), first.toString()));
        api().queryParam("instanceId", instance.toString()).queryParam("type", "BACKUP")
                .queryParam("size", 1).queryParam("page", 1).when().get("/tasks")
                .then().body("total", equalTo(2)).body("size", equalTo(1))
                .body("items.id", contains(first.toString()));
        api().queryParam("instanceId", instance.toString()).queryParam("since", "2026-11-21T00:00:00Z")
                .queryParam("until", "2026-11-22T00:00:00Z").when().get("/tasks")
                .then().body("items.id", contains(second.toString()));
        api().queryParam("instanceId", instance.toString()).queryParam("type", "BACKUP,DELETE_BACKUP")
                .queryParam("status", "PENDING").when().get("/tasks")
                .then().body("items.id", containsInAnyOrder(first.toString(), second.toString(), deletion.toString()));
    }

    @Test
    void namesEveryInvalidQueryParameter() {
        api().queryParam("instanceId", "x").queryParam("type", "NAP").queryParam("status", "DONE")
                .queryParam("since", "yesterday").queryParam("page", "-1").queryParam("size", "500")
                .when().get("/tasks")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("INVALID_REQUEST"))
                .body("errors.field", hasItems("instanceId", "type", "status", "since", "page", "size"));
    }

    @Test
    void answersAnUnknownTaskWithNotFound() {
        api().when().get("/tasks/" + UUID.randomUUID()).then().statusCode(404).body("code", equalTo("TASK_NOT_FOUND"));
        api().when().get("/tasks/nope").then().statusCode(404).body("code", equalTo("TASK_NOT_FOUND"));
    }

    @Test
    void saysATaskHasNoNewsButLeavesItsEndToTheWorkers() {
        UUID task = UUID.randomUUID();
        send(event(task, 1, TaskStatus.PENDING));
        send(event(task, 1_000_001, TaskStatus.RUNNING).withAttempt(1));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> api().when().get("/tasks/" + task).then()
                .body("status", equalTo("RUNNING")).body("message", startsWith("No news from its worker"))
                .body("history.status", contains("PENDING", "RUNNING", "RUNNING")));

        // only a worker can fence a task, so only a worker's event ends it
        send(event(task, 1_000_002, TaskStatus.SUCCEEDED).withAttempt(1));
        awaitStatus(task, "SUCCEEDED");
        api().when().get("/tasks/" + task).then().body("history.status",
                contains("PENDING", "RUNNING", "RUNNING", "SUCCEEDED"));
    }

    @Test
    void showsEachRetryInTheHistoryWithItsAttempt() {
        UUID task = UUID.randomUUID();
        send(event(task, 1, TaskStatus.PENDING));
        send(event(task, 1_000_001, TaskStatus.RUNNING).withAttempt(1).withMessage("connecting to the instance"));
        send(event(task, 1_000_002, TaskStatus.RUNNING).withAttempt(1).withMessage("receiving the snapshot"));
        send(event(task, 2_000_001, TaskStatus.RUNNING).withAttempt(2).withMessage("Attempt 2 of at most 3"));
        send(event(task, 2_000_002, TaskStatus.SUCCEEDED).withAttempt(2));
        // a late event of the first attempt changes nothing
        send(event(task, 1_000_003, TaskStatus.FAILED).withAttempt(1));
        UUID marker = UUID.randomUUID();
        send(event(marker, 1, TaskStatus.PENDING));
        awaitStatus(marker, "PENDING");

        api().when().get("/tasks/" + task).then().body("status", equalTo("SUCCEEDED")).body("attempt", equalTo(2))
                .body("history.status", contains("PENDING", "RUNNING", "RUNNING", "SUCCEEDED"))
                .body("history.attempt", contains(null, 1, 2, 2))
                .body("history[2].message", equalTo("Attempt 2 of at most 3"));
    }

    @Test
    void keepsTheProjectWhenTheAcceptingEventComesLast() {
        UUID task = UUID.randomUUID();
        send(event(task, 1_000_001, TaskStatus.RUNNING).withAttempt(1));
        send(event(task, 1, TaskStatus.PENDING).withProject("payments"));
        UUID marker = UUID.randomUUID();
        send(event(marker, 1, TaskStatus.PENDING));
        awaitStatus(marker, "PENDING");
        api().when().get("/tasks/" + task).then().body("status", equalTo("RUNNING")).body("project", equalTo("payments"));
    }

    @Test
    void keepsTheProjectTheAcceptingEventNamedAndFiltersByIt() {
        UUID payments = UUID.randomUUID();
        UUID shop = UUID.randomUUID();
        send(event(payments, 1, TaskStatus.PENDING).withProject("payments"));
        send(event(payments, 1_000_001, TaskStatus.RUNNING));
        send(event(shop, 1, TaskStatus.PENDING).withProject("shop"));
        awaitStatus(shop, "PENDING");
        awaitStatus(payments, "RUNNING");

        api().when().get("/tasks/" + payments).then().body("project", equalTo("payments"));
        api().queryParam("instanceId", instance.toString()).queryParam("project", "payments").when().get("/tasks")
                .then().statusCode(200).body("items.id", contains(payments.toString()));
        api().queryParam("instanceId", instance.toString()).queryParam("project", "payments")
                .queryParam("project", "shop").when().get("/tasks")
                .then().body("items.id", containsInAnyOrder(payments.toString(), shop.toString()));
        api().queryParam("instanceId", instance.toString()).queryParam("project", "nobody").when().get("/tasks")
                .then().body("total", equalTo(0));
    }

    @Test
    void answersOnlyCallersWithTheServiceCredential() {
        given().when().get("/tasks").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("code", equalTo("UNAUTHORIZED"));
        given().header("Authorization", "Bearer " + SERVICE_TOKEN + "x").when().get("/tasks/" + UUID.randomUUID())
                .then().statusCode(401).body(not(containsString(SERVICE_TOKEN)));
        given().when().get("/q/health/live").then().statusCode(200);
    }

    private static io.restassured.specification.RequestSpecification api() {
        return given().header("Authorization", "Bearer " + SERVICE_TOKEN);
    }

    private TaskStatusChanged event(UUID task, long sequence, TaskStatus status) {
        return event(task, sequence, status, Instant.now());
    }

    private TaskStatusChanged event(UUID task, long sequence, TaskStatus status, Instant at) {
        return TaskStatusChanged.of(task, instance, sequence, TaskType.BACKUP, UUID.randomUUID(), Trigger.MANUAL,
                status, at);
    }

    private void send(TaskStatusChanged event) {
        kafka.send(Topics.TASK_STATUS, instance.toString(), MessageCodec.toJson(event));
    }

    private static void awaitStatus(UUID task, String status) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> api().when().get("/tasks/" + task)
                .then().statusCode(200).body("status", equalTo(status)));
    }
}
