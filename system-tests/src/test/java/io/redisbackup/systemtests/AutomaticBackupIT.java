package io.redisbackup.systemtests;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.redisbackup.testsupport.RedisServer;
import io.restassured.http.ContentType;

/**
 * Issue 4 end to end, with the real scheduler running as two replicas: a policy whose period holds "now" on
 * today's weekday yields one automatic backup that succeeds; a policy without today yields none.
 */
class AutomaticBackupIT extends SystemTest {

    @Test
    void aPeriodHoldingNowOnTodayYieldsOneScheduledBackupAcrossTwoSchedulersAndARestart() throws Exception {
        try (RedisServer source = RedisServer.start()) {
            source.call("SET", "k", "v");
            String instanceId = register(source);
            Now now = Now.withRoomInTheHour();
            setPolicy(instanceId, List.of(now.weekday().name()), now.period(), now.zone());

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> given()
                    .queryParam("instanceId", instanceId).queryParam("status", "SUCCEEDED").when().get("/api/v1/tasks")
                    .then().body("total", equalTo(1)));
            String taskId = given().queryParam("instanceId", instanceId).when().get("/api/v1/tasks")
                    .then().body("items[0].trigger", equalTo("SCHEDULED")).body("items[0].type", equalTo("BACKUP"))
                    .extract().path("items[0].id");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when()
                    .get("/api/v1/instances/" + instanceId + "/backups")
                    .then().body("[0].type", equalTo("AUTOMATIC")).body("[0].status", equalTo("SUCCEEDED"))
                    .body("[0].taskId", equalTo(taskId)).body("[0].expiresAt", notNullValue()));

            // both schedulers keep ticking through the period, one of them restarted in the middle: still one
            platform.kill("scheduler-service#2");
            platform.start("scheduler-service#2");
            sleep(Duration.ofSeconds(4));
            given().queryParam("instanceId", instanceId).when().get("/api/v1/tasks").then().body("total", equalTo(1));
            String finished = given().when().get("/api/v1/instances/" + instanceId + "/backups").path("[0].finishedAt");
            String expires = given().when().get("/api/v1/instances/" + instanceId + "/backups").path("[0].expiresAt");
            assertEquals(Instant.parse(finished).plus(Duration.ofDays(3)), Instant.parse(expires));
        }
    }

    @Test
    void aWeekdayNotChosenYieldsNoBackup() {
        try (RedisServer source = RedisServer.start()) {
            String instanceId = register(source);
            Now now = Now.withRoomInTheHour();
            List<String> otherDays = Arrays.stream(DayOfWeek.values()).filter(d -> d != now.weekday())
                    .map(DayOfWeek::name).toList();
            setPolicy(instanceId, otherDays, now.period(), now.zone());

            sleep(Duration.ofSeconds(6));
            given().queryParam("instanceId", instanceId).when().get("/api/v1/tasks").then().body("total", equalTo(0));
        }
    }

    /**
     * The current hour of a time zone in which it has at least 15 minutes left: UTC, or a zone half an hour off
     * when UTC's hour is nearly over.
     */
    record Now(ZoneId zone, DayOfWeek weekday, String period) {
        static Now withRoomInTheHour() {
            ZoneId zone = ZonedDateTime.now(ZoneId.of("UTC")).getMinute() < 45 ? ZoneId.of("UTC") : ZoneId.of("Asia/Kolkata");
            ZonedDateTime local = ZonedDateTime.now(zone);
            return new Now(zone, local.getDayOfWeek(),
                    String.format("%02d:00-%02d:00", local.getHour(), (local.getHour() + 1) % 24));
        }
    }

    private static void setPolicy(String instanceId, List<String> weekdays, String period, ZoneId zone) {
        given().contentType(ContentType.JSON)
                .body(Map.of("enabled", true, "weekdays", weekdays, "timePeriod", period, "timezone", zone.getId(),
                        "retentionDays", 3))
                .when().put("/api/v1/instances/" + instanceId + "/backup-policy").then().statusCode(200);
    }

    private static String register(RedisServer redis) {
        return register(redis, "auto");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
