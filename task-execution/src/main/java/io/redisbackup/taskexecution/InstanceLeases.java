package io.redisbackup.taskexecution;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

/**
 * One mutating task per instance at a time, across every worker of every kind: the task holds a PostgreSQL
 * session-level advisory lock keyed by the instance for as long as it runs. The lock belongs to the database
 * session, not to any schema, so no service reads another's tables; and it cannot outlive its holder: when a
 * worker dies, its connection closes and PostgreSQL releases the lock.
 */
public final class InstanceLeases {

    private final DataSource dataSource;

    public InstanceLeases(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The lease on the instance, or empty when another task holds it now. */
    public Optional<Lease> tryAcquire(UUID instanceId) throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            connection.setAutoCommit(true);
            try (PreparedStatement lock = connection.prepareStatement("select pg_try_advisory_lock(?)")) {
                lock.setLong(1, key(instanceId));
                try (ResultSet row = lock.executeQuery()) {
                    row.next();
                    if (row.getBoolean(1)) {
                        return Optional.of(new Lease(connection, instanceId));
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        connection.close();
        return Optional.empty();
    }

    /** The 64-bit lock key of an instance. */
    static long key(UUID instanceId) {
        return instanceId.getMostSignificantBits() ^ instanceId.getLeastSignificantBits();
    }

    /** A held lease; closing it lets the next task on the instance run. */
    public static final class Lease implements AutoCloseable {
        private final Connection connection;
        private final UUID instanceId;

        private Lease(Connection connection, UUID instanceId) {
            this.connection = connection;
            this.instanceId = instanceId;
        }

        public UUID instanceId() {
            return instanceId;
        }

        @Override
        public void close() {
            try (connection; PreparedStatement unlock = connection.prepareStatement("select pg_advisory_unlock(?)")) {
                unlock.setLong(1, key(instanceId));
                unlock.execute();
            } catch (SQLException e) {
                // the session is gone, and its locks with it
            }
        }
    }
}
