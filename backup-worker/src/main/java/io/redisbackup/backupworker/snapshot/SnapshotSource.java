package io.redisbackup.backupworker.snapshot;

/** The instance to snapshot and how to log in to it. */
public record SnapshotSource(String host, int port, String username, String password, boolean tls) {

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
