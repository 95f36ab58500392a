package io.redisbackup.backupworker.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Function;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisbackup.instanceclient.InstanceEndpoint;
import io.redisbackup.taskexecution.TransferGuard;
import io.redisbackup.testsupport.Datasets;
import io.redisbackup.testsupport.RedisServer;

/**
 * What a source that answers wrongly gets: a plain failure, never a stored backup. A real server cannot be made to
 * answer like this, so a small TCP server plays one, answering SYNC with an RDB a real server wrote, changed.
 */
class HostileSourceTest {

    static final String MARK = "0123456789abcdef0123456789abcdef01234567";
    static byte[] rdb;

    @TempDir
    Path dir;

    @BeforeAll
    static void save(@TempDir Path saved) throws IOException {
        try (RedisServer source = RedisServer.start()) {
            Datasets.everyType(source);
            rdb = Files.readAllBytes(source.saveRdb(saved.resolve("dump.rdb")));
        }
    }

    @Test
    void aSnapshotCutShortIsATransferFailure() throws Exception {
        byte[] cut = Arrays.copyOf(rdb, rdb.length / 2);
        assertEquals(SnapshotFailure.TRANSFER_FAILED, failure(sync -> concat(bytes("$EOF:" + MARK + "\r\n"), cut)).code());
        assertEquals(SnapshotFailure.TRANSFER_FAILED,
                failure(sync -> concat(bytes("$" + rdb.length + "\r\n"), cut)).code());
    }

    @Test
    void aSnapshotWithoutItsEndMarkOrWithTheWrongLengthIsATransferFailure() throws Exception {
        byte[] wrongMark = bytes("$EOF:" + MARK + "\r\n");
        assertEquals(SnapshotFailure.TRANSFER_FAILED,
                failure(sync -> concat(wrongMark, rdb, bytes(MARK.replace('0', 'x')))).code());
        assertEquals(SnapshotFailure.TRANSFER_FAILED,
                failure(sync -> concat(bytes("$" + (rdb.length + 5) + "\r\n"), rdb, bytes("12345"))).code());
    }

    @Test
    void aSnapshotDamagedOnTheWayFailsItsOwnChecksum() throws Exception {
        byte[] damaged = rdb.clone();
        damaged[damaged.length - 1] ^= 0x40; // in the checksum: the records still read, the CRC64 disagrees
        SnapshotFailure failure = failure(sync -> concat(bytes("$EOF:" + MARK + "\r\n"), damaged, bytes(MARK)));
        assertEquals(SnapshotFailure.CORRUPT, failure.code());
    }

    @Test
    void errorsAndNonsenseInsteadOfASnapshotAreSaidPlainly() throws Exception {
        SnapshotFailure refused = failure(sync -> bytes("-ERR replication is disabled here\r\n"));
        assertEquals(SnapshotFailure.TRANSFER_FAILED, refused.code());
        assertTrue(refused.getMessage().contains("replication is disabled here"), refused.getMessage());
        assertEquals(SnapshotFailure.AUTH_FAILED, failure(sync -> bytes("-NOPERM no SYNC for you\r\n")).code());
        assertEquals(SnapshotFailure.TRANSFER_FAILED, failure(sync -> bytes("+FULLRESYNC what\r\n")).code());
        assertEquals(SnapshotFailure.TRANSFER_FAILED, failure(sync -> bytes("$EOF:short\r\n")).code());
        assertEquals(SnapshotFailure.TRANSFER_FAILED, failure(sync -> concat(bytes("\n\n$EOF:" + MARK + "\r\n"),
                bytes("NOT AN RDB AT ALL, SORRY"))).code());
    }

    @Test
    void newlinesWhileTheServerPreparesTheSnapshotAreWaitedThrough() throws Exception {
        Snapshot snapshot = take(sync -> concat(bytes("\n\n\n$EOF:" + MARK + "\r\n"), rdb, bytes(MARK)));
        assertEquals(rdb.length, snapshot.rdbBytes());
        assertTrue(Arrays.equals(rdb, Files.readAllBytes(dir.resolve("dump.rdb"))));
    }

