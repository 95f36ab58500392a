package io.redisbackup.apigateway.service;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.redisbackup.apigateway.Backup;
import io.redisbackup.apigateway.Instance;
import io.redisbackup.apigateway.config.GatewayConfig;
import io.redisbackup.apigateway.redis.RedisProbe;
import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.keyindex.KeySelection;
import io.redisbackup.instanceclient.cluster.HashSlots;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.keyindex.DamagedBackupException;
import io.redisbackup.backupstore.keyindex.IndexEntry;
import io.redisbackup.backupstore.keyindex.KeyIndexReader;
import io.redisbackup.backupstore.keyindex.RdbTypes;
import io.redisbackup.backupstore.sealed.UnknownBackupKeyException;
import io.redisbackup.contracts.KeyList;
import io.redisbackup.contracts.TaskError;
import io.redisbackup.instanceclient.RedisVersions;
import io.redisbackup.restproblems.ApiProblem;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What a recovery would do, found without doing it: the backup's key index read from storage, and the target asked
 * {@code INFO} and nothing else. A KEYS plan names every key selected (found or not, database, type, size, TTL at the
 * backup, expired since) and counts what the recovery would restore; an INSTANCE plan counts keys and bytes per
 * database and weighs the dataset against the target (its Redis version, its memory limit, the machine's memory).
 * Also what a KEYS recovery by pattern is counted with when it is asked for, against the platform's limit.
 */
@ApplicationScoped
public class RecoveryPlans {

    private static final Logger LOG = Logger.getLogger(RecoveryPlans.class);

    /** The most keys a KEYS plan names one by one; its totals count them all. */
    static final int LISTED = 1000;

    private final BackupStore store;
    private final InstanceService instances;
    private final RecoveryService recoveries;
    private final BackupService backups;
    private final RedisProbe probe;
    private final Clock clock;
    private final int maxKeys;

    public RecoveryPlans(BackupStore store, InstanceService instances, RecoveryService recoveries,
            BackupService backups, RedisProbe probe, GatewayConfig config, Clock clock) {
        this.store = store;
        this.instances = instances;
        this.recoveries = recoveries;
        this.backups = backups;
        this.probe = probe;
        this.clock = clock;
        this.maxKeys = config.recoveryMaxKeys();
    }

    /** One key of a KEYS plan in one database, or a named key the backup does not hold ({@code found} false). */
    public record KeyRow(String key, String keyBase64, boolean found, Integer database, String type, Long sizeBytes,
            Long ttlAtBackupMs, Instant expiresAt, Boolean expired) {
    }

    /** What a KEYS recovery would do; {@code keys} names at most {@value #LISTED} rows ({@code listCut} then). */
    public record KeysPlan(String mode, UUID backupId, UUID targetInstanceId, Instant backupStartedAt,
            long keysSelected, long keysToRestore, long keysNotInBackup, long keysExpired, long bytesToRestore,
            int maxKeys, boolean overLimit, List<KeyRow> keys, boolean listCut) {
    }

    /** The keys and bytes of one database of the backup, and its keys whose expiry has passed since. */
    public record DatabaseRow(int database, long keys, long bytes, long keysExpired) {
    }

    /** The target as its {@code INFO} describes it; {@code problem} says why it could not be asked. */
    public record TargetFacts(boolean reachable, String problem, String redisVersion, Boolean canLoadBackup,
            Long maxmemory, Long usedMemory, Long datasetMemory, Long systemMemory) {
    }

    /**
     * What an INSTANCE recovery would do. {@code memoryNeeded} is what the dataset took in the source when the backup
     * was taken ({@code SOURCE_DATASET_MEMORY}), or, for a backup that did not record it, the RDB's size
     * ({@code RDB_SIZE_AT_LEAST}: a dataset takes at least that). {@code problems} is empty when nothing stands in
     * the recovery's way.
     */
    public record InstancePlan(String mode, UUID backupId, UUID targetInstanceId, Instant backupStartedAt,
            int rdbVersion, String sourceRedisVersion, long keys, long bytes, long keysExpired,
            List<DatabaseRow> databases, long memoryNeeded, String memoryBasis, TargetFacts target,
            List<String> problems) {
    }

    /** The plan of recovering {@code wanted} of the backup into the target. */
    public KeysPlan keys(UUID instanceId, UUID backupId, UUID targetId, KeysWanted wanted) {
        instances.find(targetId);
        Manifest manifest = manifest(instanceId, backupId);
        long now = clock.millis();
        KeysCount count = new KeysCount(now);
        List<KeyRow> rows = new ArrayList<>();
        select(backupId, manifest, wanted.selection(), key -> {
            count.notInBackup++;
            if (rows.size() < LISTED) {
                rows.add(new KeyRow(KeyList.format(key), Base64.getEncoder().encodeToString(key), false, null, null,
                        null, null, null, null));
            }
        }, (key, entries) -> {
            count.add(entries);
            for (IndexEntry entry : entries) {
                if (rows.size() < LISTED) {
                    rows.add(row(key, entry, manifest.startedAt(), now));
                }
            }
            return true;
        });
        LOG.infof("Dry run of a KEYS recovery of instance %s from backup %s: %d keys selected", targetId, backupId,
                count.selected);
        return new KeysPlan("KEYS", backupId, targetId, manifest.startedAt(), count.selected, count.toRestore,
                count.notInBackup, count.expired, count.bytes, maxKeys, count.selected > maxKeys, rows,
                count.rows + count.notInBackup > rows.size());
    }

    /**
     * Refuses, with the count, a KEYS recovery whose patterns select more keys than the platform allows; named keys
     * alone are bounded by the request's own limit.
     */
    public void checkSize(UUID instanceId, UUID backupId, KeysWanted wanted) {
        if (wanted.patterns().isEmpty()) {
            return;
        }
        Manifest manifest = manifest(instanceId, backupId);
        KeysCount count = new KeysCount(clock.millis());
        select(backupId, manifest, wanted.selection(), key -> { }, (key, entries) -> {
            count.add(entries);
            return true;
        });
        if (count.selected > maxKeys) {
            throw new ApiProblem(422, "TOO_MANY_KEYS", "Too many keys", "The keys and patterns select "
                    + count.selected + " keys of the backup; at most " + maxKeys + " in one recovery "
                    + "(gateway.recovery-max-keys). Nothing was done; narrow the patterns, or name databases.");
        }
    }

    /** The plan of replacing the target's dataset with the backup's. */
    public InstancePlan instance(UUID instanceId, UUID backupId, UUID targetId) {
        Instance target = instances.find(targetId);
        Manifest manifest = manifest(instanceId, backupId);
        long now = clock.millis();
        Map<Integer, long[]> perDatabase = new TreeMap<>(); // keys, bytes, expired
        read(backupId, manifest, index -> index.scan(new byte[0], (bytes, offset, length) -> true, entry -> {
            long[] sums = perDatabase.computeIfAbsent(entry.db(), db -> new long[3]);
            sums[0]++;
            sums[1] += entry.length();
            sums[2] += entry.expiredAt(now) ? 1 : 0;
            return true;
        }));
        List<DatabaseRow> databases = perDatabase.entrySet().stream().map(e -> new DatabaseRow(e.getKey(),
                e.getValue()[0], e.getValue()[1], e.getValue()[2])).toList();
        long rdbBytes = manifest.rdbBytes();
        long needed = manifest.datasetMemoryBytes() != null ? manifest.datasetMemoryBytes() : rdbBytes;
        String basis = manifest.datasetMemoryBytes() != null ? "SOURCE_DATASET_MEMORY" : "RDB_SIZE_AT_LEAST";
        List<String> problems = new ArrayList<>();
        TargetFacts facts = targetFacts(target, manifest, needed, problems);
        LOG.infof("Dry run of an INSTANCE recovery of instance %s from backup %s: %d problems", targetId, backupId,
                problems.size());
        return new InstancePlan("INSTANCE", backupId, targetId, manifest.startedAt(), manifest.rdbVersion(),
                manifest.redisVersion(), databases.stream().mapToLong(DatabaseRow::keys).sum(),
                databases.stream().mapToLong(DatabaseRow::bytes).sum(),
                databases.stream().mapToLong(DatabaseRow::keysExpired).sum(), databases, needed, basis, facts,
                problems);
    }

    /**
     * The target's facts, and what in them stands in the recovery's way. Its dataset is replaced, so what it keeps
     * is what it uses besides its dataset.
     */
    private TargetFacts targetFacts(Instance target, Manifest manifest, long needed, List<String> problems) {
        RedisProbe.MemoryFacts facts;
        try {
            facts = target.cluster() != null
                    ? probe.clusterMemoryFacts(target.cluster().nodes(), target.username,
                            instances.storedPassword(target), target.tls)
                    : probe.memoryFacts(target.host, target.port, target.username, instances.storedPassword(target),
                            target.tls);
        } catch (RedisProbe.ProbeFailure | ApiProblem e) {
            problems.add("The target cannot be asked: " + e.getMessage());
            return new TargetFacts(false, e.getMessage(), null, null, null, null, null, null);
        }
        boolean canLoad = RedisVersions.maxRdbVersion(facts.redisVersion()) >= manifest.rdbVersion();
        if (!canLoad) {
            problems.add("The target runs Redis " + facts.redisVersion() + ", which cannot load this backup (RDB "
                    + "version " + manifest.rdbVersion() + ", from Redis " + manifest.redisVersion() + ").");
        }
        if (target.cluster() != null && manifest.keysPerDatabase().entrySet().stream()
                .anyMatch(e -> e.getKey() != 0 && e.getValue() > 0)) {
            problems.add("The backup holds keys in databases other than 0, and the target is a cluster, which has "
                    + "database 0 only.");
        }
        long kept = Math.max(0, facts.usedMemory() - facts.datasetMemory());
        if (facts.maxmemory() > 0 && kept + needed > facts.maxmemory()) {
            problems.add("The dataset needs about " + mib(needed) + " MiB and the target keeps " + mib(kept)
                    + " MiB besides it, more than its maxmemory of " + mib(facts.maxmemory()) + " MiB.");
        }
        if (facts.systemMemory() > 0 && kept + needed > facts.systemMemory()) {
            problems.add("The dataset needs about " + mib(needed) + " MiB, more than the target's machine has ("
                    + mib(facts.systemMemory()) + " MiB).");
        }
        return new TargetFacts(true, null, facts.redisVersion(), canLoad, facts.maxmemory(), facts.usedMemory(),
                facts.datasetMemory(), facts.systemMemory());
    }

    private static long mib(long bytes) {
        return Math.ceilDiv(bytes, 1 << 20);
    }

    private static KeyRow row(byte[] key, IndexEntry entry, Instant backupStarted, long now) {
        boolean expires = entry.expireAtMs() >= 0;
        return new KeyRow(KeyList.format(key), Base64.getEncoder().encodeToString(key), true, entry.db(),
                RdbTypes.name(entry.type()), entry.length(),
                expires ? Math.max(0, entry.expireAtMs() - backupStarted.toEpochMilli()) : null,
                expires ? Instant.ofEpochMilli(entry.expireAtMs()) : null, entry.expiredAt(now));
    }

    /** The selection's counts as the recovery would report them. */
    private static final class KeysCount {
        private final long now;
        long selected;
        long toRestore;
        long notInBackup;
        long expired;
        long bytes;
        /** The rows the keys selected take: one per database that holds each. */
        long rows;

        KeysCount(long now) {
            this.now = now;
        }

        void add(List<IndexEntry> entries) {
            selected++;
            rows += entries.size();
            List<IndexEntry> live = entries.stream().filter(entry -> !entry.expiredAt(now)).toList();
            if (live.isEmpty()) {
                expired++;
            } else {
                toRestore++;
                bytes += live.stream().mapToLong(IndexEntry::length).sum();
            }
        }
    }

    @FunctionalInterface
    private interface IndexRead {
        void read(KeyIndexReader index) throws IOException;
    }

    /** The backup's manifest, for a recovery of the instance from it. */
    private Manifest manifest(UUID instanceId, UUID backupId) {
        Backup backup = recoveries.recoverable(instanceId, backupId);
        try {
            return store.manifest(backup.instanceId, backup.id).orElseThrow(() -> ApiProblem.conflict(
                    "BACKUP_NOT_AVAILABLE", "Backup " + backupId + " is not in storage."));
        } catch (DamagedBackupException e) {
            throw damaged(backupId, e);
        } catch (IOException e) {
            throw storageError(e);
        }
    }

    /**
     * Finds the selection's keys: in a cluster backup, each key named in its own slot's shard only, patterns in
     * every shard.
     */
    private void select(UUID backupId, Manifest manifest, KeySelection selection,
            java.util.function.Consumer<byte[]> notInBackup, KeySelection.KeyVisitor visitor) {
        for (KeySelection.InPart part : selection.byPart(manifest, HashSlots::of)) {
            read(backupId, manifest, List.of(part.part().indexFile()), index -> part.selection().select(index,
                    notInBackup, visitor));
        }
    }

    /**
     * Reads the backup's key index (a cluster backup's, every shard's in turn); damage found marks the backup
     * CORRUPT, as any reader's finding does.
     */
    private void read(UUID backupId, Manifest manifest, IndexRead read) {
        read(backupId, manifest, manifest.indexFiles(), read);
    }

    private void read(UUID backupId, Manifest manifest, List<String> indexFiles, IndexRead read) {
        try {
            for (String file : indexFiles) {
                try (KeyIndexReader index = store.openKeyIndex(manifest, file)) {
                    read.read(index);
                }
            }
        } catch (UnknownBackupKeyException e) {
            throw ApiProblem.conflict("BACKUP_KEY_UNKNOWN", "Backup " + backupId + " is sealed with key '"
                    + e.keyId() + "', which the gateway does not have (backup-store.encryption.keys).");
        } catch (DamagedBackupException e) {
            throw damaged(backupId, e);
        } catch (IOException e) {
            throw storageError(e);
        }
    }

    private ApiProblem damaged(UUID backupId, DamagedBackupException e) {
        backups.markCorrupt(backupId, new TaskError(TaskError.BACKUP_CHECKSUM_MISMATCH, e.getMessage()));
        return ApiProblem.conflict(TaskError.BACKUP_CHECKSUM_MISMATCH, "Backup " + backupId
                + " is damaged and is now marked CORRUPT: " + e.getMessage());
    }

    private static ApiProblem storageError(IOException e) {
        return new ApiProblem(503, "STORAGE_ERROR", "Backup storage unavailable",
                "Cannot read the backup: " + e.getMessage());
    }
}
