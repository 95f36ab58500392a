package io.redisbackup.instanceclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.redisbackup.testsupport.RedisServer;

/** Both ways to an instance, against a real redis-server, a closed port and a server that is not Redis. */
class InstanceClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    static RedisServer redis;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    @Test
    void readsTheVersionAndInfoOfARealServer() throws Exception {
        try (InstanceClient client = InstanceClient.connect(endpoint(redis.password()), TIMEOUT)) {
            assertEquals(redis.callString("INFO", "server").lines().filter(l -> l.startsWith("redis_version:"))
                    .findFirst().orElseThrow().substring("redis_version:".length()).trim(), client.redisVersion());
            assertTrue(Long.parseLong(client.info("memory", "used_memory").orElseThrow()) > 0);
            assertFalse(client.info("memory", "no_such_field").isPresent());
            assertEquals("OK", client.send("SELECT", "3"));
            client.send("SET", "k", "v\u00e9");
            assertEquals("v\u00e9", client.send("GET", "k"));
            assertEquals(null, client.send("GET", "no-such-key"));
            assertEquals(1L, client.send("DBSIZE"));
            assertEquals(List.of("maxmemory-policy", "noeviction"), client.send("CONFIG", "GET", "maxmemory-policy"));
            InstanceFailure refused = assertThrows(InstanceFailure.class, () -> client.send("SELECT", "999999"));
            assertEquals(InstanceFailure.Kind.NOT_REDIS, refused.kind());
            assertTrue(refused.getMessage().contains("DB index"), refused.getMessage());
        }
    }

    @Test
    void sortsWhyAnInstanceCannotBeUsedTheSameWayForBothKindsOfConnection() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        InstanceEndpoint nothingThere = new InstanceEndpoint("127.0.0.1", closed, null, "pw", false);
        InstanceEndpoint wrongPassword = endpoint("not-it");
        InstanceEndpoint unknownHost = new InstanceEndpoint("no-such-host.invalid", 6379, null, "pw", false);
        try (Answers http = new Answers("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")) {
            InstanceEndpoint notRedis = new InstanceEndpoint("127.0.0.1", http.port(), null, "pw", false);
            assertKinds(nothingThere, InstanceFailure.Kind.UNREACHABLE, "connection refused");
            assertKinds(unknownHost, InstanceFailure.Kind.UNREACHABLE, "unknown host");
            assertKinds(wrongPassword, InstanceFailure.Kind.AUTH_FAILED, "refused the user name or password");
            assertKinds(notRedis, InstanceFailure.Kind.NOT_REDIS, "does not speak the Redis protocol");
        }
    }

    @Test
    void aServerThatWantsAPasswordRefusesAClientWithout() {
        InstanceFailure refused = assertThrows(InstanceFailure.class,
                () -> InstanceClient.connect(endpoint(null), TIMEOUT).close());
        assertEquals(InstanceFailure.Kind.AUTH_FAILED, refused.kind(), refused.getMessage());
    }

    @Test
    void aServerWithoutAPasswordThatIsNotRedisIsToldApartAsItConnects() throws Exception {
        try (Answers http = new Answers("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")) {
            InstanceFailure failure = assertThrows(InstanceFailure.class, () -> InstanceClient.connect(
                    new InstanceEndpoint("127.0.0.1", http.port(), null, null, false), TIMEOUT).close());
            assertEquals(InstanceFailure.Kind.NOT_REDIS, failure.kind(), failure.getMessage());
        }
    }

    @Test
    void hostileRepliesAreRefusedAndTheConnectionIsNotUsedAfter() throws Exception {
        String[] hostile = { "$" + (InstanceClient.MAX_BULK + 1) + "\r\n", "*" + (InstanceClient.MAX_ELEMENTS + 1)
                + "\r\n", "*1\r\n".repeat(9) + ":1\r\n", "$10\r\nshort", ":12x\r\n", "$-2\r\n",
                "+" + "x".repeat(5000) + "\r\n" };
        for (String reply : hostile) {
            try (Answers server = new Answers("+PONG\r\n", reply);
                    InstanceClient client = InstanceClient.connect(new InstanceEndpoint("127.0.0.1", server.port(),
                            null, null, false), TIMEOUT)) {
                InstanceFailure failure = assertThrows(InstanceFailure.class, () -> client.send("INFO"), reply);
                assertEquals(InstanceFailure.Kind.NOT_REDIS, failure.kind(), failure.getMessage());
                assertThrows(InstanceFailure.class, () -> client.send("PING"), "nothing is read after " + reply);
            }
        }
    }

    @Test
    void anErrorInAnArrayIsAnErrorAndTheNextReplyIsReadInStep() throws Exception {
        try (Answers server = new Answers("+PONG\r\n", "*3\r\n:1\r\n-ERR one of them\r\n$2\r\nok\r\n",
                "+OK\r\n");
                InstanceClient client = InstanceClient.connect(new InstanceEndpoint("127.0.0.1", server.port(), null,
                        null, false), TIMEOUT)) {
            InstanceFailure failure = assertThrows(InstanceFailure.class, () -> client.send("EXEC"));
            assertTrue(failure.getMessage().contains("ERR one of them"), failure.getMessage());
            assertEquals("OK", client.send("PING"));
        }
    }

    @Test
    void aSocketIsLoggedInAndReadsFromTheFirstByteOfItsOwnTraffic() throws Exception {
        try (Socket socket = InstanceSockets.open(endpoint(redis.password()), TIMEOUT, 1 << 16)) {
            socket.getOutputStream().write(InstanceSockets.command("PING"));
            assertEquals("+PONG", InstanceSockets.line(socket.getInputStream()));
        }
    }

    private static void assertKinds(InstanceEndpoint endpoint, InstanceFailure.Kind kind, String words) {
        InstanceFailure byClient = assertThrows(InstanceFailure.class,
                () -> InstanceClient.connect(endpoint, TIMEOUT).close());
        InstanceFailure bySocket = assertThrows(InstanceFailure.class,
                () -> InstanceSockets.open(endpoint, TIMEOUT, 0).close());
        for (InstanceFailure failure : new InstanceFailure[] { byClient, bySocket }) {
            assertEquals(kind, failure.kind(), failure.getMessage());
            assertTrue(failure.getMessage().contains(words), failure.getMessage());
            assertFalse(failure.getMessage().contains("not-it"), "the password is never told");
        }
    }

    private static InstanceEndpoint endpoint(String password) {
        return new InstanceEndpoint(redis.host(), redis.port(), null, password, false);
    }

    /**
     * A server that answers its client's first reads with {@code replies}, one for each read, in turn (a client that
     * sends a command at a time reads each reply before its next command), then hangs up: an HTTP error, as a web
     * server on the wrong port would, or what no Redis says.
     */
    private static final class Answers implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0);

        Answers(String... replies) throws IOException {
            Thread.ofPlatform().daemon().start(() -> {
                while (!server.isClosed()) {
                    try (Socket client = server.accept()) {
                        for (String reply : replies) {
                            if (client.getInputStream().read(new byte[256]) < 0) {
                                break;
                            }
                            client.getOutputStream().write(reply.getBytes(StandardCharsets.US_ASCII));
                        }
                    } catch (IOException e) {
                        // closed
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
