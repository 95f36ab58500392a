package io.redisbackup.apigateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.DayOfWeek;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.redisbackup.contracts.BackupPolicyChanged;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.Topics;
import io.redisbackup.testsupport.TopicClient;
import io.restassured.http.ContentType;

@QuarkusTest
class BackupPolicyTest extends GatewayTest {

    @Test
    void aNewInstanceIsBackedUpEveryDayByDefault() {
        String id = register(redis, "defaults");
        given().when().get("/api/v1/instances/" + id + "/backup-policy")
                .then().statusCode(200)
                .body("enabled", equalTo(true))
                .body("weekdays", contains("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"))
                .body("timePeriod", equalTo("02:00-03:00"))
                .body("timezone", equalTo("UTC"))
                .body("retentionDays", equalTo(7));
    }

    @Test
    void publishesEveryChangeForTheSchedulerWithTheSealedEndpoint() {
        String id = register(redis, "policy");
        given().contentType(ContentType.JSON)
                .body(Map.of("enabled", true, "weekdays", List.of("monday", "FRIDAY"), "timePeriod", "23:00-00:00",
                        "timezone", "Asia/Shanghai", "retentionDays", 30))
                .when().put("/api/v1/instances/" + id + "/backup-policy")
                .then().statusCode(200)
                .body("weekdays", containsInAnyOrder("MONDAY", "FRIDAY"))
                .body("timePeriod", equalTo("23:00-00:00"))
                .body("timezone", equalTo("Asia/Shanghai"));

        try (TopicClient kafka = new TopicClient()) {
            List<String> published = kafka.await(Topics.BACKUP_POLICIES, id, 2, Duration.ofSeconds(30));
            BackupPolicyChanged latest = MessageCodec.fromJson(published.get(1), BackupPolicyChanged.class);
            assertEquals(2, latest.revision());
            assertEquals(Set.of(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), latest.policy().weekdays());
            assertEquals(30, latest.policy().retentionDays());
            assertEquals(redis.port(), latest.endpoint().port());
            published.forEach(json -> assertFalse(json.contains(redis.password()), json));
        }
    }

    @Test
    void namesEveryInvalidFieldOfAPolicy() {
        String id = register(redis, "invalid");
        given().contentType(ContentType.JSON)
                .body(Map.of("enabled", true, "weekdays", List.of("FUNDAY"), "timePeriod", "02:30-03:30",
                        "timezone", "Mars/Olympus", "retentionDays", 731))
                .when().put("/api/v1/instances/" + id + "/backup-policy")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItems("weekdays", "timePeriod", "timezone", "retentionDays"));
        given().contentType(ContentType.JSON)
                .body(Map.of("enabled", true, "weekdays", List.of(), "timePeriod", "02:00-03:00", "retentionDays", 7))
                .when().put("/api/v1/instances/" + id + "/backup-policy")
                .then().statusCode(400)
                .body("errors.field", contains("weekdays"));
        given().contentType(ContentType.JSON)
                .body(Map.of("enabled", false, "weekdays", List.of(), "timePeriod", "02:00-03:00", "retentionDays", 7))
                .when().put("/api/v1/instances/" + id + "/backup-policy")
                .then().statusCode(200).body("enabled", equalTo(false));
        given().contentType(ContentType.JSON).body(Map.of("timePeriod", "02:00-03:00", "retentionDays", 7))
                .when().put("/api/v1/instances/" + UUID.randomUUID() + "/backup-policy")
                .then().statusCode(400);
        given().when().get("/api/v1/instances/" + UUID.randomUUID() + "/backup-policy").then().statusCode(404);
    }

    @Test
    void keepsThePoliciesTopicCompacted() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class)))) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.BACKUP_POLICIES);
            String policy = admin.describeConfigs(List.of(topic)).all().get().get(topic).get("cleanup.policy").value();
            assertEquals("compact", policy);
        }
    }

    @Test
    void aRemovedInstanceLeavesATombstone() {
        String id = register(redis, "removed");
        // through the API a removal asks the task center first, which these tests run without
        try (TopicClient kafka = new TopicClient()) {
            kafka.await(Topics.BACKUP_POLICIES, id, 1, Duration.ofSeconds(30));
            io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
                Instance.deleteById(UUID.fromString(id));
                policies.instanceRemoved(UUID.fromString(id));
            });
            List<String> records = kafka.await(Topics.BACKUP_POLICIES, id, 2, Duration.ofSeconds(30));
            assertNull(records.get(1), "a record with no value");
        }
    }

    @jakarta.inject.Inject
    io.redisbackup.apigateway.service.BackupPolicyService policies;
}
