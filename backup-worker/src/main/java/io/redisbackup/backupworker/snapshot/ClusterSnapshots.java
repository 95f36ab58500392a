package io.redisbackup.backupworker.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

import org.jboss.logging.Logger;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.StagedBackup;
import io.redisbackup.contracts.ClusterSeeds;
import io.redisbackup.contracts.SourceCare;
import io.redisbackup.instanceclient.InstanceClient;
import io.redisbackup.instanceclient.InstanceEndpoint;
import io.redisbackup.instanceclient.InstanceFailure;
import io.redisbackup.instanceclient.cluster.ClusterDiscovery;
import io.redisbackup.instanceclient.cluster.ClusterTopology;

/**
 * Takes a snapshot of every shard of a Redis Cluster at once, each into its own RDB and key index of one staged
 * backup ({@link BackupStore#shardRdb}): the topology is asked for first, and must be steady (every slot served by a
 * master that is up, none being moved); each shard's snapshot comes from its master, or from a replica that is in
 * sync with it when {@link ClusterSeeds.SnapshotSource#REPLICA_PREFERRED}; when they have all arrived the topology
 * is asked for again, and a slot that changed masters meanwhile fails the backup: its shards would not be of one
 * slot map. A shard that fails stops the others at their next piece. Knows nothing of Kafka or tasks.
 */
public final class ClusterSnapshots {

    private static final Logger LOG = Logger.getLogger(ClusterSnapshots.class);

    private final SnapshotTaker taker;
    private final Clock clock;

    public ClusterSnapshots(SnapshotTaker taker, Clock clock) {
        this.taker = taker;
        this.clock = clock;
    }

    /** One shard's snapshot: the shard as the topology gave it, where and when it was taken, and what arrived. */
    public record ShardSnapshot(int index, ClusterTopology.Shard shard, ClusterTopology.Node takenFrom,
            boolean fromReplica, Instant snapshotAt, Snapshot snapshot) {
    }

    /**
     * @param cluster how to log into every node
     * @param progress told the bytes received so far of all shards together
     */
    public List<ShardSnapshot> take(InstanceEndpoint cluster, ClusterSeeds seeds, SourceCare care,
            StagedBackup staged, LongConsumer progress) throws SnapshotFailure {
        ClusterTopology before = topology(cluster, seeds);
        if (!before.steady()) {
            throw new SnapshotFailure(SnapshotFailure.CLUSTER_UNSTEADY, "The cluster is not steady: "
                    + before.unsteadiness() + ". A backup needs every slot served by a master that is up and none "
                    + "being moved; nothing was taken.");
        }
        List<ClusterTopology.Shard> shards = before.shards();
        List<OutputStream[]> outputs = new ArrayList<>();
        try {
            for (int i = 0; i < shards.size(); i++) {
                // the RDBs arrive together; each key index is written after its RDB's last byte, the forks gone
                outputs.add(new OutputStream[] { staged.create(BackupStore.shardRdb(i), shards.size()),
                        staged.create(BackupStore.shardIndex(i)) });
            }
        } catch (IOException e) {
            closeQuietly(outputs);
            throw new SnapshotFailure(SnapshotFailure.STORAGE, "Cannot store the backup: " + e.getMessage(), e);
        }
        AtomicLongArray received = new AtomicLongArray(shards.size());
        AtomicReference<String> stop = new AtomicReference<>();
        List<Future<ShardSnapshot>> running = new ArrayList<>();
        try (ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name("shard-", 0)
                .factory())) {
            for (int i = 0; i < shards.size(); i++) {
                int index = i;
                running.add(threads.submit(() -> shard(cluster, seeds.source(), care, index, shards,
                        outputs.get(index), bytes -> {
                            if (stop.get() != null) {
                                throw new IllegalStateException(stop.get());
                            }
                            received.set(index, bytes);
                            synchronized (progress) {
                                progress.accept(total(received));
                            }
                        })));
            }
            List<ShardSnapshot> taken = new ArrayList<>();
            SnapshotFailure first = null;
            for (Future<ShardSnapshot> shard : running) {
                try {
                    taken.add(shard.get());
                } catch (ExecutionException e) {
                    SnapshotFailure failure = e.getCause() instanceof SnapshotFailure f ? f
                            : new SnapshotFailure(SnapshotFailure.TRANSFER_FAILED, String.valueOf(e.getCause()),
                                    e.getCause());
                    if (first == null) {
                        first = failure;
                        stop.set("another shard's snapshot failed");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stop.set("the backup was interrupted");
                    throw new SnapshotFailure(SnapshotFailure.TRANSFER_FAILED, "The backup was interrupted", e);
                }
            }
            if (first != null) {
                throw first;
            }
            ClusterTopology after = topology(cluster, seeds);
            if (!after.slotMap().equals(before.slotMap())) {
                throw new SnapshotFailure(SnapshotFailure.TOPOLOGY_CHANGED, "The cluster's slots moved between its "
                        + "masters while the shards' snapshots were taken (" + describe(before) + " before, "
                        + describe(after) + " after): they would not be one backup of one cluster. Nothing was "
                        + "kept; the next backup will take the new topology.");
            }
            return taken;
        }
    }

