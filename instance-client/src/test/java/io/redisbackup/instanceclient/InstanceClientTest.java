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

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.redisbackup.testsupport.RedisServer;
import io.redisbackup.testsupport.TestVertx;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;

/** Both ways to an instance, against a real redis-server, a closed port and a server that is not Redis. */
class InstanceClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    static final Vertx vertx = TestVertx.shared();
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
        try (InstanceClient client = InstanceClient.connect(vertx, endpoint(redis.password()), TIMEOUT)) {
            assertEquals(redis.callString("INFO", "server").lines().filter(l -> l.startsWith("redis_version:"))
                    .findFirst().orElseThrow().substring("redis_version:".length()).trim(), client.redisVersion());
            assertTrue(Long.parseLong(client.info("memory", "used_memory").orElseThrow()) > 0);
            assertFalse(client.info("memory", "no_such_field").isPresent());
            assertEquals("OK", client.send(Command.SELECT, "3").toString());
            InstanceFailure refused = assertThrows(InstanceFailure.class, () -> client.send(Command.SELECT, "999999"));
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
        try (NotRedis http = new NotRedis()) {
            InstanceEndpoint notRedis = new InstanceEndpoint("127.0.0.1", http.port(), null, "pw", false);
            assertKinds(nothingThere, InstanceFailure.Kind.UNREACHABLE, "connection refused");
            assertKinds(unknownHost, InstanceFailure.Kind.UNREACHABLE, "unknown host");
            assertKinds(wrongPassword, InstanceFailure.Kind.AUTH_FAILED, "refused the user name or password");
            assertKinds(notRedis, InstanceFailure.Kind.NOT_REDIS, "does not speak the Redis protocol");
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
                () -> InstanceClient.connect(vertx, endpoint, TIMEOUT).close());
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

    /** Answers anything with an HTTP error, as a web server on the wrong port would. */
    private static final class NotRedis implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0);

        NotRedis() throws IOException {
            Thread.ofPlatform().daemon().start(() -> {
                while (!server.isClosed()) {
                    try (Socket client = server.accept()) {
                        client.getInputStream().read(new byte[256]);
                        client.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
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
