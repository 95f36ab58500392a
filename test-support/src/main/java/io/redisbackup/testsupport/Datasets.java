package io.redisbackup.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Datasets to back up, written with plain commands into a real server. */
public final class Datasets {

    /** A binary key: not UTF-8, with a NUL, a semicolon and a space. */
    public static final byte[] BINARY_KEY = { 'b', 'i', 'n', 0, (byte) 0xff, (byte) 0xfe, ';', ' ', 'k' };
    public static final byte[] BINARY_VALUE = { 0, 1, 2, (byte) 0x80, (byte) 0xc3, 0x28, '\r', '\n' };
    public static final String FUNCTION_LIBRARY = "#!lua name=backuplib\n"
            + "redis.register_function('echo_first', function(keys, args) return args[1] end)";

    /** The keys {@link #largeKeys} writes, each stored in more than {@code bytes}. */
    public static final List<String> LARGE_KEYS = List.of("large:string", "large:hash", "large:list");

    private Datasets() {
    }

    /**
     * Keys too large for a recovery to hold whole in memory: a string, a hash and a list, each of more than
     * {@code bytes} of random bytes (which Redis cannot compress), the string with a TTL, in database
     * {@code db}.
     */
    public static void largeKeys(RedisServer redis, int db, int bytes) {
        java.util.Random random = new java.util.Random(bytes);
        try (RespConnection c = redis.authenticatedConnection()) {
            c.call("SELECT", Integer.toString(db));
            byte[] string = new byte[bytes + 1000];
            random.nextBytes(string);
            c.call("SET", "large:string", string, "EX", "86400");
            int pieces = bytes / 1000 + 100;
            for (int from = 0; from < pieces; from += 2000) {
                List<Object> hset = new ArrayList<>(List.of("HSET", "large:hash"));
                List<Object> rpush = new ArrayList<>(List.of("RPUSH", "large:list"));
                for (int i = from; i < Math.min(pieces, from + 2000); i++) {
                    byte[] value = new byte[1000];
                    random.nextBytes(value);
                    hset.add("field:" + i);
                    hset.add(value);
                    rpush.add(value);
                }
                c.call(hset.toArray());
                c.call(rpush.toArray());
            }
        }
    }

    /**
     * Every kind of data a backup must keep: each type in its small and large encodings, binary-safe keys and
     * values, keys with a TTL, a stream with a consumer group and pending entries, keys in databases 0, 1 and 5
     * (the same name in two of them), and a function library.
     */
    public static void everyType(RedisServer redis) {
        try (RespConnection c = redis.authenticatedConnection()) {
            c.call("SELECT", "0");
            c.call("SET", "string:small", "hello");
            c.call("SET", "string:int", "12345");
            c.call("SET", "string:big", "x".repeat(20_000));
            c.call("SET", BINARY_KEY, BINARY_VALUE);
            c.call("SET", "12345", "a key that Redis stores as an integer");
            c.call("SET", "string:ttl", "goes away", "PX", "3600000");
            c.call("SETBIT", "string:bitmap", "1000", "1");
            c.call("PFADD", "string:hll", "a", "b", "c");

            c.call("RPUSH", "list:small", "a", "b", "c");
            c.call(withValues(List.of("RPUSH", "list:big"), "item-", 600));
            c.call("HSET", "hash:small", "f1", "v1", "f2", "v2");
            c.call(withValues(List.of("HSET", "hash:big"), "field-", 1_200));
            c.call("EXPIRE", "hash:small", "7200");
            c.call("SADD", "set:ints", "1", "2", "3");
            c.call(withValues(List.of("SADD", "set:big"), "member-", 600));
            c.call("ZADD", "zset:small", "1", "one", "2", "two");
            List<Object> zadd = new ArrayList<>(List.of("ZADD", "zset:big"));
            for (int i = 0; i < 300; i++) {
                zadd.add(Double.toString(i * 1.5));
                zadd.add("member-" + i);
            }
            c.call(zadd.toArray());
            c.call("GEOADD", "zset:geo", "13.361389", "38.115556", "Palermo");

            c.call("XADD", "stream:orders", "1-1", "item", "book");
            c.call("XADD", "stream:orders", "2-1", "item", "pen");
            c.call("XADD", "stream:orders", "3-1", "item", "ink");
            c.call("XGROUP", "CREATE", "stream:orders", "shipping", "0");
            c.call("XREADGROUP", "GROUP", "shipping", "worker-1", "COUNT", "2", "STREAMS", "stream:orders", ">");

            c.call("SELECT", "1");
            c.call("SET", "string:small", "the same name, in database 1");
            c.call("LPUSH", "list:db1", "x");
            c.call("SELECT", "5");
            c.call("HSET", "hash:db5", "k", "v");
            c.call("SET", "string:db5:ttl", "v", "EX", "86400");

            c.call("FUNCTION", "LOAD", "REPLACE", FUNCTION_LIBRARY);
        }
    }

    private static Object[] withValues(List<String> command, String prefix, int count) {
        List<Object> args = new ArrayList<>(command);
        for (int i = 0; i < count; i++) {
            if (command.get(0).equals("HSET")) {
                args.add(prefix + i);
            }
            args.add((prefix + i + " ").repeat(3).getBytes(StandardCharsets.UTF_8));
        }
        return args.toArray();
    }
}
