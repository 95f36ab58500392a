package io.redisbackup.apigateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Signing in to the console and what a session may do, over real HTTP: the session cookie is HttpOnly and
 * SameSite=Strict, opens the console's pages only, changes nothing without the page's CSRF value or from another
 * site, and ends with sign-out or with its token. Browser tests drive the same pages in Chromium.
 */
@QuarkusTest
class ConsoleSessionTest extends GatewayTest {

    @Test
    void signsInWithATokenAndShowsTheCallersInstances() {
        String instanceId = register(redis, "console-listed");
        given().spec(ConsoleClient.anonymous()).redirects().follow(false).get("/console")
                .then().statusCode(303).header("Location", endsWith("/console/sign-in"));
        given().spec(ConsoleClient.anonymous()).get("/console/sign-in").then().statusCode(200)
                .header("Content-Security-Policy", containsString("default-src 'self'"))
                .body(containsString("<label for=\"token\">API token</label>"));

        given().spec(ConsoleClient.anonymous()).contentType(ContentType.URLENC).formParam("token", ADMIN_TOKEN + "x")
                .post("/console/sign-in").then().statusCode(401).header("Set-Cookie", org.hamcrest.Matchers.nullValue())
                .body(containsString("That token is unknown, expired or revoked."));

        Response signedIn = ConsoleClient.signInResponse(ADMIN_TOKEN);
        String cookie = signedIn.header("Set-Cookie");
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/console"),
                cookie);
        String session = signedIn.cookie("rbk_console");

        String page = given().spec(ConsoleClient.anonymous()).cookie("rbk_console", session).get("/console")
                .then().statusCode(200).body(containsString("console-listed"))
                .body(containsString(redis.host() + ":" + redis.port())).body(containsString(instanceId))
                .body(containsString("(admin)")).extract().asString();
        assertNotNull(ConsoleClient.csrf(page));

        // the cookie is not a token of the API
        given().spec(ConsoleClient.anonymous()).cookie("rbk_console", session).get("/api/v1/instances").then().statusCode(401);
    }

    @Test
    void aSessionChangesNothingWithoutItsCsrfValueOrFromAnotherSiteAndEndsWithSignOut() {
        ConsoleClient.Session signedIn = ConsoleClient.signIn(ADMIN_TOKEN);
        String session = signedIn.cookie();
        String csrf = signedIn.csrf();

        given().spec(ConsoleClient.anonymous()).cookie("rbk_console", session).redirects().follow(false)
                .post("/console/sign-out").then().statusCode(303).header("Location", endsWith("/console/sign-in"));
        given().spec(ConsoleClient.anonymous()).cookie("rbk_console", session).header("X-CSRF-Token", csrf.substring(1) + "A")
                .header("HX-Request", "true").post("/console/sign-out")
                .then().statusCode(401).header("HX-Redirect", "/console/sign-in");
        given().spec(ConsoleClient.anonymous()).cookie("rbk_console", session).header("X-CSRF-Token", csrf)
                .header("Origin", "https://elsewhere.example").post("/console/sign-out")
                .then().statusCode(403).body("code", equalTo("CROSS_SITE_REQUEST"));
        given().spec(ConsoleClient.anonymous()).contentType(ContentType.URLENC).formParam("token", ADMIN_TOKEN)
                .header("Sec-Fetch-Site", "cross-site").post("/console/sign-in")
                .then().statusCode(403).body("code", equalTo("CROSS_SITE_REQUEST"));
        given().spec(ConsoleClient.anonymous()).cookie("rbk_console", session).get("/console").then().statusCode(200);

        given().spec(ConsoleClient.anonymous()).cookie("rbk_console", session).header("X-CSRF-Token", csrf)
                .post("/console/sign-out").then().statusCode(204).header("HX-Redirect", "/console/sign-in")
                .header("Set-Cookie", containsString("Max-Age=0"));
        given().spec(ConsoleClient.anonymous()).cookie("rbk_console", session).redirects().follow(false).get("/console")
                .then().statusCode(303).header("Location", endsWith("/console/sign-in"));
    }

    @Test
    void aViewersSessionSeesItsOwnProjectsOnlyAndEndsWhenItsTokenIsRevoked() {
        register(redis, "console-default-project");
        Response made = given().spec(as(ADMIN_TOKEN)).contentType(ContentType.JSON)
                .body(Map.of("name", "console viewer", "role", "viewer", "projects", List.of("elsewhere")))
                .post("/api/v1/tokens").then().statusCode(201).extract().response();
        String session = ConsoleClient.signIn(made.path("token")).cookie();
        given().spec(ConsoleClient.anonymous()).cookie("rbk_console", session).get("/console").then().statusCode(200)
                .body(containsString("console viewer")).body(containsString("(viewer)"))
                .body(not(containsString("console-default-project")));

        given().spec(as(ADMIN_TOKEN)).delete("/api/v1/tokens/" + made.path("id")).then().statusCode(204);
        given().spec(ConsoleClient.anonymous()).cookie("rbk_console", session).redirects().follow(false).get("/console")
                .then().statusCode(303);
    }

    @Test
    void offersNoIdentityProviderSignInWhenNoneIsSetUp() {
        given().spec(ConsoleClient.anonymous()).get("/console/sign-in").then().statusCode(200)
                .body(not(containsString("oidc-sign-in")));
        given().spec(ConsoleClient.anonymous()).redirects().follow(false).get("/console/oidc/start").then()
                .statusCode(404).body(containsString("not set up here"));
        given().spec(ConsoleClient.anonymous()).get("/console/oidc/callback?code=x&state=y").then().statusCode(401)
                .header("Set-Cookie", not(containsString("rbk_console=")));
    }

    @Test
    void servesHtmxItselfWithoutAnyOtherHost() {
        given().spec(ConsoleClient.anonymous()).get("/webjars/htmx.org/dist/htmx.min.js").then().statusCode(200)
                .body(containsString("htmx"));
        given().spec(ConsoleClient.anonymous()).get("/console/console.css").then().statusCode(200);
        String page = given().spec(ConsoleClient.anonymous()).get("/console/sign-in").asString();
        Matcher external = Pattern.compile("(src|href)=\"(https?:)?//").matcher(page);
        assertTrue(!external.find(), "no script or style from another host");
    }
}
