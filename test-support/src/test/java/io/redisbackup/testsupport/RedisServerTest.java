package io.redisbackup.testsupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.Socket;

import org.junit.jupiter.api.Test;

class RedisServerTest {

    @Test
    void requiresItsPassword() {
        try (RedisServer redis = RedisServer.start();
                RespConnection anonymous = RespConnection.open(redis.host(), redis.port())) {
            RespConnection.RedisErrorReply refused = assertThrows(RespConnection.RedisErrorReply.class,
                    () -> anonymous.call("GET", "x"));
            assertTrue(refused.getMessage().startsWith("NOAUTH"), refused.getMessage());
            assertEquals("PONG", redis.call("PING"));
        }
    }

    @Test
    void roundTripsBinaryKeysAndValues() {
        byte[] key = {0, (byte) 0xff, ';', ' ', '\r', '\n'};
        byte[] value = {(byte) 0xc3, 0x28, 0, 1};
        try (RedisServer redis = RedisServer.start()) {
            assertEquals("OK", redis.call("SET", key, value));
            assertArrayEquals(value, (byte[]) redis.call("GET", key));
            assertEquals(1L, redis.call("DBSIZE"));
        }
    }

    @Test
    void twoServersGetTheirOwnPortsAndStopCompletely() throws Exception {
        RedisServer first = RedisServer.start();
        RedisServer second = RedisServer.start();
        assertNotEquals(first.port(), second.port());
        first.call("SET", "only-in", "first");
        assertEquals(0L, second.call("EXISTS", "only-in"));

        first.close();
        second.close();
        assertFalse(first.isAlive());
        assertFalse(second.isAlive());
        assertThrows(ConnectException.class, () -> new Socket(first.host(), first.port()).close());
    }

    @Test
    void passesExtraConfiguration() {
        try (RedisServer redis = RedisServer.start("--maxmemory-policy", "allkeys-lfu")) {
            assertEquals("allkeys-lfu", ((java.util.List<?>) redis.call("CONFIG", "GET", "maxmemory-policy"))
                    .stream().map(RespConnection::asString).toList().get(1));
        }
    }
}
