package io.redisbackup.backupstore;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.redisbackup.backupstore.s3.S3BackupStore;
import io.redisbackup.backupstore.sealed.SealedBackupStore;
import io.redisbackup.testsupport.S3Server;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListPartsRequest;

/** The backup store contract on a real S3-compatible server (s3proxy), and what only object storage has to show. */
class S3BackupStoreTest extends BackupStoreContract {

    /** S3's smallest part, so that a few MiB already make a multipart upload. */
    private static final S3BackupStore.Uploads PARTS = new S3BackupStore.Uploads(S3BackupStore.Uploads.MIN_PART, 2);

    static S3Server server;
    private String bucket;
    private S3BackupStore store;

    @BeforeAll
    static void start() throws Exception {
        server = S3Server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    @Override
    protected BackupStore newStore() {
        bucket = server.bucket("backups-" + UUID.randomUUID());
        store = new S3BackupStore(server.client(), server.presigner(), bucket, "a/prefix/", PARTS);
        return store;
    }

    @Override
    protected long leftovers(UUID instance, UUID backup) {
        String under = under(instance, backup);
        long objects = server.client().listObjectsV2(ListObjectsV2Request.builder().bucket(bucket).prefix(under).build())
                .contents().stream().filter(o -> !o.key().endsWith("/manifest.json")).count();
        boolean published = server.client().listObjectsV2(ListObjectsV2Request.builder().bucket(bucket)
                .prefix(under + "manifest.json").build()).keyCount() > 0;
        return (published ? 0 : objects) + uploads(under);
    }

    @Override
    protected boolean anythingOf(UUID instance, UUID backup) {
        String under = under(instance, backup);
        return server.client().listObjectsV2(ListObjectsV2Request.builder().bucket(bucket).prefix(under).build())
                .keyCount() > 0 || uploads(under) > 0;
    }

    @Override
    protected void awaitLanded(UUID instance, UUID backup) {
        String under = under(instance, backup);
        await("every part handed to the store's uploaders listed").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> server.client().listMultipartUploads(ListMultipartUploadsRequest.builder().bucket(bucket)
                        .prefix(under).build()).uploads().stream().noneMatch(upload -> server.client()
                                .listParts(ListPartsRequest.builder().bucket(bucket).key(upload.key())
                                        .uploadId(upload.uploadId()).build()).parts().isEmpty()));
    }

    /** Where the store puts the backup's objects. */
    private static String under(UUID instance, UUID backup) {
        return "a/prefix/instances/" + instance + "/" + backup + "/";
    }

    private long uploads(String under) {
        return server.client().listMultipartUploads(ListMultipartUploadsRequest.builder().bucket(bucket).prefix(under)
                .build()).uploads().size();
    }

