package io.redisbackup.apigateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Recovering from the console over real HTTP: each refusal is shown beside what it concerns and changes nothing; an
 * accepted recovery sends the browser to its task's page; Recover Instance says plainly what it does.
 */
@QuarkusTest
class ConsoleRecoveryPageTest extends GatewayTest {

    @Test
    void refusalsAreShownBesideTheirFieldsAndAnAcceptedRecoveryGoesToItsTask() {
        String instanceId = register(redis, "console-recover");
        String backupId = succeededBackup(instanceId);
        ConsoleClient.Session admin = ConsoleClient.signIn(ADMIN_TOKEN);

        admin.page().get("/console/recover/" + instanceId + "/" + backupId).then()
                .statusCode(200).body(containsString("the whole dataset of the instance is replaced"))
                .body(containsString("its service is interrupted")).body(containsString("<code>\\;</code>"));

        admin.change().contentType(ContentType.URLENC).formParam("backupId", backupId).formParam("mode", "KEYS")
                .formParam("keys", " ; ").formParam("password", "").post("/console/recover/" + instanceId)
                .then().statusCode(400).body(containsString("id=\"keys-error\""))
                .body(containsString("id=\"password-error\""));
        admin.change().contentType(ContentType.URLENC).formParam("backupId", backupId).formParam("mode", "KEYS")
                .formParam("keys", "a;b").formParam("password", redis.password() + "-wrong")
                .post("/console/recover/" + instanceId)
                .then().statusCode(403).body(containsString("id=\"password-error\""))
                .body(containsString("The password is not the instance&#39;s; nothing was done."))
                .body(containsString(">a;b</textarea>"));
        given().get("/api/v1/instances/" + instanceId).then().body("status", org.hamcrest.Matchers.equalTo("Running"));

        admin.change().contentType(ContentType.URLENC).formParam("backupId", backupId).formParam("mode", "KEYS")
                .formParam("keys", "a;b").formParam("password", redis.password())
                .post("/console/recover/" + instanceId)
                .then().statusCode(200).header("HX-Redirect", org.hamcrest.Matchers.startsWith("/console/tasks/"));
        // a second one while the first holds the instance: refused for the request as a whole
        admin.change().contentType(ContentType.URLENC).formParam("backupId", backupId).formParam("mode", "INSTANCE")
                .formParam("password", redis.password()).post("/console/recover/" + instanceId)
                .then().statusCode(409).body(containsString("id=\"recover-error\""));
    }

    @Test
    void theTaskCenterPageListsTasksAndSaysWhenAFilterIsWrong() {
        String instanceId = register(redis, "console-tasks");
        ConsoleClient.Session admin = ConsoleClient.signIn(ADMIN_TOKEN);
        admin.page().get("/console/tasks?since=yesterday").then().statusCode(200)
                .body(containsString("is not a date and time"));
        admin.page().redirects().follow(false).get("/console/tasks/" + java.util.UUID.randomUUID())
                .then().statusCode(org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.is(404),
                        org.hamcrest.Matchers.is(503)));
        // the task center is not running beside these tests: the page says so and still follows the events
        admin.page().get("/console/tasks?instanceId=" + instanceId).then().statusCode(200)
                .body(containsString("sse-connect=\"/console/events\"")).body(containsString("try again shortly"));
    }
}
