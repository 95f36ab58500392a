package io.redisbackup.backupstore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where the services keep backups ({@code backup-store.*}): the same settings for the workers, which write and read
 * them, and the gateway, which serves downloads. {@link BackupStores#open} makes the store.
 */
@ConfigMapping(prefix = "backup-store")
public interface BackupStoreConfig {

    enum Kind {
        /** A directory every service that uses it can reach (one machine, or a shared volume). */
        LOCAL,
        /** An S3-compatible bucket. */
        S3
    }

    @WithDefault("local")
    Kind kind();

    /** The directory of the {@code local} store. */
    Optional<Path> directory();

    /**
     * What a writer that died left (a staged folder, an unfinished upload) is removed once it is this old; a
     * backup still being written is younger (see {@link BackupStore#removeAbandoned}).
     */
    @WithDefault("1h")
    Duration abandonedAfter();

    S3 s3();

    Encryption encryption();

    Compression compression();

    /**
     * How much of a file each stored frame holds: what one key's read fetches and opens at least. 16 KiB: in the
     * benchmark, 64 KiB frames made a keys recovery pay about 0.3 ms a key to open them, 16 KiB ones compress as
     * well (0.76 of the RDB against 0.76) and cost about 0.05 ms a key.
     */
    @WithDefault("16384")
    int frameSize();

    /** Backups encrypted at rest (AES-256-GCM, a data key per backup): on unless turned off. */
    interface Encryption {
        @WithDefault("true")
        boolean enabled();

        /**
         * The platform's keys, {@code id=base64,id=base64,...} (32 random bytes each: {@code openssl rand -base64
         * 32}), newest first: the first seals new backups, the others still open the backups they sealed.
         */
        Optional<String> keys();
    }

    /** Backups compressed with zstd, frame by frame: on unless turned off. */
    interface Compression {
        @WithDefault("true")
        boolean enabled();

        /** zstd's level: 1 is fast, 3 zstd's own default, negative levels faster still and smaller gains. */
        @WithDefault("1")
        int level();

        /**
         * Whether an RDB's frames may be compressed with lean match tables, 1.6-1.9 times as fast, where the data
         * holds few repeats (random tokens, values already compressed) and they make it at most 4% larger: checked
         * every 32 frames. False compresses every frame at the level.
         */
        @WithDefault("true")
        boolean adaptive();
    }

    /** The bucket of the {@code s3} store, and how to reach it. */
    interface S3 {
        Optional<String> bucket();

        /** Prepended to every object's name (a '/' is added at its end when missing); none by default. */
        Optional<String> prefix();

        @WithDefault("us-east-1")
        String region();

        /** The service's address, for anything but AWS itself (MinIO, Ceph RGW, s3proxy ...). */
        Optional<String> endpoint();

        /** Bucket in the path rather than the host name: what most S3-compatible servers want. */
        @WithDefault("false")
        boolean pathStyle();

        /** With {@link #secretAccessKey}; else the standard AWS chain (environment, profile, instance role). */
        Optional<String> accessKeyId();

        Optional<String> secretAccessKey();

        /** The size of each uploaded part (at least 5 MiB). */
        @WithDefault("8388608")
        int partSize();

        /** How many parts may wait or travel at once: memory is this plus one, times the part size. */
        @WithDefault("2")
        int partsInFlight();

        /**
         * How many ranged GETs a keys recovery makes side by side: more pays where each GET waits on the network
         * (AWS S3: tens of ms each), less where the server shares the workers' cores.
         */
        @WithDefault("8")
        int readsInFlight();

        /**
         * How far apart (bytes) two ranges a keys recovery asks for together may lie and still be read by one GET,
         * the bytes between streamed past: more pays where each GET waits on the network; 0 joins only touching
         * ranges. At most 16 MiB.
         */
        @WithDefault("262144")
        int readGap();
    }
}
