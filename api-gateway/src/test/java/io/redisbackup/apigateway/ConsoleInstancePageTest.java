package io.redisbackup.apigateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;


import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * An instance's "Backup and Recovery" page over real HTTP: the automatic backup's form saves and reads back, shows
 * each invalid field's error beside it and changes nothing then; Backup Now starts a task; a viewer gets no form
 * to send and no button, and is refused if it sends anyway.
 */
@QuarkusTest
class ConsoleInstancePageTest extends GatewayTest {

    @Test
    void theAutomaticBackupFormSavesReadsBackAndShowsEachErrorBesideItsField() {
        String instanceId = register(redis, "console-policy");
        ConsoleClient.Session admin = ConsoleClient.signIn(ADMIN_TOKEN);

        admin.change().contentType(ContentType.URLENC).formParam("enabled", "on")
                .formParam("timePeriod", "25:00-26:00").formParam("timezone", "Mars/Olympus")
                .formParam("retentionDays", "many").post("/console/instances/" + instanceId + "/policy")
                .then().statusCode(400)
                .body(containsString("id=\"weekdays-error\""))
                .body(containsString("id=\"period-error\""))
                .body(containsString("id=\"timezone-error\""))
                .body(containsString("id=\"retention-error\""))
                .body(containsString("must be a whole number of days"));
        given().get("/api/v1/instances/" + instanceId + "/backup-policy").then()
                .body("timezone", org.hamcrest.Matchers.not("Mars/Olympus"));

        String saved = admin.change().contentType(ContentType.URLENC).formParam("enabled", "on")
                .formParam("weekdays", "MONDAY").formParam("weekdays", "THURSDAY")
                .formParam("timePeriod", "02:00-03:00").formParam("timezone", "Asia/Shanghai")
                .formParam("retentionDays", "5").post("/console/instances/" + instanceId + "/policy")
                .then().statusCode(200).body(containsString("Saved.")).extract().asString();
        assertTrue(saved.contains("Next automatic backup: in the period starting"), saved);
        given().get("/api/v1/instances/" + instanceId + "/backup-policy").then()
                .body("weekdays", org.hamcrest.Matchers.contains("MONDAY", "THURSDAY"))
                .body("timePeriod", org.hamcrest.Matchers.equalTo("02:00-03:00"))
                .body("timezone", org.hamcrest.Matchers.equalTo("Asia/Shanghai"))
                .body("retentionDays", org.hamcrest.Matchers.equalTo(5));

        String page = admin.page().get("/console/instances/" + instanceId).then().statusCode(200).extract().asString();
        assertTrue(page.contains("value=\"MONDAY\" id=\"day-MONDAY\"\n        checked"), "Monday is ticked");
        assertTrue(page.contains("<option value=\"02:00-03:00\" selected>"), "the period is chosen");
        assertTrue(page.contains("<option value=\"Asia/Shanghai\" selected>"), "the zone is chosen");
        assertTrue(!page.contains("value=\"TUESDAY\" id=\"day-TUESDAY\"\n        checked"), "Tuesday is not");
    }

    @Test
    void backupNowStartsATaskAndTheListShowsIt() {
        String instanceId = register(redis, "console-backup-now");
        ConsoleClient.Session operator = ConsoleClient.signIn(operatorToken());
        operator.change().post("/console/instances/" + instanceId + "/backups").then().statusCode(200)
                .body(containsString("Backup started.")).body(containsString("manual"))
                .body(containsString("PENDING"))
                .body(containsString("hx-trigger=\"every 2s\""));
        // a second one while the first is under way: refused, and the page says why
        operator.change().post("/console/instances/" + instanceId + "/backups").then().statusCode(409)
                .body(containsString("role=\"alert\""));
    }

    @Test
    void aViewerSeesTheSettingsButNoFormToSendAndNoButton() {
        String instanceId = register(redis, "console-viewer-page");
        String viewer = token("page viewer", "viewer", "*");
        ConsoleClient.Session session = ConsoleClient.signIn(viewer);
        session.page().get("/console/instances/" + instanceId).then().statusCode(200)
                .body(containsString("Automatic backup")).body(containsString("<fieldset disabled"))
                .body(not(containsString("Backup Now"))).body(not(containsString(">Save</button>")));
        session.change().contentType(ContentType.URLENC).formParam("enabled", "on")
                .formParam("weekdays", "MONDAY").formParam("timePeriod", "02:00-03:00")
                .formParam("timezone", "UTC").formParam("retentionDays", "5")
                .post("/console/instances/" + instanceId + "/policy").then().statusCode(403);
        session.change().post("/console/instances/" + instanceId + "/backups").then().statusCode(403);
    }

    private static String operatorToken() {
        return token("page operator", "operator", "*");
    }
}
