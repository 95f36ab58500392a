package io.redisbackup.apigateway;

import static io.restassured.RestAssured.given;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.redisbackup.testsupport.KafkaBrokerResource;
import io.redisbackup.testsupport.PostgresDatabaseResource;
import io.redisbackup.testsupport.RedisServer;
import io.restassured.http.ContentType;

/** What the gateway's tests share: the real servers, a real redis-server per test class, and registering it. */
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresDatabaseResource.class, scope = TestResourceScope.GLOBAL)
abstract class GatewayTest {

    static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    static String register(RedisServer redis, String name) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("name", name, "host", redis.host(), "port", redis.port(), "password", redis.password()))
                .when().post("/api/v1/instances")
                .then().statusCode(201)
                .extract().path("id");
    }
}
