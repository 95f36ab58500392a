package io.redisbackup.testsupport;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * What every service must do against the real servers: be ready only with Kafka and its database reachable,
 * migrate its own schema with Flyway, and publish its API description and metrics. A service's test extends
 * this with {@code @QuarkusTest} and the global Kafka and PostgreSQL resources.
 *
 * <p>Why a test class is in {@code src/main}: test-support is itself a test library, and its main artifact is what
 * every service's tests depend on (with test scope). Under {@code src/test} this class would reach them only through
 * a test-jar, a second artifact to build and resolve for one abstract class.
 */
public abstract class ServiceFoundationTest {

    /** The PostgreSQL schema the service owns. */
    protected abstract String ownSchema();

    @Test
    void isReadyWithKafkaAndItsDatabaseReachable() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("Kafka connection health check", "Database connections health check"));
    }

    @Test
    void migratedItsOwnSchemaWithFlyway() throws SQLException {
        Config config = ConfigProvider.getConfig();
        try (Connection connection = DriverManager.getConnection(
                config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
                PreparedStatement history = connection.prepareStatement(
                        "select count(*), bool_and(success) from " + ownSchema() + ".flyway_schema_history"
                                + " where version is not null")) {
            ResultSet row = history.executeQuery();
            row.next();
            assertTrue(row.getInt(1) > 0, "no migration recorded in schema " + ownSchema());
            assertEquals(true, row.getBoolean(2), "a failed migration in schema " + ownSchema());
        }
    }

    @Test
    void describesItsApiWithOpenApi() {
        given().accept("application/json").when().get("/q/openapi")
                .then().statusCode(200)
                .body("openapi", containsString("3."));
    }

    @Test
    void exposesPrometheusMetrics() {
        given().when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("jvm_memory_used_bytes"));
    }
}
