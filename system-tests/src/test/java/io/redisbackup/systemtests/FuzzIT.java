package io.redisbackup.systemtests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.redisbackup.testsupport.RedisServer;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Whatever a request holds, the platform answers it without failing: over every operation of the gateway's OpenAPI
 * document, malformed JSON, wrong types, huge and negative numbers, unknown enum values, NUL and lone surrogates,
 * 1 MB strings, invalid ids and traversal strings get a 4xx problem document, never a 5xx.
 */
class FuzzIT extends SystemTest {

    /** Values put in place of each field of a valid body, one at a time. */
    static final List<Object> ODD_VALUES = List.of(123, 1.5, true, "", "a\u0000b", "\ud800x", "x".repeat(1_000_000),
            -1, new java.math.BigInteger("99999999999999999999"), Map.of("a", 1), List.of(1), "../../etc/passwd",
            "NOPE", "2147483648");
    /** Bodies that are not the JSON object asked for. */
    static final List<String> ODD_BODIES = List.of("{", "[]", "null", "\"text\"", "{\"a\":", "\u0000", "{}}", "[{}]");
    /** What a path's id may be instead of an id. */
    static final List<String> ODD_IDS = List.of("not-a-uuid", "..%2F..%2Fetc%2Fpasswd", "%00", "-1",
            "99999999999999999999", "00000000-0000-0000-0000-000000000000", "x".repeat(300), "x".repeat(9_000));
    /** Query values for the lists. */
    static final List<String> ODD_QUERY_VALUES = List.of("-1", "2147483647", "99999999999999999999", "1.5",
            "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "%00", "NOPE", "", "../../etc", "x".repeat(500),
            "x".repeat(9_000));

    @Test
    void answersEveryOddRequestWithAProblemDocumentAndNeverFails() {
        try (RedisServer redis = RedisServer.start()) {
            String instance = register(redis, "fuzz", "fuzz");
            String task = given().contentType(ContentType.JSON).post("/api/v1/instances/" + instance + "/backups")
                    .then().statusCode(202).extract().path("taskId");
            awaitTask(task, "SUCCEEDED", Duration.ofSeconds(60));
            String backup = given().get("/api/v1/instances/" + instance + "/backups").then().extract().path("[0].id");
            Map<String, Map<String, Object>> bodies = validBodies(redis, backup);

            Map<String, Object> paths = given().accept("application/json").get("/q/openapi").then().statusCode(200)
                    .extract().path("paths");
            List<String> failures = new ArrayList<>();
            int sent = 0;
            for (Map.Entry<String, Object> path : new TreeMap<>(paths).entrySet()) {
                for (Object verb : ((Map<?, ?>) path.getValue()).keySet()) {
                    String method = verb.toString().toUpperCase();
                    String template = path.getKey();
                    String operation = method + " " + template;
                    boolean destructive = method.equals("DELETE");
                    List<String> ids = new ArrayList<>(ODD_IDS);
                    if (!destructive) {
                        ids.add(template.startsWith("/api/v1/backups") ? backup : instance);
                    }
                    for (String id : template.contains("{id}") ? ids : List.of("")) {
                        String url = template.replace("{id}", id);
                        if (url.length() > 8 * 1024) {
                            // refused (414) before any body is read, and the connection closed: no body sent, so
                            // that the client reads the answer instead of failing to write
                            sent++;
                            check(failures, operation + " (long URI)", given().request(method, url));
                        } else if (method.equals("POST") || method.equals("PUT")) {
                            Map<String, Object> valid = bodies.getOrDefault(operation, Map.of());
                            for (String odd : ODD_BODIES) {
                                sent++;
                                check(failures, operation, given().contentType(ContentType.JSON).body(odd)
                                        .request(method, url));
                            }
                            for (String field : valid.keySet()) {
                                for (Object odd : ODD_VALUES) {
                                    Map<String, Object> body = new LinkedHashMap<>(valid);
                                    body.put(field, odd);
                                    sent++;
                                    check(failures, operation + " " + field, given().contentType(ContentType.JSON)
                                            .body(body).request(method, url));
                                }
                            }
                        } else {
                            sent++;
                            check(failures, operation, given().request(method, url));
                        }
                    }
                    if (method.equals("GET") && !template.contains("{id}")) {
                        for (String parameter : List.of("page", "size", "since", "until", "instanceId", "type",
                                "status", "actor", "project")) {
                            for (String odd : ODD_QUERY_VALUES) {
                                sent++;
                                RequestSpecification request = given().urlEncodingEnabled(!odd.contains("%"))
                                        .queryParam(parameter, odd);
                                check(failures, operation + "?" + parameter, request.get(template));
                            }
                        }
                    }
                }
            }
            assertTrue(sent >= 300, "only " + sent + " requests");
            assertEquals(List.of(), failures, sent + " odd requests");
        }
    }

    private static Map<String, Map<String, Object>> validBodies(RedisServer redis, String backup) {
        Map<String, Map<String, Object>> bodies = new LinkedHashMap<>();
        bodies.put("POST /api/v1/instances", Map.of("name", "fuzzed", "host", redis.host(), "port", redis.port(),
                "password", redis.password(), "project", "fuzz"));
        bodies.put("PUT /api/v1/instances/{id}", Map.of("name", "fuzzed", "host", redis.host(), "port", redis.port()));
        bodies.put("POST /api/v1/instances/{id}/backups", Map.of("retentionDays", 3));
        bodies.put("PUT /api/v1/instances/{id}/backup-policy", Map.of("enabled", false, "weekdays", List.of("MONDAY"),
                "timePeriod", "02:00-03:00", "timezone", "UTC", "retentionDays", 7));
        bodies.put("POST /api/v1/instances/{id}/recoveries", Map.of("backupId", backup, "password", "wrong",
                "mode", "KEYS", "keys", "string:small"));
        bodies.put("POST /api/v1/tokens", Map.of("name", "fuzzed", "role", "viewer", "projects", List.of("fuzz")));
        return bodies;
    }

    /** A 5xx, or a 4xx that is not a problem document, is a failure. */
    private static void check(List<String> failures, String what, Response response) {
        int status = response.statusCode();
        String type = String.valueOf(response.contentType());
        if (status >= 500 || (status >= 400 && !type.startsWith("application/problem+json"))) {
            String body = response.asString();
            failures.add(what + " -> " + status + " " + type + " " + body.substring(0, Math.min(200, body.length())));
        }
    }
}