    private ShardSnapshot shard(InstanceEndpoint cluster, ClusterSeeds.SnapshotSource source, SourceCare care,
            int index, List<ClusterTopology.Shard> shards, OutputStream[] outputs, LongConsumer progress)
            throws SnapshotFailure {
        ClusterTopology.Shard shard = shards.get(index);
        ClusterTopology.Node from = source == ClusterSeeds.SnapshotSource.REPLICA_PREFERRED
                ? replicaInSync(cluster, shard) : null;
        ClusterTopology.Node node = from == null ? shard.master() : from;
        Instant at = clock.instant();
        try (OutputStream rdb = outputs[0]; OutputStream keys = outputs[1]) {
            Snapshot snapshot = taker.takeShard(ClusterDiscovery.node(cluster, node), shards.size(), care, rdb, keys,
                    progress, 0);
            LOG.infof("Shard %d (%d slots) taken from %s%s: %d keys, %d bytes", index, shard.slotCount(), node,
                    from == null ? "" : ", a replica", snapshot.keyCount(), snapshot.rdbBytes());
            return new ShardSnapshot(index, shard, node, from != null, at, snapshot);
        } catch (IOException e) {
            throw new SnapshotFailure(SnapshotFailure.STORAGE, "Cannot store shard " + index + "'s snapshot: "
                    + e.getMessage(), e);
        }
    }

    /** The first replica of the shard that is up and in sync with its master; null when none is. */
    private ClusterTopology.Node replicaInSync(InstanceEndpoint cluster, ClusterTopology.Shard shard) {
        for (ClusterTopology.Node replica : shard.replicas()) {
            try (InstanceClient client = InstanceClient.connect(ClusterDiscovery.node(cluster, replica),
                    taker.timeout())) {
                Map<String, String> replication = client.info("replication");
                if ("up".equals(replication.get("master_link_status"))
                        && !"1".equals(replication.get("master_sync_in_progress"))) {
                    return replica;
                }
                LOG.infof("Replica %s of %s is not in sync (master_link_status:%s); not taken", replica,
                        shard.master(), replication.get("master_link_status"));
            } catch (InstanceFailure e) {
                LOG.infof("Replica %s of %s cannot be used: %s", replica, shard.master(), e.getMessage());
            }
        }
        return null;
    }

    private ClusterTopology topology(InstanceEndpoint cluster, ClusterSeeds seeds) throws SnapshotFailure {
        try {
            return ClusterDiscovery.discover(cluster, seeds.nodes(), taker.timeout(),
                    taker.networks());
        } catch (InstanceFailure e) {
            throw SnapshotTaker.failure(e);
        }
    }

    private static String describe(ClusterTopology topology) {
        return topology.shards().size() + " masters: " + topology.shards().stream()
                .map(s -> s.master() + " " + s.slots().stream().map(r -> r.first() == r.last() ? "" + r.first()
                        : r.first() + "-" + r.last()).toList()).toList();
    }

    private static long total(AtomicLongArray received) {
        long sum = 0;
        for (int i = 0; i < received.length(); i++) {
            sum += received.get(i);
        }
        return sum;
    }

    private static void closeQuietly(List<OutputStream[]> outputs) {
        for (OutputStream[] pair : outputs) {
            for (OutputStream out : pair) {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // the staged backup is discarded: nothing of it is kept
                }
            }
        }
    }
}
