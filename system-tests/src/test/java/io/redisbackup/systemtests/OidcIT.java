package io.redisbackup.systemtests;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import io.redisbackup.testsupport.DefaultBearer;
import io.redisbackup.testsupport.RedisServer;
import io.restassured.http.ContentType;

/**
 * A real identity provider's users call the API and sign in to the console: a gateway pointed at Keycloak accepts
 * its JWTs, taking the role from the realm roles and the projects from the groups; a token for another audience, from another issuer, or
 * expired is refused. The platform's own API tokens keep working beside them.
 */
class OidcIT extends SystemTest {

    private static Keycloak keycloak;
    private static String gateway;
    private static RedisServer redis;
    private static String payments;
    private static String shop;

    @BeforeAll
    static void startIdentityProvider() throws Exception {
        keycloak = Keycloak.start(platform.log("keycloak"));
        gateway = platform.startReplica("api-gateway#oidc", Map.of(
                "QUARKUS_OIDC_TENANT_ENABLED", "true",
                "QUARKUS_OIDC_AUTH_SERVER_URL", keycloak.realmUrl("redis-backup"),
                "QUARKUS_OIDC_CLIENT_ID", "redis-backup-api",
                "QUARKUS_OIDC_TOKEN_AUDIENCE", "redis-backup-api",
                "GATEWAY_OIDC_ROLES_CLAIM", "realm_access/roles",
                "GATEWAY_OIDC_PROJECTS_CLAIM", "groups",
                // and its console signs users in through Keycloak (authorization code with PKCE, a public client)
                "GATEWAY_OIDC_CONSOLE_CLIENT_ID", "redis-backup-console",
                // this replica also closes its metrics and API description, as the README says one can
                "QUARKUS_HTTP_AUTH_PERMISSION_METRICS_ENABLED", "true",
                "QUARKUS_HTTP_AUTH_PERMISSION_OPENAPI_ENABLED", "true"));
        redis = RedisServer.start();
        payments = register(redis, "oidc-payments", "payments");
        shop = register(redis, "oidc-shop", "shop");
    }

    @AfterAll
    static void stopIdentityProvider() {
        if (redis != null) {
            redis.close();
        }
        if (keycloak != null) {
            keycloak.close();
        }
    }

    @Test
    void aUserSignsInToTheConsoleThroughTheIdentityProviderAndSeesItsProjectsOnly() throws Exception {
        try (Browser browser = Browser.open(1280, 900)) {
            browser.go(gateway + "/console/sign-in");
            browser.visible(By.id("oidc-sign-in")).click();
            browser.visible(By.id("username")).sendKeys("alice"); // Keycloak's own sign-in page
            browser.driver().findElement(By.id("password")).sendKeys("alice-password");
            browser.driver().findElement(By.id("kc-login")).click();
            browser.awaitPath("/console");
            browser.awaitText("oidc-payments-" + redis.port());
            String page = browser.text();
            assertTrue(page.contains("alice") && page.contains("(operator)"), page);
            assertFalse(page.contains("oidc-shop"), "another project's instance is not listed");

            browser.driver().findElement(By.xpath("//button[text()='Sign out']")).click();
            browser.awaitPath("/console/sign-in");
            browser.go(gateway + "/console");
            browser.awaitPath("/console/sign-in");
        }
    }

    @Test
    void aSignInThatTheConsoleDidNotStartIsRefused() {
        given().spec(DefaultBearer.none()).baseUri(gateway).redirects().follow(false)
                .get("/console/oidc/callback?code=stolen&state=guessed")
                .then().statusCode(401).body(org.hamcrest.Matchers.containsString("was not started here"))
                .header("Set-Cookie", org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("rbk_console=")));
    }

    @Test
    void anOperatorOfTheIdentityProviderBacksUpInItsProjectsOnly() throws Exception {
        String alice = keycloak.accessToken("redis-backup", "redis-backup-cli", "alice", "alice-password");
        at(gateway, alice).get("/api/v1/instances").then().statusCode(200)
                .body("id", hasItem(payments)).body("id", not(hasItem(shop)));
        String task = at(gateway, alice).contentType(ContentType.JSON)
                .post("/api/v1/instances/" + payments + "/backups").then().statusCode(202).extract().path("taskId");
        awaitTask(task, "SUCCEEDED", java.time.Duration.ofSeconds(60));
        given().queryParam("size", 200).get("/api/v1/audit").then().statusCode(200)
                .body("items.find { it.actorName == 'alice' && it.outcome == 202 }.actor", startsWith("oidc:"));
        at(gateway, alice).contentType(ContentType.JSON)
                .post("/api/v1/instances/" + shop + "/backups").then().statusCode(404);
        at(gateway, alice).delete("/api/v1/instances/" + payments)
                .then().statusCode(403).body("code", equalTo("FORBIDDEN"));
    }

    @Test
    void aViewerOfTheIdentityProviderReadsButDoesNotBackUp() throws Exception {
        String victor = keycloak.accessToken("redis-backup", "redis-backup-cli", "victor", "victor-password");
        at(gateway, victor).get("/api/v1/instances/" + payments)
                .then().statusCode(200).body("project", equalTo("payments"));
        at(gateway, victor).contentType(ContentType.JSON)
                .post("/api/v1/instances/" + payments + "/backups").then().statusCode(403)
                .body("code", equalTo("FORBIDDEN")).body("detail", org.hamcrest.Matchers.containsString("operator"));
    }

    @Test
    void refusesATokenForAnotherAudienceFromAnotherIssuerOrExpired() throws Exception {
        String otherAudience = keycloak.accessToken("redis-backup", "other-app", "alice", "alice-password");
        at(gateway, otherAudience).get("/api/v1/instances").then().statusCode(401);
        String otherIssuer = keycloak.accessToken("elsewhere", "redis-backup-cli", "alice", "alice-password");
        at(gateway, otherIssuer).get("/api/v1/instances").then().statusCode(401);

        String shortLived = keycloak.accessToken("redis-backup", "short-lived", "alice", "alice-password");
        at(gateway, shortLived).get("/api/v1/instances").then().statusCode(200);
        Thread.sleep(4000); // its lifespan is 2 s
        at(gateway, shortLived).get("/api/v1/instances").then().statusCode(401)
                .body("code", equalTo("UNAUTHORIZED"));
    }

    @Test
    void closesMetricsAndTheApiDescriptionWhenToldTo() {
        for (String page : java.util.List.of("/q/metrics", "/q/openapi")) {
            given().spec(DefaultBearer.none()).baseUri(gateway).get(page).then().statusCode(401);
            given().baseUri(gateway).get(page).then().statusCode(200);
        }
        given().spec(DefaultBearer.none()).baseUri(gateway).get("/q/health/ready").then().statusCode(200);
        given().spec(DefaultBearer.none()).baseUri(platform.gateway()).get("/q/metrics").then().statusCode(200);
    }

    @Test
    void theApiTokensWorkBesideTheIdentityProvider() {
        given().baseUri(gateway).get("/api/v1/instances").then().statusCode(200).body("id", hasItem(shop));
        at(gateway, "rbk_notATokenAtAll").get("/api/v1/instances")
                .then().statusCode(401);
    }
}