    @Test
    void aServerThatOnlySendsNewlinesIsStoppedAtTheSnapshotsDeadline() throws Exception {
        long started = System.nanoTime();
        SnapshotFailure failure = assertThrows(SnapshotFailure.class, () -> take(out -> {
            while (true) {
                out.write('\n'); // "still preparing", for ever, each well within the read timeout
                out.flush();
                Thread.sleep(200);
            }
        }, new TransferGuard.Limits(Duration.ofSeconds(2), 1000, Duration.ofSeconds(1))));
        assertEquals(SnapshotFailure.TOO_SLOW, failure.code());
        assertTrue(failure.getMessage().contains("deadline of 2 s"), failure.getMessage());
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(20).toNanos(), "stopped near its deadline");
    }

    @Test
    void aSnapshotThatTricklesIsStoppedBelowTheMinimumRate() throws Exception {
        SnapshotFailure failure = assertThrows(SnapshotFailure.class, () -> take(out -> {
            out.write(bytes("$EOF:" + MARK + "\r\n"));
            for (int at = 0; at < rdb.length; at += 10) {
                out.write(rdb, at, Math.min(10, rdb.length - at)); // 50 bytes a second
                out.flush();
                Thread.sleep(200);
            }
        }, new TransferGuard.Limits(Duration.ofMinutes(5), 1000, Duration.ofSeconds(1))));
        assertEquals(SnapshotFailure.TOO_SLOW, failure.code());
        assertTrue(failure.getMessage().contains("below the minimum rate of 1000 bytes/s"), failure.getMessage());
    }

    @Test
    void aSnapshotThatStopsHalfwayIsStoppedByItsGuardNotLeftWaiting() throws Exception {
        // the guard (a second below 1000 bytes/s) acts before the reads' own timeout (5 s here) would
        long started = System.nanoTime();
        SnapshotFailure failure = assertThrows(SnapshotFailure.class, () -> take(out -> {
            out.write(bytes("$EOF:" + MARK + "\r\n"));
            out.write(rdb, 0, rdb.length / 2);
            out.flush();
            Thread.sleep(60_000); // and then nothing, the connection held open
        }, new TransferGuard.Limits(Duration.ofMinutes(5), 1000, Duration.ofSeconds(1))));
        assertEquals(SnapshotFailure.TOO_SLOW, failure.code());
        assertTrue(failure.getMessage().contains("below the minimum rate of 1000 bytes/s"), failure.getMessage());
        // about 1 s, and the fake server's 5 s to let go
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(20).toNanos(), "stopped by the guard");
    }

    /** What the fake server sends after SYNC, as it likes. */
    interface Reply {
        void send(OutputStream out) throws IOException, InterruptedException;
    }

    private SnapshotFailure failure(Function<String, byte[]> syncReply) {
        return assertThrows(SnapshotFailure.class, () -> take(syncReply));
    }

    private Snapshot take(Function<String, byte[]> syncReply) throws Exception {
        return take(out -> out.write(syncReply.apply("SYNC")),
                new TransferGuard.Limits(Duration.ofMinutes(1), 1, Duration.ofMinutes(1)));
    }

    private Snapshot take(Reply syncReply, TransferGuard.Limits limits) throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            Thread fake = Thread.ofPlatform().daemon().start(() -> serve(server, syncReply));
            try (OutputStream out = Files.newOutputStream(dir.resolve("dump.rdb"));
                    OutputStream index = Files.newOutputStream(dir.resolve("keys.idx"))) {
                return new SnapshotTaker(Duration.ofSeconds(5), limits).take(
                        new InstanceEndpoint("127.0.0.1", server.getLocalPort(), null, "pw", false), out, index,
                        bytes -> { }, 0);
            } finally {
                server.close();
                fake.join(5000);
            }
        }
    }

    /** Answers every connection: INFO with a version, SYNC with {@code syncReply}, anything else with +OK. */
    private static void serve(ServerSocket server, Reply syncReply) {
        while (!server.isClosed()) {
            Socket accepted;
            try {
                accepted = server.accept();
            } catch (IOException closed) {
                return;
            }
            try (Socket client = accepted) {
                InputStream in = client.getInputStream();
                OutputStream out = client.getOutputStream();
                for (String command = command(in); command != null; command = command(in)) {
                    if (command.equalsIgnoreCase("INFO")) {
                        String info = "# Server\r\nredis_version:7.0.15\r\n";
                        out.write(bytes("$" + info.length() + "\r\n" + info + "\r\n"));
                    } else if (command.equalsIgnoreCase("SYNC")) {
                        syncReply.send(out);
                        out.flush();
                        break;
                    } else {
                        out.write(bytes("+OK\r\n"));
                    }
                    out.flush();
                }
            } catch (IOException reset) {
                // the client went away (the version check's client resets its connection): take the next one
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The name of the next RESP command, its arguments read and dropped; null at the end. */
    private static String command(InputStream in) throws IOException {
        String header = line(in);
        if (header == null) {
            return null;
        }
        int count = Integer.parseInt(header.substring(1));
        String name = null;
        for (int i = 0; i < count; i++) {
            int length = Integer.parseInt(line(in).substring(1));
            byte[] argument = in.readNBytes(length + 2);
            if (i == 0) {
                name = new String(argument, 0, length, StandardCharsets.UTF_8);
            }
        }
        return name;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return null;
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            joined.writeBytes(part);
        }
        return joined.toByteArray();
    }
}
