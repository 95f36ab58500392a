package io.redisbackup.apigateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.redisbackup.testsupport.DefaultBearer;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Every operation of the public API is guarded, read from the gateway's own OpenAPI document: without a token 401,
 * with a role too weak 403, with a token of another project 404 where the path names something, and with the right
 * token neither. An operation that is not in {@link #NEEDED} fails the test: a new endpoint must say who may call it.
 */
@QuarkusTest
class AccessTest extends GatewayTest {

    /** The weakest role each operation needs. */
    static final Map<String, String> NEEDED = new TreeMap<>(Map.ofEntries(
            Map.entry("GET /api/v1/instances", "viewer"),
            Map.entry("POST /api/v1/instances", "admin"),
            Map.entry("GET /api/v1/instances/{id}", "viewer"),
            Map.entry("PUT /api/v1/instances/{id}", "admin"),
            Map.entry("DELETE /api/v1/instances/{id}", "admin"),
            Map.entry("GET /api/v1/instances/{id}/backups", "viewer"),
            Map.entry("POST /api/v1/instances/{id}/backups", "operator"),
            Map.entry("GET /api/v1/instances/{id}/backup-policy", "viewer"),
            Map.entry("PUT /api/v1/instances/{id}/backup-policy", "operator"),
            Map.entry("POST /api/v1/instances/{id}/recoveries", "operator"),
            Map.entry("GET /api/v1/instances/{id}/keys/history", "viewer"),
            Map.entry("GET /api/v1/backups/{id}", "viewer"),
            Map.entry("GET /api/v1/backups/{id}/rdb", "operator"),
            Map.entry("POST /api/v1/backups/{id}/verify", "operator"),
            Map.entry("DELETE /api/v1/backups/{id}", "admin"),
            Map.entry("GET /api/v1/tasks", "viewer"),
            Map.entry("GET /api/v1/tasks/{id}", "viewer"),
            Map.entry("GET /api/v1/tokens", "admin"),
            Map.entry("POST /api/v1/tokens", "admin"),
            Map.entry("DELETE /api/v1/tokens/{id}", "admin"),
            Map.entry("GET /api/v1/audit", "admin"),
            Map.entry("GET /api/v1/backup-keys", "admin"),
            Map.entry("POST /api/v1/backup-keys/rewrap", "admin")));
    static final List<String> ROLES = List.of("viewer", "operator", "admin");

    @BeforeEach
    void eachRequestSaysWhoCalls() {
        DefaultBearer.use(null);
    }

    @AfterEach
    void backToTheAdmin() {
        DefaultBearer.use(ADMIN_TOKEN);
    }

    @Test
    void guardsEveryOperationOfTheApi() {
        Map<String, Object> paths = given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .extract().path("paths");
        Map<String, Object> documented = new TreeMap<>();
        paths.forEach((path, methods) -> ((Map<?, ?>) methods).forEach((method, operation) -> documented.put(
                method.toString().toUpperCase() + " " + path, ((Map<?, ?>) operation).get("security"))));
        assertEquals(NEEDED.keySet(), documented.keySet(),
                "every operation of the OpenAPI document, and only those, must name the role it needs here");
        NEEDED.forEach((operation, role) -> assertEquals(List.of(Map.of("bearer", List.of(role))),
                documented.get(operation), operation + ": the document names the role it needs"));

        // what the paths name, in project "alpha"; the other tokens are of project "beta" or too weak
        String instance = register(redis, "guarded", "alpha");
        String backup = succeededBackup(instance);
        Map<String, String> tokens = new TreeMap<>();
        for (String role : ROLES) {
            tokens.put(role, token(role, List.of("alpha")));
            tokens.put(role + "@beta", token(role, List.of("beta")));
        }
        String revocable = tokenId(token("viewer", List.of("alpha")));
        for (String operation : NEEDED.keySet()) {
            String method = operation.split(" ")[0];
            String template = operation.split(" ")[1];
            String path = template.replace("{id}", template.startsWith("/api/v1/instances") ? instance
                    : template.startsWith("/api/v1/backups") ? backup
                    : template.startsWith("/api/v1/tokens") ? revocable
                    : java.util.UUID.randomUUID().toString());
            String needed = NEEDED.get(operation);

            Map<String, Object> body = switch (operation) {
                case "POST /api/v1/instances" -> Map.of("name", "more", "host", redis.host(), "port", redis.port(),
                        "password", redis.password(), "project", "alpha");
                case "PUT /api/v1/instances/{id}" -> Map.of("name", "renamed", "host", redis.host(), "port", redis.port());
                case "PUT /api/v1/instances/{id}/backup-policy" -> Map.of("enabled", false, "weekdays", List.of(),
                        "timePeriod", "02:00-03:00", "retentionDays", 7);
                case "POST /api/v1/instances/{id}/recoveries" -> Map.of("backupId", backup, "password",
                        redis.password(), "mode", "INSTANCE");
                case "POST /api/v1/tokens" -> Map.of("name", "more", "role", "viewer", "projects", List.of("alpha"));
                default -> Map.of();
            };
            Response anonymous = call(method, path, body, given());
            assertEquals(401, anonymous.statusCode(), operation + " without a token");
            assertEquals("UNAUTHORIZED", anonymous.path("code"), operation);
            assertEquals("Bearer", anonymous.header("WWW-Authenticate"), operation);
            assertEquals(401, call(method, path, body, given().spec(as(ADMIN_TOKEN + "x"))).statusCode(),
                    operation + " with a token that is not one");

            for (String weaker : ROLES.subList(0, ROLES.indexOf(needed))) {
                Response refused = call(method, path, body, given().spec(as(tokens.get(weaker))));
                assertEquals(403, refused.statusCode(), operation + " as " + weaker);
                assertEquals("FORBIDDEN", refused.path("code"), operation);
                assertTrue(refused.<String>path("detail").contains("the " + needed + " role"), operation);
            }
            if (template.contains("{id}") && !template.startsWith("/api/v1/tasks")) {
                Response absent = call(method, path, body, given().spec(as(tokens.get("admin@beta"))));
                assertEquals(404, absent.statusCode(), operation + " by another project's admin");
            }
            int allowed = call(method, path, body, given().spec(as(tokens.get(needed)))).statusCode();
            assertFalse(allowed == 401 || allowed == 403 || allowed == 404 && !template.startsWith("/api/v1/tasks"),
                    operation + " as " + needed + " answered " + allowed);
        }
    }

    @Test
    void makesTokensThatShowTheirSecretOnceAndRevokesThem() {
        Response made = given().spec(as(ADMIN_TOKEN)).contentType(ContentType.JSON)
                .body(Map.of("name", "ci", "role", "operator", "projects", List.of("alpha")))
                .post("/api/v1/tokens").then().statusCode(201).extract().response();
        String secret = made.path("token");
        assertTrue(secret.startsWith("rbk_"), secret);
        assertEquals(32, Base64.getUrlDecoder().decode(secret.substring(4)).length, "256 random bits");
        String id = made.path("id");

        given().spec(as(secret)).get("/api/v1/instances").then().statusCode(200);
        given().spec(as(ADMIN_TOKEN)).get("/api/v1/tokens").then().statusCode(200)
                .body("find { it.id == '" + id + "' }.role", equalTo("operator"))
                .body("find { it.id == '" + id + "' }.lastUsedAt", org.hamcrest.Matchers.notNullValue())
                .body(not(containsString(secret)));

        given().spec(as(ADMIN_TOKEN)).delete("/api/v1/tokens/" + id).then().statusCode(204);
        long revoked = System.nanoTime();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(1))
                .pollInterval(java.time.Duration.ofMillis(50))
                .untilAsserted(() -> given().spec(as(secret)).get("/api/v1/instances").then().statusCode(401));
        assertTrue(System.nanoTime() - revoked < 1_000_000_000L, "refused within a second");
        given().spec(as(ADMIN_TOKEN)).get("/api/v1/tokens").then()
                .body("find { it.id == '" + id + "' }.revokedAt", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void refusesAnExpiredTokenAndInvalidTokenRequests() throws InterruptedException {
        String secret = given().spec(as(ADMIN_TOKEN)).contentType(ContentType.JSON)
                .body(Map.of("name", "short", "role", "viewer", "projects", List.of("*"),
                        "expiresAt", Instant.now().plusSeconds(2).toString()))
                .post("/api/v1/tokens").then().statusCode(201).extract().path("token");
        given().spec(as(secret)).get("/api/v1/instances").then().statusCode(200);
        Thread.sleep(2600);
        given().spec(as(secret)).get("/api/v1/instances").then().statusCode(401);

        given().spec(as(ADMIN_TOKEN)).contentType(ContentType.JSON)
                .body(Map.of("name", " ", "role", "root", "projects", List.of("*", "alpha"),
                        "expiresAt", "2020-01-01T00:00:00Z"))
                .post("/api/v1/tokens").then().statusCode(400).body("code", equalTo("INVALID_REQUEST"));
        given().spec(as(ADMIN_TOKEN)).contentType(ContentType.JSON)
                .body(Map.of("name", "n", "role", "root", "projects", List.of("Not A Project")))
                .post("/api/v1/tokens").then().statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.hasItems("role", "projects"));
    }

    @Test
    void anAdminOfOneProjectManagesTokensOfThatProjectOnly() {
        String alphaAdmin = token("admin", List.of("alpha"));
        given().spec(as(alphaAdmin)).contentType(ContentType.JSON)
                .body(Map.of("name", "escalate", "role", "admin", "projects", List.of("*")))
                .post("/api/v1/tokens").then().statusCode(403);
        given().spec(as(alphaAdmin)).contentType(ContentType.JSON)
                .body(Map.of("name", "other", "role", "viewer", "projects", List.of("beta")))
                .post("/api/v1/tokens").then().statusCode(403);
        String betaViewer = token("viewer", List.of("beta"));
        given().spec(as(alphaAdmin)).get("/api/v1/tokens").then().statusCode(200)
                .body("id", not(hasItem(tokenId(betaViewer))));
        given().spec(as(alphaAdmin)).delete("/api/v1/tokens/" + tokenId(betaViewer)).then().statusCode(404);
    }

    @Test
    void showsEachProjectOnlyItsOwnInstancesAndBackups() {
        String alpha = register(redis, "alpha-cache", "alpha");
        String backup = succeededBackup(alpha);
        String beta = token("operator", List.of("beta"));
        String alphaViewer = token("viewer", List.of("alpha"));

        given().spec(as(beta)).get("/api/v1/instances").then().statusCode(200).body("id", not(hasItem(alpha)));
        given().spec(as(alphaViewer)).get("/api/v1/instances").then().statusCode(200)
                .body("id", hasItem(alpha)).body("project", org.hamcrest.Matchers.everyItem(equalTo("alpha")));
        given().spec(as(beta)).get("/api/v1/backups/" + backup).then().statusCode(404)
                .body("code", equalTo("BACKUP_NOT_FOUND"));
        given().spec(as(alphaViewer)).get("/api/v1/backups/" + backup).then().statusCode(200)
                .body("project", equalTo("alpha"));
        given().spec(as(beta)).contentType(ContentType.JSON)
                .body(Map.of("backupId", backup, "password", redis.password(), "mode", "INSTANCE"))
                .post("/api/v1/instances/" + alpha + "/recoveries").then().statusCode(404);

        String betaAdmin = token("admin", List.of("beta"));
        given().spec(as(betaAdmin)).contentType(ContentType.JSON)
                .body(Map.of("name", "x", "host", redis.host(), "port", redis.port(), "password", redis.password(),
                        "project", "alpha"))
                .post("/api/v1/instances").then().statusCode(403).body("code", equalTo("FORBIDDEN"));
        String betaInstance = given().spec(as(betaAdmin)).contentType(ContentType.JSON)
                .body(Map.of("name", "b", "host", redis.host(), "port", redis.port(), "password", redis.password(),
                        "project", "beta"))
                .post("/api/v1/instances").then().statusCode(201).extract().path("id");
        // recovering alpha's backup into beta's instance needs rights on both projects
        given().spec(as(betaAdmin)).contentType(ContentType.JSON)
                .body(Map.of("backupId", backup, "password", redis.password(), "mode", "INSTANCE",
                        "targetInstanceId", betaInstance))
                .post("/api/v1/instances/" + alpha + "/recoveries").then().statusCode(404);
    }

    @Test
    void slowsDownAnAddressWhoseRequestsKeepFailingAuthentication() throws InterruptedException {
        Thread.sleep(10_100); // earlier failures of this address have left the window (10 s in the test profile)
        int status = 0;
        for (int i = 0; i < 400 && status != 429; i++) {
            status = given().spec(as(ADMIN_TOKEN + "x")).get("/api/v1/instances").statusCode();
        }
        assertEquals(429, status);
        given().spec(as(ADMIN_TOKEN)).get("/api/v1/instances").then().statusCode(429)
                .header("Retry-After", org.hamcrest.Matchers.notNullValue())
                .body("code", equalTo("TOO_MANY_FAILED_AUTHENTICATIONS"));
        given().get("/q/health/live").then().statusCode(200);
        Thread.sleep(10_100);
        given().spec(as(ADMIN_TOKEN)).get("/api/v1/instances").then().statusCode(200);
    }

    @Test
    void keepsHealthMetricsAndTheApiDescriptionOpen() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("components.securitySchemes.bearer.scheme", equalTo("bearer"));
    }

    /** The ids of the tokens made here, by secret. */
    private static final Map<String, String> IDS = new java.util.concurrent.ConcurrentHashMap<>();

    static String token(String role, List<String> projects) {
        Response made = given().spec(as(ADMIN_TOKEN)).contentType(ContentType.JSON)
                .body(Map.of("name", role + "-" + projects, "role", role, "projects", projects))
                .post("/api/v1/tokens").then().statusCode(201).body("token", startsWith("rbk_"))
                .extract().response();
        IDS.put(made.path("token"), made.path("id"));
        return made.path("token");
    }

    static String tokenId(String secret) {
        return IDS.get(secret);
    }

    static String register(io.redisbackup.testsupport.RedisServer redis, String name, String project) {
        return given().spec(as(ADMIN_TOKEN)).contentType(ContentType.JSON)
                .body(Map.of("name", name, "host", redis.host(), "port", redis.port(), "password", redis.password(),
                        "project", project))
                .post("/api/v1/instances").then().statusCode(201).extract().path("id");
    }

    private static Response call(String method, String path, Map<String, Object> body, RequestSpecification request) {
        if (method.equals("POST") || method.equals("PUT")) {
            request = request.contentType(ContentType.JSON).body(body);
        }
        return request.request(method, path).then().extract().response();
    }
}
