package io.redisbackup.testsupport;

import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.specification.RequestSpecification;

/**
 * REST-assured requests to the API carry a bearer token: the default one set here, unless a request brings its
 * own ({@code given().spec(DefaultBearer.as(token))}); none at all while the default is null.
 */
public final class DefaultBearer {

    private static volatile String token;
    private static boolean installed;

    private DefaultBearer() {
    }

    /** From now on, requests without an Authorization header of their own send this token (none when null). */
    public static synchronized void use(String defaultToken) {
        token = defaultToken;
        if (!installed) {
            RestAssured.filters((request, response, next) -> {
                String current = token;
                if (current != null && !request.getHeaders().hasHeaderWithName("Authorization")) {
                    request.header("Authorization", "Bearer " + current);
                } else if (request.getHeaders().hasHeaderWithName("Authorization")
                        && request.getHeaders().getValue("Authorization").isEmpty()) {
                    request.removeHeader("Authorization");
                }
                return next.next(request, response);
            });
            installed = true;
        }
    }

    /** A request sent with no token at all, whatever the default. */
    public static RequestSpecification none() {
        return new RequestSpecBuilder().addHeader("Authorization", "").build();
    }

    /** A request sent with this token instead of the default one. Build it inside a test: it takes the current port. */
    public static RequestSpecification as(String bearer) {
        return new RequestSpecBuilder().addHeader("Authorization", "Bearer " + bearer).build();
    }
}
