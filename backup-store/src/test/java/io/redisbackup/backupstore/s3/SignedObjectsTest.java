package io.redisbackup.backupstore.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.RangeReads;
import io.redisbackup.backupstore.StagedBackup;
import io.redisbackup.testsupport.S3Server;

/** The URLs a store signs for its objects' ranged GETs are kept for the reads after: one signing an object. */
class SignedObjectsTest {

    static S3Server server;

    @BeforeAll
    static void start() throws Exception {
        server = S3Server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void aSecondChannelOfTheSameFileReadsByTheGetsTheFirstSigned() throws IOException {
        UUID instance = UUID.randomUUID();
        UUID backup = UUID.randomUUID();
        int part = S3BackupStore.Uploads.MIN_PART;
        byte[] rdb = new byte[part + 1000];
        new Random(3).nextBytes(rdb);
        try (S3BackupStore store = new S3BackupStore(server.client(), server.presigner(),
                server.bucket("signed-" + UUID.randomUUID()), "", new S3BackupStore.Uploads(part, 2))) {
            try (StagedBackup staged = store.stage(instance, backup)) {
                try (OutputStream out = staged.create(BackupStore.RDB)) {
                    out.write(rdb);
                }
                try (OutputStream out = staged.create(BackupStore.KEY_INDEX)) {
                    out.write(new byte[3]);
                }
                staged.publish(new Manifest(Manifest.FORMAT_VERSION, instance, backup, Instant.now(), Instant.now(),
                        "7.0.0", 10, "0", 1, Map.of(0, 1L), List.of(new Manifest.FileEntry(BackupStore.RDB,
                                rdb.length, "x", "0"), new Manifest.FileEntry(BackupStore.KEY_INDEX, 3, "x", "0"))));
            }
            Manifest published = store.manifest(instance, backup).orElseThrow();
            String second = "instances/" + instance + "/" + backup + "/dump.rdb.000001";
            for (int open = 0; open < 2; open++) {
                try (SeekableByteChannel channel = store.openChannel(published, BackupStore.RDB)) {
                    List<byte[]> read = RangeReads.read(channel, List.of(new RangeReads.Range(part - 10, 20)));
                    assertArrayEquals(Arrays.copyOfRange(rdb, part - 10, part + 10), read.get(0));
                }
            }
            PresignedGets kept = store.presignedGets(second);
            assertSame(kept, store.presignedGets(second), "kept for the next reader");
            assertNotSame(kept, store.presignedGets(second.replace("000001", "000000")), "one an object");
        }
    }
}
