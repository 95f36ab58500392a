package io.redisbackup.contracts;

import java.util.List;

/**
 * How to reach a Redis Cluster: the nodes to ask for its topology ({@code host:port}, at least one), and which node
 * of each shard a backup takes that shard's snapshot from. The topology itself (masters, replicas, slots) is asked
 * for again before every task: it changes without the platform being told.
 */
public record ClusterSeeds(List<String> nodes, SnapshotSource source) {

    /** Which node of a shard its snapshot comes from. */
    public enum SnapshotSource {
        /** The master. */
        MASTER,
        /** A replica that is up, to spare the master the fork; the master when it has none. */
        REPLICA_PREFERRED
    }

    public ClusterSeeds {
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a cluster needs at least one seed node");
        }
        source = source == null ? SnapshotSource.MASTER : source;
    }

    /** The seeds as a service's table keeps them: {@code host:port} separated by commas. */
    public String nodesText() {
        return String.join(",", nodes);
    }

    /** Seeds kept as {@link #nodesText}; null (a single server) when there are none. */
    public static ClusterSeeds stored(String nodesText, String source) {
        if (nodesText == null || nodesText.isBlank()) {
            return null;
        }
        return new ClusterSeeds(List.of(nodesText.split(",")), source == null ? null : SnapshotSource.valueOf(source));
    }
}
