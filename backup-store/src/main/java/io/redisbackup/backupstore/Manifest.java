package io.redisbackup.backupstore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.redisbackup.backupstore.keyindex.DamagedBackupException;

/**
 * What a backup holds, written last: its files with their sizes, SHA-256 and CRC32C, how many keys per database, the
 * source's Redis and RDB versions, the RDB's own CRC64 as the server computed it, and how the files are stored.
 * Format 1 (before compression and encryption) has no {@code sealing}: its files are stored plain; format 2 names
 * one when its files are framed ({@link Sealing}). Sizes and checksums are always those of the plain files.
 * {@code datasetMemoryBytes} is the memory the dataset took in the source ({@code INFO used_memory_dataset}) when the
 * backup was taken, null in manifests written before it was recorded.
 * <p>A backup of a Redis Cluster (format 3, which a service of the release before refuses rather than misreads)
 * has {@code shards}: one RDB and one key index a shard ({@link BackupStore#shardRdb}), each shard's slots, where
 * and when its snapshot was taken. Then {@code keyCount} and {@code keysPerDatabase} count every shard,
 * {@code redisVersion} and {@code rdbVersion} are the newest of them and {@code rdbCrc64} is null (each shard has
 * its own).
 * <p>{@code objectBytes}: where the store keeps each file as objects of this many bytes each (object storage:
 * {@code dump.rdb.000000}, {@code dump.rdb.000001}, ..., the last one shorter), their size; null where each file is
 * one object or one file, as every store kept them before.
 */
