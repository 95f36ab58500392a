package io.redisbackup.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PostgresDatabaseResourceTest {

    @Test
    void providesTheTestDatabaseOnTheRealServer() throws Exception {
        Map<String, String> config = new PostgresDatabaseResource().start();
        // a second start finds the database there and leaves it
        assertEquals(config, new PostgresDatabaseResource().start());

        try (Connection connection = DriverManager.getConnection(config.get("quarkus.datasource.jdbc.url"),
                config.get("quarkus.datasource.username"), config.get("quarkus.datasource.password"))) {
            ResultSet row = connection.createStatement().executeQuery("select current_database(), version()");
            row.next();
            assertEquals(PostgresDatabaseResource.DATABASE, row.getString(1));
            assertTrue(row.getString(2).startsWith("PostgreSQL"), row.getString(2));
        }
    }
}
