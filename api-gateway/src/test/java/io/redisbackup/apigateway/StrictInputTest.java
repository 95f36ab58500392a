package io.redisbackup.apigateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Request bodies are read exactly as typed, and nothing a request holds can make the gateway fail (5xx). */
@QuarkusTest
class StrictInputTest extends GatewayTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"name\": 123, \"host\": \"127.0.0.1\", \"port\": 6379, \"password\": \"p\"}",
            "{\"name\": \"n\", \"host\": \"127.0.0.1\", \"port\": 6379.5, \"password\": \"p\"}",
            "{\"name\": \"n\", \"host\": \"127.0.0.1\", \"port\": \"6379\", \"password\": \"p\"}",
            "{\"name\": \"n\", \"host\": \"127.0.0.1\", \"port\": 6379, \"password\": \"p\", \"tls\": 5}",
            "{\"name\": \"n\", \"host\": \"127.0.0.1\", \"port\": 6379, \"password\": \"p\", \"tls\": \"true\"}",
            "{\"name\": \"a\\u0000b\", \"host\": \"127.0.0.1\", \"port\": 6379, \"password\": \"p\"}",
            "{\"name\": \"a\\ud800b\", \"host\": \"127.0.0.1\", \"port\": 6379, \"password\": \"p\"}",
            "{\"name\": \"a\\udc00\", \"host\": \"127.0.0.1\", \"port\": 6379, \"password\": \"p\"}",
            "{\"name\": \"n\", \"host\": \"../../etc/passwd\", \"port\": 6379, \"password\": \"p\"}",
            "{\"name\": \"n\", \"host\": \"127.0.0.1\", \"port\": 99999999999999999999, \"password\": \"p\"}" })
    void refusesAnInstanceWhoseFieldsAreNotExactlyTyped(String body) {
        given().contentType(ContentType.JSON).body(body).when().post("/api/v1/instances")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("INVALID_REQUEST"));
    }

    @Test
    void namesTheFieldThatHoldsANulCharacter() {
        given().contentType(ContentType.JSON)
                .body("{\"name\": \"a\\u0000b\", \"host\": \"127.0.0.1\", \"port\": 6379, \"password\": \"p\"}")
                .when().post("/api/v1/instances")
                .then().statusCode(400)
                .body("errors.field", hasItem("name"))
                .body("errors.message", hasItem("holds a NUL character or a lone surrogate"));
    }

    @Test
    void refusesAPolicyAndABackupWithLooseNumbersAndBooleans() {
        String id = register(redis, "strict");
        given().contentType(ContentType.JSON).body("{\"retentionDays\": 1.5}")
                .when().post("/api/v1/instances/" + id + "/backups").then().statusCode(400);
        given().contentType(ContentType.JSON)
                .body(Map.of("enabled", 3, "weekdays", java.util.List.of("MONDAY"), "timePeriod", "02:00-03:00",
                        "retentionDays", 7))
                .when().put("/api/v1/instances/" + id + "/backup-policy").then().statusCode(400)
                .body("errors.field", hasItem("enabled"));
    }

    @Test
    void refusesTimesOutsideASaneRangeAndPagesBeyondReach() {
        given().queryParam("since", "+999999999-12-31T23:59:59Z").get("/api/v1/audit")
                .then().statusCode(400).body("errors.field", hasItem("since"));
        given().queryParam("until", "0001-01-01T00:00:00Z").get("/api/v1/audit")
                .then().statusCode(400).body("errors.field", hasItem("until"));
    }

    @Test
    void answersATooLargeBodyWithAProblemDocument() throws Exception {
        // a client announcing 20 MB: the gateway answers at once, before any of it is sent
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /api/v1/instances HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + ADMIN_TOKEN + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 20000000\r\n\r\n{").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readNBytes(2000), java.nio.charset.StandardCharsets.UTF_8);
            org.junit.jupiter.api.Assertions.assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
            org.junit.jupiter.api.Assertions.assertTrue(answer.contains("application/problem+json"), answer);
            org.junit.jupiter.api.Assertions.assertTrue(answer.contains("\"PAYLOAD_TOO_LARGE\""), answer);
        }
    }

    @Test
    void answersATooLongUriOrTooLargeHeadersWithAProblemDocument() {
        given().queryParam("instanceId", "x".repeat(10_000)).get("/api/v1/tasks")
                .then().statusCode(414).contentType("application/problem+json").body("code", equalTo("URI_TOO_LONG"));
        given().header("X-Padding", "y".repeat(30_000)).get("/api/v1/instances")
                .then().statusCode(431).contentType("application/problem+json")
                .body("code", equalTo("HEADERS_TOO_LARGE"));
        // within the limits, the same request is answered as usual
        given().queryParam("since", "x".repeat(1_000)).get("/api/v1/audit").then().statusCode(400);
    }

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.http.test-port")
    int port;
}
