package io.redisbackup.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The test database on the machine's real PostgreSQL server, created when it is missing. Each service keeps its
 * tables in a schema of its own, which Flyway cleans and migrates when the service starts under test.
 *
 * <p>The server is {@code 127.0.0.1:5432} as user {@code postgres} unless {@code TEST_POSTGRES_HOST},
 * {@code TEST_POSTGRES_PORT}, {@code TEST_POSTGRES_USER} or {@code TEST_POSTGRES_PASSWORD} say otherwise; with
 * {@code -Pcontainers}, a PostgreSQL container ({@link TestServers}).
 */
public class PostgresDatabaseResource implements QuarkusTestResourceLifecycleManager {

    public static final String DATABASE = "redis_backup_test";

    @Override
    public Map<String, String> start() {
        return database(DATABASE);
    }

    /** The settings of a database of this name on the test server, created when it is missing. */
    public static Map<String, String> database(String name) {
        String server;
        String user;
        String password;
        if (TestServers.inContainers()) {
            TestServers.Postgres container = TestServers.postgres();
            server = container.serverUrl();
            user = container.user();
            password = container.password();
        } else {
            server = "jdbc:postgresql://%s:%s/".formatted(env("TEST_POSTGRES_HOST", "127.0.0.1"),
                    env("TEST_POSTGRES_PORT", "5432"));
            user = env("TEST_POSTGRES_USER", "postgres");
            password = env("TEST_POSTGRES_PASSWORD", "");
        }
        createDatabaseIfMissing(server + "postgres", user, password, name);
        return Map.of(
                "quarkus.datasource.jdbc.url", server + name,
                "quarkus.datasource.username", user,
                "quarkus.datasource.password", password);
    }

    /** Like {@link #database}, but dropped and created anew first: nothing of an earlier run is left in it. */
    public static Map<String, String> freshDatabase(String name) {
        Map<String, String> settings = database(name);
        String admin = settings.get("quarkus.datasource.jdbc.url").replaceAll("/[^/]+$", "/postgres");
        try (Connection connection = DriverManager.getConnection(admin, settings.get("quarkus.datasource.username"),
                settings.get("quarkus.datasource.password")); Statement statement = connection.createStatement()) {
            statement.execute("drop database if exists " + name + " with (force)");
            statement.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create a fresh database " + name + ": " + e.getMessage(), e);
        }
        return settings;
    }

    @Override
    public void stop() {
        // the database stays: each run cleans the schemas it migrates
    }

    private static void createDatabaseIfMissing(String url, String user, String password, String database) {
        try (Connection connection = DriverManager.getConnection(url, user, password);
                PreparedStatement exists = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, database);
            if (!exists.executeQuery().next()) {
                try (Statement create = connection.createStatement()) {
                    create.execute("create database " + database);
                }
            }
        } catch (SQLException e) {
            if (!"42P04".equals(e.getSQLState())) { // another test JVM created it just now
                throw new IllegalStateException("Cannot reach PostgreSQL at " + url
                        + " (start it, or run .ci/run which does): " + e.getMessage(), e);
            }
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