public record Manifest(int formatVersion, UUID instanceId, UUID backupId, Instant startedAt, Instant finishedAt,
        String redisVersion, int rdbVersion, String rdbCrc64, long keyCount, Map<Integer, Long> keysPerDatabase,
        List<FileEntry> files, Sealing sealing, Long datasetMemoryBytes, List<Shard> shards, Long objectBytes) {

    public static final int FORMAT_VERSION = 2;
    /** The format of a cluster backup: {@link #FORMAT_VERSION}'s, with {@code shards}. */
    public static final int CLUSTER_FORMAT_VERSION = 3;
    public static final String FILE_NAME = "manifest.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    /**
     * One file of the backup.
     * @param sha256 hex; the checksum the API shows, for anyone who wants to check a copy with {@code sha256sum}
     * @param crc32c hex, 8 digits; what a recovery checks the file against before it changes anything (four times
     *        faster to compute than the SHA-256); null in manifests written before it was recorded
     * @param storedBytes the framed (compressed, encrypted) file's size; null when it is stored plain
     * @param storedCrc32c hex, 8 digits: the CRC32C of the framed file as stored, what a whole-instance recovery
     *        checks before it changes anything (no frame need be opened for that); null when it is stored plain,
     *        or was stored before it was recorded
     */
    public record FileEntry(String name, long sizeBytes, String sha256, String crc32c, Long storedBytes,
            String storedCrc32c) {

        /** A plain file's entry, before it is stored. */
        public FileEntry(String name, long sizeBytes, String sha256, String crc32c) {
            this(name, sizeBytes, sha256, crc32c, null, null);
        }

        /** What the file takes in the store: its framed size, or its size when stored plain. */
        public long storedSize() {
            return storedBytes == null ? sizeBytes : storedBytes;
        }
    }

    /**
     * One shard of a cluster backup.
     * @param slots the slots its master served when the snapshot was taken: {@code "0-5460"}, {@code "5461"}
     * @param takenFrom {@code host:port} of the node the snapshot came from
     * @param fromReplica whether that node was one of the master's replicas
     * @param snapshotAt when the node began the snapshot (the point in time the shard's data is of)
     */
    public record Shard(int index, List<String> slots, String nodeId, String takenFrom, boolean fromReplica,
            Instant snapshotAt, String redisVersion, int rdbVersion, String rdbCrc64, long keyCount,
            Map<Integer, Long> keysPerDatabase) {

        public String rdbFile() {
            return BackupStore.shardRdb(index);
        }

        public String indexFile() {
            return BackupStore.shardIndex(index);
        }

        /** Whether the shard's master served this slot. */
        public boolean serves(int slot) {
            for (String range : slots) {
                int dash = range.indexOf('-');
                int first = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
                int last = dash < 0 ? first : Integer.parseInt(range.substring(dash + 1));
                if (slot >= first && slot <= last) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A manifest whose files are stored one object (or file) each. */
    public Manifest(int formatVersion, UUID instanceId, UUID backupId, Instant startedAt, Instant finishedAt,
            String redisVersion, int rdbVersion, String rdbCrc64, long keyCount, Map<Integer, Long> keysPerDatabase,
            List<FileEntry> files, Sealing sealing, Long datasetMemoryBytes, List<Shard> shards) {
        this(formatVersion, instanceId, backupId, startedAt, finishedAt, redisVersion, rdbVersion, rdbCrc64, keyCount,
                keysPerDatabase, files, sealing, datasetMemoryBytes, shards, null);
    }

    /** A manifest of plain files, before they are stored. */
    public Manifest(int formatVersion, UUID instanceId, UUID backupId, Instant startedAt, Instant finishedAt,
            String redisVersion, int rdbVersion, String rdbCrc64, long keyCount, Map<Integer, Long> keysPerDatabase,
            List<FileEntry> files) {
        this(formatVersion, instanceId, backupId, startedAt, finishedAt, redisVersion, rdbVersion, rdbCrc64, keyCount,
                keysPerDatabase, files, null, null, null);
    }

    /** A manifest of files stored so; the dataset's memory not recorded. */
    public Manifest(int formatVersion, UUID instanceId, UUID backupId, Instant startedAt, Instant finishedAt,
            String redisVersion, int rdbVersion, String rdbCrc64, long keyCount, Map<Integer, Long> keysPerDatabase,
            List<FileEntry> files, Sealing sealing) {
        this(formatVersion, instanceId, backupId, startedAt, finishedAt, redisVersion, rdbVersion, rdbCrc64, keyCount,
                keysPerDatabase, files, sealing, null, null);
    }

    /** This manifest saying how much memory the dataset took in the source. */
    public Manifest withDatasetMemory(Long bytes) {
        return new Manifest(formatVersion, instanceId, backupId, startedAt, finishedAt, redisVersion, rdbVersion,
                rdbCrc64, keyCount, keysPerDatabase, files, sealing, bytes, shards, objectBytes);
    }

    /** This manifest saying that its files are stored as objects of {@code bytes} each (null: one object each). */
    public Manifest inObjectsOf(Long bytes) {
        return new Manifest(formatVersion, instanceId, backupId, startedAt, finishedAt, redisVersion, rdbVersion,
                rdbCrc64, keyCount, keysPerDatabase, files, sealing, datasetMemoryBytes, shards, bytes);
    }

    /** A file as stored framed: its size and its CRC32C (hex). */
    public record StoredFile(long bytes, String crc32c) {
    }

    /** This manifest for files stored so, each as {@code storedFiles} says. */
    public Manifest sealed(Sealing how, Map<String, StoredFile> storedFiles) {
        List<FileEntry> stored = files.stream().map(f -> new FileEntry(f.name(), f.sizeBytes(), f.sha256(),
                f.crc32c(), storedFiles.get(f.name()).bytes(), storedFiles.get(f.name()).crc32c())).toList();
        return new Manifest(cluster() ? CLUSTER_FORMAT_VERSION : FORMAT_VERSION, instanceId, backupId, startedAt,
                finishedAt, redisVersion, rdbVersion, rdbCrc64, keyCount, keysPerDatabase, stored, how,
                datasetMemoryBytes, shards, objectBytes);
    }

    /** This manifest with its data key wrapped again. */
    public Manifest rewrapped(Sealing how) {
        return new Manifest(formatVersion, instanceId, backupId, startedAt, finishedAt, redisVersion, rdbVersion,
                rdbCrc64, keyCount, keysPerDatabase, files, how, datasetMemoryBytes, shards, objectBytes);
    }

    /** Whether this is a backup of a Redis Cluster, one RDB a shard. */
    @JsonIgnore
    public boolean cluster() {
        return shards != null && !shards.isEmpty();
    }

    /** The backup's RDB files: one, or one a shard in the shards' order. */
    @JsonIgnore
    public List<String> rdbFiles() {
        return cluster() ? shards.stream().map(Shard::rdbFile).toList() : List.of(BackupStore.RDB);
    }

    /**
     * One RDB of the backup with its key index and RDB version: the backup's own, or one shard's of a cluster backup
     * ({@code shard} null for the former).
     */
    public record Part(String rdbFile, String indexFile, int rdbVersion, Shard shard) {

        /** Whether this part holds the keys of the slot. */
        public boolean holds(int slot) {
            return shard == null || shard.serves(slot);
        }

        /** What a message calls it: "the backup", "shard 2". */
        public String name() {
            return shard == null ? "the backup" : "shard " + shard.index();
        }
    }

    /** The backup's parts: its one RDB and key index, or each shard's in turn. */
    @JsonIgnore
    public List<Part> parts() {
        if (!cluster()) {
            return List.of(new Part(BackupStore.RDB, BackupStore.KEY_INDEX, rdbVersion, null));
        }
        return shards.stream().map(s -> new Part(s.rdbFile(), s.indexFile(), s.rdbVersion(), s)).toList();
    }

    /** The backup's key indexes: one, or one a shard in the shards' order. */
    @JsonIgnore
    public List<String> indexFiles() {
        return cluster() ? shards.stream().map(Shard::indexFile).toList() : List.of(BackupStore.KEY_INDEX);
    }

    /** The shard of a cluster backup that holds the keys of this slot; empty for a backup of one server. */
    public java.util.Optional<Shard> shardOf(int slot) {
        return cluster() ? shards.stream().filter(s -> s.serves(slot)).findFirst() : java.util.Optional.empty();
    }

    /** The RDB that holds the keys of this slot (the backup's one, or its shard's). */
    public String rdbFileFor(int slot) {
        return shardOf(slot).map(Shard::rdbFile).orElse(BackupStore.RDB);
    }

    /** The key index of the keys of this slot (the backup's one, or its shard's). */
    public String indexFileFor(int slot) {
        return shardOf(slot).map(Shard::indexFile).orElse(BackupStore.KEY_INDEX);
    }

    /** The RDB version of the file that holds the keys of this slot. */
    public int rdbVersionFor(int slot) {
        return shardOf(slot).map(Shard::rdbVersion).orElse(rdbVersion);
    }

    /** The RDB bytes of the backup, every shard's together: what a download of them all holds. */
    @JsonIgnore
    public long rdbBytes() {
        return rdbFiles().stream().mapToLong(f -> file(f).sizeBytes()).sum();
    }

    /** How many bytes the backup takes in the store, all its files together. */
    public long storedBytes() {
        return files.stream().mapToLong(FileEntry::storedSize).sum();
    }

    public FileEntry file(String name) {
        return files.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("The manifest of backup " + backupId + " lists no " + name));
    }

    public void writeTo(OutputStream out) throws IOException {
        JSON.writeValue(out, this);
    }

    public static Manifest readFrom(InputStream in) throws IOException {
        Manifest manifest;
        try {
            manifest = JSON.readValue(in, Manifest.class);
        } catch (JsonProcessingException e) {
            throw new DamagedBackupException("The backup's manifest is damaged: " + e.getOriginalMessage());
        }
        if (manifest.formatVersion() > CLUSTER_FORMAT_VERSION) {
            throw new IOException("Backup format " + manifest.formatVersion() + " is newer than this service knows");
        }
        return manifest;
    }
}
