package io.redisbackup.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalPostgresTest {

    @Test
    void usesTheMachinesServerWhenOneAnswers(@TempDir Path dataDir) throws Exception {
        try (LocalPostgres postgres = LocalPostgres.provide(dataDir, 5432, freePort(), "redis_backup_localstack")) {
            assertFalse(postgres.isEmbedded());
            assertEquals("jdbc:postgresql://127.0.0.1:5432/redis_backup_localstack", postgres.jdbcUrl());
            assertEquals("redis_backup_localstack", currentDatabase(postgres.jdbcUrl()));
        }
    }

    @Test
    void startsARealEmbeddedServerWhenNoneAnswersAndKeepsItsData(@TempDir Path dataDir) throws Exception {
        int nothingThere = freePort();
        int embeddedPort = freePort();
        try (LocalPostgres postgres = LocalPostgres.provide(dataDir, nothingThere, embeddedPort, "redis_backup")) {
            assertTrue(postgres.isEmbedded());
            assertEquals("jdbc:postgresql://127.0.0.1:" + embeddedPort + "/redis_backup", postgres.jdbcUrl());
            try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "")) {
                connection.createStatement().execute("create table kept (v text); insert into kept values ('yes')");
            }
        }
        assertThrows(SQLException.class, () -> currentDatabase("jdbc:postgresql://127.0.0.1:" + embeddedPort + "/redis_backup"),
                "the embedded server is stopped by close()");

        try (LocalPostgres again = LocalPostgres.provide(dataDir, nothingThere, embeddedPort, "redis_backup");
                Connection connection = DriverManager.getConnection(again.jdbcUrl(), "postgres", "")) {
            ResultSet row = connection.createStatement().executeQuery("select v from kept");
            assertTrue(row.next());
            assertEquals("yes", row.getString(1));
        }
    }

    @Test
    void refusesADatabaseNameThatIsNotPlain(@TempDir Path dataDir) {
        assertThrows(IllegalArgumentException.class,
                () -> LocalPostgres.provide(dataDir, 5432, freePort(), "x; drop database postgres"));
    }

    private static String currentDatabase(String url) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, "postgres", "")) {
            ResultSet row = connection.createStatement().executeQuery("select current_database()");
            row.next();
            return row.getString(1);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
