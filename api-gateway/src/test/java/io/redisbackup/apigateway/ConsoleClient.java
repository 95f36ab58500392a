package io.redisbackup.apigateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.redisbackup.testsupport.DefaultBearer;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** A browser's requests to the console, without a browser: signing in, and requests with the session's cookie. */
final class ConsoleClient {

    private static final Pattern CSRF = Pattern.compile("\"X-CSRF-Token\": \"([A-Za-z0-9_-]{43})\"");

    /** A signed-in session: its cookie's secret and the CSRF value its pages carry. */
    record Session(String cookie, String csrf) {

        /** A request of this session's pages: its cookie, no bearer token. */
        RequestSpecification page() {
            return given().spec(anonymous()).cookie("rbk_console", cookie);
        }

        /** A request of this session that changes something, as the pages send it (htmx, with the CSRF value). */
        RequestSpecification change() {
            return page().header("X-CSRF-Token", csrf).header("HX-Request", "true");
        }
    }

    private ConsoleClient() {
    }

    /** Signs in with the token, as the sign-in form does; the response (303 to the console). */
    static Response signInResponse(String token) {
        Response response = given().spec(anonymous()).contentType(ContentType.URLENC).formParam("token", token)
                .redirects().follow(false).post("/console/sign-in");
        assertEquals(303, response.statusCode(), response.asString());
        assertEquals("/console", java.net.URI.create(response.header("Location")).getPath());
        return response;
    }

    static Session signIn(String token) {
        String cookie = signInResponse(token).cookie("rbk_console");
        String page = given().spec(anonymous()).cookie("rbk_console", cookie).get("/console").asString();
        return new Session(cookie, csrf(page));
    }

    static String csrf(String page) {
        Matcher matcher = CSRF.matcher(page);
        assertTrue(matcher.find(), "the page carries the session's CSRF value for htmx");
        return matcher.group(1);
    }

    static RequestSpecification anonymous() {
        return DefaultBearer.none();
    }
}
