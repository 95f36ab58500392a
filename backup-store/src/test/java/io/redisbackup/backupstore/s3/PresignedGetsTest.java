package io.redisbackup.backupstore.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.redisbackup.backupstore.RangeReads;
import io.redisbackup.backupstore.keyindex.DamagedBackupException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * How a ranged GET at a presigned URL reads the answers a server may give, and which GETs a channel sends for ranges
 * asked together: the happy path is the S3 store's own test against s3proxy; here an HTTP server answers what s3proxy
 * cannot be made to (a 503, a short range, a whole object, an answer broken off) and keeps the ranges asked.
 */
class PresignedGetsTest {

    private static final byte[] OBJECT = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);

    /**
     * One scripted answer: its status, and for a 206, the last byte the range claims ({@link #BROKEN_OFF}: the range
     * asked for, of which only the first half is sent before the connection is closed).
     */
    private record Answer(int status, long claimedLast) {
    }

    private static final long BROKEN_OFF = -2;

    private HttpServer server;
    private S3Presigner presigner;
    private final Deque<Answer> script = new ArrayDeque<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final AtomicInteger signed = new AtomicInteger();
    /** The clock the URLs are checked by; they are signed by the real one. */
    private Instant now = Instant.now();

    private final ExecutorService readers = Executors.newFixedThreadPool(2);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        presigner = S3Presigner.builder().region(Region.US_EAST_1)
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("id", "secret")))
                .build();
    }

    @AfterEach
    void stop() {
        readers.shutdownNow();
        server.stop(0);
        presigner.close();
    }

    private void answer(HttpExchange exchange) throws IOException {
        String range = exchange.getRequestHeaders().getFirst("Range");
        asked.add(exchange.getRequestURI().getPath() + " " + range);
        Answer answer = script.isEmpty() ? new Answer(206, -1) : script.poll();
        byte[] body;
        if (answer.status() == 206) {
            String[] bounds = range.substring("bytes=".length()).split("-");
            int from = Integer.parseInt(bounds[0]);
            int last = (int) (answer.claimedLast() >= 0 ? answer.claimedLast() : Long.parseLong(bounds[1]));
            body = Arrays.copyOfRange(OBJECT, from, last + 1);
            exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + last + "/" + OBJECT.length);
            if (answer.claimedLast() == BROKEN_OFF) {
                exchange.sendResponseHeaders(206, body.length);
                exchange.getResponseBody().write(body, 0, body.length / 2);
                exchange.getResponseBody().flush();
                exchange.close(); // the rest never comes: the connection is closed under it
                return;
            }
        } else if (answer.status() == 200) {
            body = OBJECT;
        } else {
            body = ("<?xml version=\"1.0\"?><Error><Code>Code" + answer.status() + "</Code></Error>")
                    .getBytes(StandardCharsets.UTF_8);
        }
        exchange.sendResponseHeaders(answer.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private PresignedGets gets() {
        Clock clock = new Clock() {
            @Override
            public Instant instant() {
                return now;
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        return new PresignedGets("b/object", () -> {
            signed.incrementAndGet();
            return presigner.presignGetObject(get -> get.signatureDuration(PresignedGets.VALID_FOR)
                    .getObjectRequest(o -> o.bucket("b").key("object")));
        }, clock);
    }

    private static byte[] read(PresignedGets gets, long position, int length) throws IOException {
        ByteBuffer dst = ByteBuffer.allocate(length);
        gets.read(position, dst, length);
        assertEquals(length, dst.position());
        return dst.array();
    }

    @Test
    void readsExactlyTheRangeAskedForWithOneSignatureForManyReads() throws IOException {
        PresignedGets gets = gets();
        assertArrayEquals("3456".getBytes(StandardCharsets.US_ASCII), read(gets, 3, 4));
        assertArrayEquals("j".getBytes(StandardCharsets.US_ASCII), read(gets, 19, 1));
        assertEquals(List.of("/b/object bytes=3-6", "/b/object bytes=19-19"), asked);
        assertEquals(1, signed.get());
    }

    @Test
    void aServerErrorIsTriedAgainAndThirdTimeItIsTheReason() throws IOException {
        script.add(new Answer(503, -1));
        script.add(new Answer(500, -1));
        assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), read(gets(), 10, 3));
        assertEquals(3, asked.size());

        asked.clear();
        for (int i = 0; i < 3; i++) {
            script.add(new Answer(503, -1));
        }
        IOException failed = assertThrows(IOException.class, () -> read(gets(), 0, 2));
        assertTrue(failed.getMessage().contains("failed 3 times: HTTP 503 Code503"), failed.getMessage());
        assertEquals(3, asked.size());
    }

    @Test
    void aMissingObjectIsNotTriedAgain() {
        script.add(new Answer(404, -1));
        IOException failed = assertThrows(IOException.class, () -> read(gets(), 0, 2));
        assertTrue(failed.getMessage().contains("HTTP 404 Code404"), failed.getMessage());
        assertEquals(1, asked.size());
    }

    @Test
    void aRangeThatTheObjectDoesNotHoldIsADamagedBackup() {
        script.add(new Answer(416, -1));
        assertThrows(DamagedBackupException.class, () -> read(gets(), 25, 2));
        script.add(new Answer(206, 19)); // the object ends before the range does
        DamagedBackupException cut = assertThrows(DamagedBackupException.class, () -> read(gets(), 18, 5));
        assertTrue(cut.getMessage().contains("cut short"), cut.getMessage());
        assertEquals(2, asked.size());
    }

    @Test
    void aServerThatIgnoresTheRangeIsRefusedNotMisread() {
        script.add(new Answer(200, -1));
        IOException refused = assertThrows(IOException.class, () -> read(gets(), 5, 2));
        assertTrue(refused.getMessage().contains("needs ranged reads"), refused.getMessage());
    }

    @Test
    void theUrlIsSignedAgainBeforeItExpiresAndAfterAForbidden() throws IOException {
        PresignedGets gets = gets();
        read(gets, 0, 1);
        now = now.plus(PresignedGets.VALID_FOR.minus(Duration.ofMinutes(6)));
        read(gets, 0, 1);
        assertEquals(1, signed.get());
        now = now.plus(Duration.ofMinutes(2)); // within 5 minutes of its expiry
        read(gets, 0, 1);
        assertEquals(2, signed.get());

        now = Instant.now();
        script.add(new Answer(403, -1));
        read(gets, 0, 1);
        assertEquals(3, signed.get());
    }

    private RangedChannel channel(RangedChannel.Coalescing coalescing) {
        PresignedGets gets = gets();
        return new RangedChannel(new StoredObjects("b/object", OBJECT.length, null, key -> gets), readers, coalescing);
    }

    private static List<RangeReads.Range> ranges(int... fromAndLength) {
        List<RangeReads.Range> ranges = new ArrayList<>();
        for (int i = 0; i < fromAndLength.length; i += 2) {
            ranges.add(new RangeReads.Range(fromAndLength[i], fromAndLength[i + 1]));
        }
        return ranges;
    }

    private static void assertEachRangeRead(List<RangeReads.Range> ranges, List<byte[]> read) {
        assertEquals(ranges.size(), read.size());
        for (int i = 0; i < ranges.size(); i++) {
            RangeReads.Range range = ranges.get(i);
            assertArrayEquals(Arrays.copyOfRange(OBJECT, (int) range.position(), (int) range.end()), read.get(i),
                    "range " + range);
        }
    }

    @Test
    void nearbyRangesAreReadByOneGetAndEachRangeGetsItsOwnBytes() throws IOException {
        // asked out of order; 4-6 is 2 bytes after 0-2, 5-8 overlaps it, 19-20 is 2 after 15-17, 15 is 7 after 8
        List<RangeReads.Range> ranges = ranges(15, 2, 0, 2, 4, 2, 5, 3, 19, 1);
        try (RangedChannel channel = channel(new RangedChannel.Coalescing(3, 10))) {
            assertEachRangeRead(ranges, channel.readRanges(ranges));
        }
        assertEquals(List.of("/b/object bytes=0-7", "/b/object bytes=15-19"), asked.stream().sorted().toList());
    }

    @Test
    void aGetSpansNoMoreThanItsMostAndEveryRangeIsItsOwnGetWithoutCoalescing() throws IOException {
        List<RangeReads.Range> ranges = ranges(0, 2, 4, 2, 7, 2);
        try (RangedChannel channel = channel(new RangedChannel.Coalescing(3, 6))) {
            assertEachRangeRead(ranges, channel.readRanges(ranges));
        }
        assertEquals(List.of("/b/object bytes=0-5", "/b/object bytes=7-8"), asked.stream().sorted().toList());

        asked.clear();
        try (RangedChannel channel = channel(RangedChannel.Coalescing.NONE)) {
            assertEachRangeRead(ranges, channel.readRanges(ranges));
        }
        assertEquals(List.of("/b/object bytes=0-1", "/b/object bytes=4-5", "/b/object bytes=7-8"),
                asked.stream().sorted().toList());
    }

    @Test
    void theGapIsASettingWithinBounds() {
        int part = S3BackupStore.Uploads.MIN_PART;
        assertEquals(new RangedChannel.Coalescing(1 << 20, 4 << 20), new S3BackupStore.Uploads(part, 2, 8, 1 << 20)
                .coalescing());
        assertEquals(new RangedChannel.Coalescing(256 << 10, 1 << 20), new S3BackupStore.Uploads(part, 2).coalescing());
        assertThrows(IllegalArgumentException.class, () -> new S3BackupStore.Uploads(part, 2, 8, -1));
        assertThrows(IllegalArgumentException.class, () -> new S3BackupStore.Uploads(part, 2, 8, (16 << 20) + 1));
    }

    @Test
    void aGetThatBreaksOffIsTriedAgainFromItsFirstByte() throws IOException {
        script.add(new Answer(206, BROKEN_OFF));
        List<RangeReads.Range> ranges = ranges(2, 3, 8, 4);
        try (RangedChannel channel = channel(new RangedChannel.Coalescing(8, 20))) {
            assertEachRangeRead(ranges, channel.readRanges(ranges));
        }
        assertEquals(List.of("/b/object bytes=2-11", "/b/object bytes=2-11"), asked);
    }

    @Test
    void aRangeBeyondTheObjectIsADamagedBackupBeforeAnyGet() throws IOException {
        try (RangedChannel channel = channel(new S3BackupStore.Uploads(S3BackupStore.Uploads.MIN_PART, 2)
                .coalescing())) {
            assertThrows(DamagedBackupException.class, () -> channel.readRanges(ranges(0, 2, 18, 5)));
        }
        assertEquals(List.of(), asked);
    }
}
