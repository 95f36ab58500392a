package io.redisbackup.apigateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;


import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * An admin's changes in the console over real HTTP, against a real redis-server: registering (each refusal beside
 * its field), changing (the password asked again for a new endpoint), deleting a backup; an operator is given none
 * of it and refused if it asks anyway.
 */
@QuarkusTest
class ConsoleManageTest extends GatewayTest {

    @Test
    void anAdminRegistersAndChangesAnInstance() {
        ConsoleClient.Session admin = ConsoleClient.signIn(ADMIN_TOKEN);
        admin.change().contentType(ContentType.URLENC).formParam("name", "").formParam("host", "not a host!")
                .formParam("port", "x").formParam("password", "").post("/console/manage")
                .then().statusCode(400).body(containsString("id=\"name-error\""))
                .body(containsString("id=\"host-error\"")).body(containsString("id=\"port-error\""))
                .body(containsString("id=\"password-error\""));
        admin.change().contentType(ContentType.URLENC).formParam("name", "console-wrong-password")
                .formParam("host", redis.host()).formParam("port", redis.port())
                .formParam("password", redis.password() + "-wrong").post("/console/manage")
                .then().statusCode(422).body(containsString("id=\"instance-error\""));

        String location = admin.change().contentType(ContentType.URLENC).formParam("name", "console-registered")
                .formParam("host", redis.host()).formParam("port", redis.port())
                .formParam("password", redis.password()).formParam("project", "console-p").post("/console/manage")
                .then().statusCode(200).header("HX-Redirect", startsWith("/console/instances/"))
                .extract().header("HX-Redirect");
        String id = location.substring("/console/instances/".length());
        given().get("/api/v1/instances/" + id).then().body("name", equalTo("console-registered"))
                .body("project", equalTo("console-p"));

        admin.page().get("/console/manage/" + id).then().statusCode(200)
                .body(containsString("value=\"console-registered\""))
                .body(not(containsString(redis.password())));
        // a new endpoint without the password: refused, beside the password
        admin.change().contentType(ContentType.URLENC).formParam("name", "console-registered")
                .formParam("host", "127.0.0.2").formParam("port", redis.port()).formParam("project", "console-p")
                .post("/console/manage/" + id).then().statusCode(400).body(containsString("id=\"password-error\""));
        admin.change().contentType(ContentType.URLENC).formParam("name", "console-renamed")
                .formParam("host", redis.host()).formParam("port", redis.port()).formParam("project", "console-p")
                .post("/console/manage/" + id).then().statusCode(200).header("HX-Redirect", "/console/instances/" + id);
        given().get("/api/v1/instances/" + id).then().body("name", equalTo("console-renamed"));

        // a removal asks the task center first; none runs beside these tests, and the page says so (ConsoleIT
        // removes one on the whole platform)
        admin.change().post("/console/manage/" + id + "/remove").then().statusCode(503)
                .body(containsString("task center"));
        given().get("/api/v1/instances/" + id).then().statusCode(200);
    }

    @Test
    void anAdminDeletesABackupByATask() {
        String instanceId = register(redis, "console-delete-backup");
        String backupId = succeededBackup(instanceId);
        ConsoleClient.Session admin = ConsoleClient.signIn(ADMIN_TOKEN);
        admin.page().get("/console").then().body(containsString("(SUCCEEDED)")); // its newest backup, listed
        admin.page().get("/console/instances/" + instanceId).then().body(containsString(">Delete</button>"));
        admin.change().post("/console/manage/backups/" + backupId + "/delete").then().statusCode(200)
                .header("HX-Redirect", startsWith("/console/tasks/"));
        given().get("/api/v1/backups/" + backupId).then().body("status", equalTo("DELETING"));
    }

    @Test
    void anOperatorIsGivenNoneOfItAndRefusedIfItAsks() {
        String instanceId = register(redis, "console-operator-view");
        String operator = token("manage operator", "operator", "*");
        ConsoleClient.Session session = ConsoleClient.signIn(operator);
        session.page().get("/console").then().body(not(containsString("Register an instance")));
        session.page().get("/console/instances/" + instanceId).then().statusCode(200)
                .body(not(containsString("id=\"edit-instance\""))).body(not(containsString("id=\"remove-instance\"")))
                .body(not(containsString(">Delete</button>")));
        session.page().get("/console/manage/new").then().statusCode(403);
        session.change().post("/console/manage/" + instanceId + "/remove").then().statusCode(403);
        given().get("/api/v1/instances/" + instanceId).then().statusCode(200);
    }
}
