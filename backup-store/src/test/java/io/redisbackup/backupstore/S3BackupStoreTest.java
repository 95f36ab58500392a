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

    /** The smallest part, so that a few MiB are already kept as several objects. */
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
        await("the first object handed to the store's uploaders listed").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20)).until(() -> !objects(under(instance, backup)).isEmpty());
    }

    /** The keys and sizes of the objects under {@code under}, by key. */
    private java.util.Map<String, Long> objects(String under) {
        java.util.Map<String, Long> found = new java.util.TreeMap<>();
        server.client().listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(under).build())
                .contents().forEach(o -> found.put(o.key(), o.size()));
        return found;
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
    void aLargeFileIsKeptAsObjectsOfThePartSizeAndComesBackWholeAndByRangesAcrossThem() throws IOException {
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
        int part = S3BackupStore.Uploads.MIN_PART;
        String under = under(instance, backup);
        assertEquals(java.util.Map.of(under + "dump.rdb.000000", (long) part, under + "dump.rdb.000001", (long) part,
                under + "dump.rdb.000002", (long) big.length - 2 * part, under + "keys.idx.000000", 3L),
                withoutManifest(objects(under)));
        assertEquals(part, s3.manifest(instance, backup).orElseThrow().objectBytes());
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
            ranges.add(new RangeReads.Range(2L * part - 50, 100)); // half in one object, half in the next
            ranges.add(new RangeReads.Range(part - 4000, part + 8000)); // over a whole object, into the next
            List<byte[]> read = RangeReads.read(channel, ranges);
            for (int i = 0; i < ranges.size(); i++) {
                RangeReads.Range range = ranges.get(i);
                assertArrayEquals(java.util.Arrays.copyOfRange(big, (int) range.position(), (int) range.end()),
                        read.get(i));
            }
        }
        assertEquals(0, uploads("a/prefix/"), "no multipart upload is left open");
        s3.delete(instance, backup);
        assertEquals(java.util.Map.of(), objects(under), "every object deleted");
    }

    private static java.util.Map<String, Long> withoutManifest(java.util.Map<String, Long> objects) {
        objects.keySet().removeIf(key -> key.endsWith("/" + Manifest.FILE_NAME));
        return objects;
    }

    @Test
    void aBackupStoredBeforeFilesWereKeptAsObjectsOfThePartSizeIsStillRead() throws IOException {
        S3BackupStore s3 = (S3BackupStore) newStore();
        byte[] big = new byte[2 * S3BackupStore.Uploads.MIN_PART + 99];
        new Random(8).nextBytes(big);
        // as a store of the release before wrote it: one object a file, a manifest that names no object size
        String under = under(instance, backup);
        server.client().putObject(b -> b.bucket(bucket).key(under + "dump.rdb"), RequestBody.fromBytes(big));
        server.client().putObject(b -> b.bucket(bucket).key(under + "keys.idx"), RequestBody.fromBytes(new byte[3]));
        java.io.ByteArrayOutputStream json = new java.io.ByteArrayOutputStream();
        manifest(big.length, 3).writeTo(json);
        assertTrue(!json.toString().contains("objectBytes"), json.toString());
        server.client().putObject(b -> b.bucket(bucket).key(under + Manifest.FILE_NAME),
                RequestBody.fromBytes(json.toByteArray()));

        Manifest published = s3.manifest(instance, backup).orElseThrow();
        assertEquals(null, published.objectBytes());
        assertArrayEquals(big, read(s3, BackupStore.RDB));
        try (SeekableByteChannel channel = s3.openChannel(published, BackupStore.RDB)) {
            List<byte[]> read = RangeReads.read(channel, List.of(new RangeReads.Range(S3BackupStore.Uploads.MIN_PART
                    - 10, 20)));
            assertArrayEquals(java.util.Arrays.copyOfRange(big, S3BackupStore.Uploads.MIN_PART - 10,
                    S3BackupStore.Uploads.MIN_PART + 10), read.get(0));
        }
        s3.replaceManifest(published.withDatasetMemory(5L));
        assertArrayEquals(big, read(s3, BackupStore.RDB), "still one object a file after its manifest was replaced");
        s3.delete(instance, backup);
        assertEquals(java.util.Map.of(), objects(under));
    }

    @Test
    void aBackupWithAnObjectMissingIsNotPublishedAndOneCutShortOrLongerIsDamaged() throws IOException {
        S3BackupStore s3 = (S3BackupStore) newStore();
        byte[] big = new byte[2 * S3BackupStore.Uploads.MIN_PART + 5];
        new Random(9).nextBytes(big);
        String under = under(instance, backup);
        try (StagedBackup staged = s3.stage(instance, backup)) {
            write(staged, BackupStore.RDB, big);
            write(staged, BackupStore.KEY_INDEX, new byte[3]);
            server.client().deleteObject(b -> b.bucket(bucket).key(under + "dump.rdb.000001"));
            IOException refused = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> staged.publish(manifest(big.length, 3)));
            assertTrue(refused.getMessage().contains("dump.rdb.000001 is missing"), refused.getMessage());
        }
        assertEquals(Optional.empty(), s3.manifest(instance, backup));
        assertEquals(java.util.Map.of(), objects(under), "a backup not published leaves nothing");

        try (StagedBackup staged = s3.stage(instance, backup)) {
            write(staged, BackupStore.RDB, big);
            write(staged, BackupStore.KEY_INDEX, new byte[3]);
            staged.publish(manifest(big.length, 3));
        }
        for (int change : new int[] { -1, 1 }) {
            byte[] other = new byte[S3BackupStore.Uploads.MIN_PART + change];
            server.client().putObject(b -> b.bucket(bucket).key(under + "dump.rdb.000001"),
                    RequestBody.fromBytes(other));
            var damaged = org.junit.jupiter.api.Assertions.assertThrows(
                    io.redisbackup.backupstore.keyindex.DamagedBackupException.class, () -> read(s3, BackupStore.RDB));
            assertTrue(damaged.getMessage().contains("dump.rdb.000001 is " + (change < 0 ? "shorter" : "longer")),
                    damaged.getMessage());
        }
    }

    @Test
    void whatAWriterThatDiedPutIsRemovedOnceOldAndNothingOfAPublishedBackupIs() throws Exception {
        S3BackupStore s3 = (S3BackupStore) newStore();
        try (StagedBackup staged = s3.stage(instance, backup)) {
            write(staged, BackupStore.RDB, new byte[100]);
            write(staged, BackupStore.KEY_INDEX, new byte[3]);
            staged.publish(manifest(100, 3));
        }
        // two writers that died with their files whole, before the manifest: one long ago, one just now
        UUID old = UUID.randomUUID();
        StagedBackup dead = s3.stage(instance, old);
        write(dead, BackupStore.RDB, new byte[S3BackupStore.Uploads.MIN_PART + 1]);
        write(dead, BackupStore.KEY_INDEX, new byte[3]);
        Thread.sleep(2_500);
        UUID recent = UUID.randomUUID();
        StagedBackup dying = s3.stage(instance, recent);
        write(dying, BackupStore.RDB, new byte[100]);

        assertEquals(3, s3.removeAbandoned(Duration.ofSeconds(2)), "the old one's three objects");
        assertEquals(java.util.Map.of(), objects(under(instance, old)));
        assertEquals(1, objects(under(instance, recent)).size(), "a writer at work is younger than that");
        assertEquals(3, objects(under(instance, backup)).size(), "the published backup is untouched");
        assertArrayEquals(new byte[100], read(s3, BackupStore.RDB));
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
                + "/" + backup + "/(dump\\.rdb\\.000000|keys\\.idx\\.000000|manifest\\.json)")), stored.toString());
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
        assertTrue(uploads.size() >= 3, "the RDB's two objects and the manifest at least: " + bodyHashes);
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
