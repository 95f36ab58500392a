package io.redisbackup.apigateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.redisbackup.apigateway.console.ConsoleEvents;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.TaskStatus;
import io.redisbackup.contracts.TaskStatusChanged;
import io.redisbackup.contracts.TaskType;
import io.redisbackup.contracts.Topics;
import io.redisbackup.contracts.Trigger;
import io.redisbackup.testsupport.TopicClient;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;

/**
 * The console's event stream over real HTTP, fed by the real {@code task-status} topic: a page hears of a task of
 * its projects as it changes, by the task's own event name, and never of another project's; a record that is not
 * an event is passed over. While no page is open the gateway does not read the records at all.
 */
@QuarkusTest
class ConsoleEventsTest extends GatewayTest {

    @Inject
    ConsoleEvents events;

    @Test
    void aPageHearsOfItsProjectsTasksAsTheyChangeAndOfNoOtherProjects() throws Exception {
        String viewer = token("events viewer", "viewer", "events-a");
        ConsoleClient.Session session = ConsoleClient.signIn(viewer);
        HttpResponse<java.io.InputStream> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + io.restassured.RestAssured.port + "/console/events"))
                .header("Cookie", "rbk_console=" + session.cookie()).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(events::listened); // the records are read now
        assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line.replaceFirst("^(event|data):(?! )", "$1: ")); // the space after ':' is optional
                }
            } catch (java.io.IOException e) {
                // the stream was closed
            }
        });
        String instanceId = io.restassured.RestAssured.given().contentType(ContentType.JSON)
                .body(Map.of("name", "events-instance", "host", redis.host(), "port", redis.port(), "password",
                        redis.password(), "project", "events-a"))
                .post("/api/v1/instances").then().statusCode(201).extract().path("id");
        UUID ours = UUID.randomUUID();
        UUID oursFromAWorker = UUID.randomUUID();
        UUID theirs = UUID.randomUUID();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        try (TopicClient kafka = new TopicClient()) {
            // the consumer starts from the newest record once it has its partitions: send until the page hears
            while (!(lines.contains("event: task-" + ours) && lines.contains("event: task-" + oursFromAWorker))
                    && Instant.now().isBefore(deadline)) {
                kafka.send(Topics.TASK_STATUS, "x", "not an event at all");
                kafka.send(Topics.TASK_STATUS, theirs.toString(), event(theirs, UUID.randomUUID(), "events-b"));
                kafka.send(Topics.TASK_STATUS, ours.toString(), event(ours, UUID.randomUUID(), "events-a"));
                // a worker's events name no project: the instance's is taken
                kafka.send(Topics.TASK_STATUS, oursFromAWorker.toString(),
                        event(oursFromAWorker, UUID.fromString(instanceId), null));
                Thread.sleep(500);
            }
        } finally {
            stream.body().close();
            reader.join(5000);
        }
        assertTrue(lines.contains("event: task-" + ours), "heard of its project's task: " + lines);
        assertTrue(lines.contains("event: task-" + oursFromAWorker), "and of its instance's task: " + lines);
        assertTrue(lines.contains("event: instance-" + instanceId), "and of the instance: " + lines);
        assertTrue(lines.contains("event: task"), "and by the kind's name, for lists: " + lines);
        assertTrue(lines.contains("data: " + ours), lines.toString());
        assertFalse(lines.stream().anyMatch(line -> line.contains(theirs.toString())), "never of another project's");
        // the page is gone: the records are passed over unread again
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !events.listened());
    }

    @Test
    void theStreamNeedsASession() {
        io.restassured.RestAssured.given().spec(ConsoleClient.anonymous()).redirects().follow(false)
                .get("/console/events").then().statusCode(303);
    }

    private static String event(UUID taskId, UUID instanceId, String project) {
        return MessageCodec.toJson(TaskStatusChanged.of(taskId, instanceId, 2, TaskType.BACKUP, null,
                Trigger.MANUAL, TaskStatus.RUNNING, Instant.now()).withProject(project));
    }
}