    @Test
    void aLargeFileGoesUpInPartsAndComesBackWholeAndByRanges() throws IOException {
        BackupStore s3 = newStore();
        byte[] big = new byte[(int) (2.5 * S3BackupStore.Uploads.MIN_PART) + 12345];
        new Random(5).nextBytes(big);
        try (StagedBackup staged = s3.stage(instance, backup)) {
            try (OutputStream out = staged.create(BackupStore.RDB)) {
                for (int at = 0; at < big.length; at += 1000) {
                    out.write(big, at, Math.min(1000, big.length - at)); // as a snapshot arrives: piece by piece
                }
            }
            write(staged, BackupStore.KEY_INDEX, new byte[3]);
            staged.publish(manifest(big.length, 3));
        }
        assertArrayEquals(big, read(s3, BackupStore.RDB));
        try (SeekableByteChannel channel = s3.openChannel(s3.manifest(instance, backup).orElseThrow(), BackupStore.RDB)) {
            assertEquals(big.length, channel.size());
            for (long at : new long[] { 0, S3BackupStore.Uploads.MIN_PART - 3, big.length - 10 }) {
                ByteBuffer piece = ByteBuffer.allocate(10);
                channel.position(at).read(piece);
                for (int i = 0; i < 10; i++) {
                    assertEquals(big[(int) at + i], piece.get(i), "byte " + (at + i));
                }
            }
            ByteBuffer pastTheEnd = ByteBuffer.allocate(10);
            assertEquals(-1, channel.position(big.length).read(pastTheEnd));
            // many ranges at once: GETs side by side, answers in the order asked
            List<RangeReads.Range> ranges = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ranges.add(new RangeReads.Range((long) i * (big.length / 20), 100 + i));
            }
            List<byte[]> read = RangeReads.read(channel, ranges);
            for (int i = 0; i < ranges.size(); i++) {
                RangeReads.Range range = ranges.get(i);
                assertArrayEquals(java.util.Arrays.copyOfRange(big, (int) range.position(), (int) range.end()),
                        read.get(i));
            }
        }
        assertEquals(0, uploads("a/prefix/"), "no multipart upload is left open");
    }

    @Test
    void theWarmUpReadsAnObjectOfItsOwnByRangesAndLeavesNothing() throws IOException {
        S3BackupStore s3 = (S3BackupStore) newStore();
        assertEquals(50, s3.warmUpReads(50));
        // as the restore worker has it: through the sealing store
        assertEquals(20, new SealedBackupStore(s3, new SealedBackupStore.Settings(Optional.empty(), Optional.of(1),
                4096)).warmUpReads(20));
        assertEquals(List.of(), server.client().listObjectsV2(ListObjectsV2Request.builder().bucket(bucket).build())
                .contents(), "its object is deleted after");
    }

    @Test
    void aScratchStoreKeepsBackupsUnderTheWarmUpFolderWhereNoListingSeesThemAndShareTheStoresThreads()
            throws IOException {
        S3BackupStore s3 = (S3BackupStore) newStore();
        BackupStore scratch = s3.scratch().orElseThrow();
        byte[] rdb = new byte[100_000];
        new Random(7).nextBytes(rdb);
        try (StagedBackup staged = scratch.stage(instance, backup)) {
            write(staged, BackupStore.RDB, rdb);
            write(staged, BackupStore.KEY_INDEX, new byte[3]);
            staged.publish(manifest(rdb.length, 3));
        }
        List<String> stored = server.client().listObjectsV2(ListObjectsV2Request.builder().bucket(bucket).build())
                .contents().stream().map(o -> o.key()).toList();
        assertEquals(3, stored.size(), stored.toString());
        assertTrue(stored.stream().allMatch(key -> key.matches("a/prefix/warm-up/[0-9a-f-]{36}/instances/" + instance
                + "/" + backup + "/(dump\\.rdb|keys\\.idx|manifest\\.json)")), stored.toString());
        assertEquals(Optional.empty(), s3.manifest(instance, backup), "not one of the store's backups");
        assertEquals(Optional.empty(), s3.latestManifest(instance));
        assertEquals(Optional.empty(), s3.scratch().orElseThrow().manifest(instance, backup), "each in its own place");
        Manifest published = scratch.manifest(instance, backup).orElseThrow();
        try (SeekableByteChannel channel = scratch.openChannel(published, BackupStore.RDB)) {
            ByteBuffer read = ByteBuffer.allocate(1000);
            channel.position(50_000).read(read);
            assertArrayEquals(java.util.Arrays.copyOfRange(rdb, 50_000, 51_000), read.array());
        }
        ((S3BackupStore) scratch).close();
        assertEquals(20, s3.warmUpReads(20), "closing the scratch store left the store's readers running");

        scratch.delete(instance, backup);
        assertEquals(0, server.client().listObjectsV2(ListObjectsV2Request.builder().bucket(bucket).build())
                .keyCount(), "deleted, nothing is left");
    }

    @Test
    void whatAScratchStoreKeptIsRemovedOnceOlderThanAbandoned() throws IOException {
        S3BackupStore s3 = (S3BackupStore) newStore();
        BackupStore scratch = s3.scratch().orElseThrow();
        try (StagedBackup staged = scratch.stage(instance, backup)) { // a worker killed before deleting it
            write(staged, BackupStore.RDB, new byte[100]);
            write(staged, BackupStore.KEY_INDEX, new byte[3]);
            staged.publish(manifest(100, 3));
        }
        assertEquals(0, s3.removeAbandoned(Duration.ofHours(1)), "a warm-up under way is younger than that");
        assertEquals(3, s3.removeAbandoned(Duration.ZERO));
        assertEquals(0, server.client().listObjectsV2(ListObjectsV2Request.builder().bucket(bucket).build())
                .keyCount());
    }

    @Test
    void anUploadBegunLongAgoThatStillGetsPartsIsNotAbandoned() throws Exception {
        S3BackupStore s3 = (S3BackupStore) newStore();
        // a large backup's upload: begun more than the age ago, its last part a moment ago
        String key = under(instance, backup) + "dump.rdb";
        S3Client client = server.client();
        String uploadId = client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        byte[] part = new byte[S3BackupStore.Uploads.MIN_PART];
        client.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(1), RequestBody.fromBytes(part));
        Thread.sleep(4_000);
        client.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(2), RequestBody.fromBytes(part));
        assertEquals(0, s3.removeAbandoned(Duration.ofSeconds(3)), "its writer is still at work");
        assertEquals(1, uploads("a/prefix/"));
        Thread.sleep(4_000);
        assertEquals(1, s3.removeAbandoned(Duration.ofSeconds(3)), "nothing added for longer than the age");
        assertEquals(0, uploads("a/prefix/"));
    }

    @Test
    void anUploadThatEndsWhileTheSweepLooksAtItIsPassedOverAndTheOthersAreStillAborted() throws IOException {
        newStore();
        S3Client client = server.client();
        String first = under(instance, backup) + "dump.rdb";
        String second = under(instance, UUID.randomUUID()) + "dump.rdb";
        String firstId = client.createMultipartUpload(b -> b.bucket(bucket).key(first)).uploadId();
        client.createMultipartUpload(b -> b.bucket(bucket).key(second));
        // between the sweep's listing and its look at the first upload, that upload ends (another worker's sweep
        // aborts it, or its writer completes it): the store asks about an upload that is gone
        ExecutionInterceptor endsFirst = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof ListPartsRequest parts && parts.uploadId().equals(firstId)) {
                    client.abortMultipartUpload(b -> b.bucket(bucket).key(first).uploadId(firstId));
                }
            }
        };
        try (S3Client sweeping = server.clientBuilder().overrideConfiguration(c -> c.addExecutionInterceptor(endsFirst))
                .build();
                S3BackupStore sweeper = new S3BackupStore(sweeping, server.presigner(), bucket, "a/prefix/", PARTS)) {
            assertEquals(1, sweeper.removeAbandoned(Duration.ZERO), "the second aborted, the first already gone");
        }
        assertEquals(0, uploads("a/prefix/"));
    }

    @Test
    void whatAWarmUpLeftIsRemovedOnceOlderThanAbandonedAndNothingElseIs() throws IOException {
        S3BackupStore s3 = (S3BackupStore) newStore();
        try (StagedBackup staged = s3.stage(instance, backup)) {
            write(staged, BackupStore.RDB, new byte[100]);
            write(staged, BackupStore.KEY_INDEX, new byte[3]);
            staged.publish(manifest(100, 3));
        }
        // what a worker killed between the warm-up's PUT and its DELETE leaves
        String left = "a/prefix/warm-up/" + UUID.randomUUID();
        server.client().putObject(b -> b.bucket(bucket).key(left), RequestBody.fromBytes(new byte[64 << 10]));
        assertEquals(0, s3.removeAbandoned(Duration.ofHours(1)), "a warm-up under way is younger than that");
        assertEquals(1, s3.removeAbandoned(Duration.ZERO));
        assertEquals(0, server.client().listObjectsV2(ListObjectsV2Request.builder().bucket(bucket)
                .prefix("a/prefix/warm-up/").build()).keyCount());
        assertArrayEquals(new byte[100], read(s3, BackupStore.RDB), "the published backup is untouched");
    }

    @Test
    void whereItMayNotWriteTheWarmUpReadsAStoredObjectOrNothing() throws IOException {
        newStore();
        // a principal that may read only: every PUT refused before it is sent, as AccessDenied would refuse it
        ExecutionInterceptor readOnly = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof software.amazon.awssdk.services.s3.model.PutObjectRequest) {
                    throw software.amazon.awssdk.services.s3.model.S3Exception.builder().statusCode(403)
                            .message("Access Denied").build();
                }
            }
        };
        try (S3Client client = server.clientBuilder().overrideConfiguration(c -> c.addExecutionInterceptor(readOnly))
                .build();
                S3BackupStore reader = new S3BackupStore(client, server.presigner(), bucket, "a/prefix/", PARTS)) {
            assertEquals(0, reader.warmUpReads(50), "nothing stored to read yet");
            try (StagedBackup staged = store.stage(instance, backup)) {
                write(staged, BackupStore.RDB, new byte[100]);
                write(staged, BackupStore.KEY_INDEX, new byte[3]);
                staged.publish(manifest(100, 3));
            }
            assertEquals(50, reader.warmUpReads(50));
        }
    }

    @Test
    void aClientForSealedBackupsSendsBodiesUnsignedOverPlainHttpAndTheServerTakesThem() throws IOException {
        List<String> bodyHashes = new CopyOnWriteArrayList<>();
        ExecutionInterceptor recorder = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                context.httpRequest().firstMatchingHeader("x-amz-content-sha256")
                        .ifPresent(hash -> bodyHashes.add(context.httpRequest().method() + " " + hash));
            }
        };
        byte[] big = new byte[S3BackupStore.Uploads.MIN_PART + 777];
        new Random(6).nextBytes(big);
        try (S3Client client = S3BackupStore.forSealedBackups(server.clientBuilder())
                .overrideConfiguration(c -> c.addExecutionInterceptor(recorder)).build();
                S3BackupStore sealedClients = new S3BackupStore(client, server.presigner(),
                        server.bucket("unsigned-" + UUID.randomUUID()), "", PARTS)) {
            try (StagedBackup staged = sealedClients.stage(instance, backup)) {
                write(staged, BackupStore.RDB, big);
                write(staged, BackupStore.KEY_INDEX, new byte[3]);
                staged.publish(manifest(big.length, 3));
            }
            assertArrayEquals(big, read(sealedClients, BackupStore.RDB));
        }
        List<String> uploads = bodyHashes.stream().filter(hash -> hash.startsWith("PUT ")).toList();
        assertTrue(uploads.size() >= 3, "two parts and the manifest at least: " + bodyHashes);
        assertEquals(List.of("PUT UNSIGNED-PAYLOAD"), uploads.stream().distinct().toList());

        // the same server and bodies with the SDK's own client: every body hashed
        bodyHashes.clear();
        try (S3Client client = server.clientBuilder().overrideConfiguration(c -> c.addExecutionInterceptor(recorder))
                .build()) {
            String signed = server.bucket("signed-" + UUID.randomUUID());
            client.putObject(b -> b.bucket(signed).key("k"),
                    software.amazon.awssdk.core.sync.RequestBody.fromBytes(new byte[10]));
        }
        assertTrue(bodyHashes.stream().noneMatch(hash -> hash.contains("UNSIGNED")), bodyHashes.toString());
    }
}
