package io.redisbackup.taskexecution;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import io.redisbackup.testsupport.PostgresDatabaseResource;

/** Against the real PostgreSQL server: two "workers" are two separate sessions. */
class InstanceLeasesTest {

    private final InstanceLeases worker = new InstanceLeases(new Sessions());
    private final InstanceLeases otherWorker = new InstanceLeases(new Sessions());
    private final UUID instance = UUID.randomUUID();

    @Test
    void letsOneTaskAtATimeChangeAnInstance() throws SQLException {
        try (InstanceLeases.Lease held = worker.tryAcquire(instance).orElseThrow()) {
            assertTrue(otherWorker.tryAcquire(instance).isEmpty(), "a second task waits");
            try (InstanceLeases.Lease unrelated = otherWorker.tryAcquire(UUID.randomUUID()).orElseThrow()) {
                assertTrue(unrelated != null, "another instance is free");
            }
        }
        Optional<InstanceLeases.Lease> next = otherWorker.tryAcquire(instance);
        assertTrue(next.isPresent(), "free again once released");
        next.get().close();
    }

    @Test
    void aDeadWorkersLeaseEndsWithItsSession() throws SQLException {
        Sessions sessions = new Sessions();
        InstanceLeases doomed = new InstanceLeases(sessions);
        doomed.tryAcquire(instance).orElseThrow();
        assertFalse(otherWorker.tryAcquire(instance).isPresent());

        sessions.last.close(); // the worker's process ends: its connection is closed under the lease

        Optional<InstanceLeases.Lease> after = otherWorker.tryAcquire(instance);
        assertTrue(after.isPresent());
        after.get().close();
    }

    /** Plain new connections to the test database, one per call, like a pool that never reuses. */
    private static final class Sessions implements DataSource {
        private final Map<String, String> config = PostgresDatabaseResource.database(PostgresDatabaseResource.DATABASE);
        Connection last;

        @Override
        public Connection getConnection() throws SQLException {
            last = DriverManager.getConnection(config.get("quarkus.datasource.jdbc.url"),
                    config.get("quarkus.datasource.username"), config.get("quarkus.datasource.password"));
            return last;
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) {
            return null;
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
