package io.redisbackup.apigateway.service;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.quarkus.panache.common.Sort;
import io.redisbackup.apigateway.Backup;
import io.redisbackup.apigateway.BackupStatus;
import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.instanceclient.cluster.HashSlots;
import io.redisbackup.backupstore.keyindex.DamagedBackupException;
import io.redisbackup.backupstore.keyindex.IndexEntry;
import io.redisbackup.backupstore.keyindex.KeyIndexReader;
import io.redisbackup.backupstore.keyindex.RdbEntries;
import io.redisbackup.backupstore.keyindex.RdbTypes;
import io.redisbackup.contracts.KeyList;
import io.redisbackup.contracts.TaskError;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * One key through an instance's backups, newest first: in each, whether it held the key, and in which databases,
 * with its type, size, TTL when the backup was taken, and a checksum of its value, so that a user sees in which
 * backup the key last had the value they want. Each backup costs one key index lookup and one read of the key's own
 * bytes; backups are read side by side.
 */
@ApplicationScoped
public class KeyHistory {

    /** How many backups are read at once. */
    private static final int READERS = 4;
    /** How the problem of a backup found damaged begins. */
    private static final String DAMAGED = "The backup is damaged and is now marked CORRUPT: ";

    /** The key in one database of one backup. */
    public record Entry(int database, String type, long sizeBytes, Long ttlAtBackupMs, Instant expiresAt,
            String valueSha256) {
    }

    /**
     * The key in one backup: {@code present} false when the backup does not hold it; {@code problem} says why the
     * backup could not be read (then {@code present} is null).
     */
    public record InBackup(UUID backupId, String backupType, Instant takenAt, Boolean present, List<Entry> entries,
            String problem) {
    }

    public record History(UUID instanceId, String key, String keyBase64, List<InBackup> backups) {
    }

    private final BackupStore store;
    private final InstanceService instances;
    private final BackupService backups;
    private final ExecutorService readers = Executors.newFixedThreadPool(READERS, runnable -> {
        Thread thread = new Thread(runnable, "key-history");
        thread.setDaemon(true);
        return thread;
    });

    public KeyHistory(BackupStore store, InstanceService instances, BackupService backups) {
        this.store = store;
        this.instances = instances;
        this.backups = backups;
    }

    /** The key through the instance's newest {@code limit} backups that succeeded, newest first. */
    public History of(UUID instanceId, byte[] key, int limit) {
        instances.find(instanceId);
        List<Backup> found = Backup.<Backup>find("instanceId = ?1 and status = ?2",
                Sort.descending("createdAt"), instanceId, BackupStatus.SUCCEEDED).page(0, limit).list();
        List<Future<InBackup>> reads = new ArrayList<>(found.size());
        for (Backup backup : found) {
            Instant takenAt = backup.startedAt != null ? backup.startedAt : backup.createdAt;
            String type = backup.type.name();
            reads.add(readers.submit(() -> inBackup(backup.instanceId, backup.id, type, takenAt, key)));
        }
        List<InBackup> history = new ArrayList<>(reads.size());
        for (Future<InBackup> read : reads) {
            history.add(await(read));
        }
        history.stream().filter(row -> row.problem() != null && row.problem().startsWith(DAMAGED))
                .forEach(row -> backups.markCorrupt(row.backupId(), new TaskError(TaskError.BACKUP_CHECKSUM_MISMATCH,
                        row.problem().substring(DAMAGED.length()))));
        return new History(instanceId, KeyList.format(key), Base64.getEncoder().encodeToString(key), history);
    }

    private InBackup inBackup(UUID instanceId, UUID backupId, String type, Instant takenAt, byte[] key) {
        try {
            Manifest manifest = store.manifest(instanceId, backupId).orElse(null);
            if (manifest == null) {
                return new InBackup(backupId, type, takenAt, null, List.of(), "The backup is not in storage.");
            }
            int slot = HashSlots.of(key); // a cluster backup holds the key in its slot's shard
            List<IndexEntry> found;
            try (KeyIndexReader index = store.openKeyIndex(manifest, manifest.indexFileFor(slot))) {
                found = index.find(key);
            }
            if (found.isEmpty()) {
                return new InBackup(backupId, type, manifest.startedAt(), false, List.of(), null);
            }
            List<Entry> entries = new ArrayList<>(found.size());
            try (SeekableByteChannel rdb = store.openChannel(manifest, manifest.rdbFileFor(slot))) {
                // a key too large to hold is read through, digested as it goes
                List<byte[]> stored = RdbEntries.readAll(rdb,
                        found.stream().filter(e -> !RdbEntries.isLarge(e)).toList());
                int held = 0;
                for (IndexEntry entry : found) {
                    MessageDigest sha256 = sha256();
                    if (RdbEntries.isLarge(entry)) {
                        RdbEntries.Large large = RdbEntries.check(rdb, entry, manifest.rdbVersionFor(slot));
                        if (!RdbEntries.writeValue(rdb, large, new DigestOutputStream(OutputStream.nullOutputStream(),
                                sha256))) {
                            throw new DamagedBackupException("A key's data in the backup changed between two reads "
                                    + "of it");
                        }
                    } else {
                        byte[] payload = RdbEntries.dumpPayload(stored.get(held++), manifest.rdbVersionFor(slot));
                        sha256.update(payload, 0, payload.length - 10); // the DUMP trailer: RDB version and CRC64
                    }
                    entries.add(entry(entry, sha256, manifest));
                }
            }
            return new InBackup(backupId, type, manifest.startedAt(), true, entries, null);
        } catch (DamagedBackupException e) {
            return new InBackup(backupId, type, takenAt, null, List.of(), DAMAGED + e.getMessage());
        } catch (IOException | RuntimeException e) {
            return new InBackup(backupId, type, takenAt, null, List.of(), "The backup cannot be read: "
                    + e.getMessage());
        }
    }

    /**
     * The key's entry in one database; the checksum ({@code sha256}, fed) is of its type and value as stored, without
     * key or expiry.
     */
    private static Entry entry(IndexEntry entry, MessageDigest sha256, Manifest manifest) {
        boolean expires = entry.expireAtMs() >= 0;
        return new Entry(entry.db(), RdbTypes.name(entry.type()), entry.length(),
                expires ? Math.max(0, entry.expireAtMs() - manifest.startedAt().toEpochMilli()) : null,
                expires ? Instant.ofEpochMilli(entry.expireAtMs()) : null, HexFormat.of().formatHex(sha256.digest()));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InBackup await(Future<InBackup> read) {
        try {
            return read.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading backups", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @PreDestroy
    void stop() {
        readers.shutdownNow();
    }
}
