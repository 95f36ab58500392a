package io.redisbackup.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.StreamEntryID;

/**
 * The benchmark's dataset, the same for the same size on every run (a fixed seed): {@code keys} keys of mixed types
 * and sizes (strings of 8 B to 1 KiB and integers, small hashes, lists, sets, sorted sets and streams), one in ten
 * with a TTL of one to ten days, and, from 10,000 keys up, a few big keys (a 100,000-field hash, a 200,000-element
 * list, a 50,000-member sorted set, a 4 MiB string).
 */
final class Dataset {

    private static final int PIPELINE = 2_000;

    private Dataset() {
    }

    /** The name of the {@code i}th key; the same on every run. */
    static String key(int i) {
        return switch (i % 20) {
            case 0, 1, 2 -> "hash:" + i;
            case 3, 4 -> "list:" + i;
            case 5 -> "set:" + i;
            case 6 -> "zset:" + i;
            case 7 -> i % 40 == 7 ? "stream:" + i : "string:" + i;
            default -> "string:" + i;
        };
    }

    /** {@code count} different keys of a dataset of {@code keys}, none of its few big ones, as {@code random} picks. */
    static List<String> randomKeys(Random random, int count, int keys) {
        int ordinary = keys >= 10_000 ? keys - 4 : keys;
        List<String> chosen = new ArrayList<>();
        java.util.Set<String> taken = new java.util.HashSet<>();
        while (chosen.size() < Math.min(count, ordinary)) {
            String key = key(random.nextInt(ordinary));
            if (taken.add(key)) {
                chosen.add(key);
            }
        }
        return chosen;
    }

    static void load(Jedis redis, int keys) {
        load(redis::pipelined, keys);
    }

    /** The dataset written through the pipelines {@code pipelines} gives (a server's, or a cluster's). */
    static void load(java.util.function.Supplier<? extends AbstractPipeline> pipelines, int keys) {
        Random random = new Random(42);
        AbstractPipeline pipeline = pipelines.get();
        int bigKeys = keys >= 10_000 ? 4 : 0;
        for (int i = 0; i < keys - bigKeys; i++) {
            String key = key(i);
            switch (key.substring(0, key.indexOf(':'))) {
                case "hash" -> {
                    String[] fields = new String[2 * (3 + random.nextInt(15))];
                    for (int f = 0; f < fields.length; f += 2) {
                        fields[f] = "field" + f;
                        fields[f + 1] = text(random, 4 + random.nextInt(40));
                    }
                    pipeline.hset(key, pairs(fields));
                }
                case "list" -> pipeline.rpush(key, texts(random, 3 + random.nextInt(30), 20));
                case "set" -> pipeline.sadd(key, texts(random, 3 + random.nextInt(30), 12));
                case "zset" -> {
                    for (String member : texts(random, 3 + random.nextInt(20), 10)) {
                        pipeline.zadd(key, random.nextInt(10_000), member);
                    }
                }
                case "stream" -> {
                    for (int e = 0; e < 3 + random.nextInt(10); e++) {
                        pipeline.xadd(key, StreamEntryID.NEW_ENTRY,
                                java.util.Map.of("event", text(random, 16)));
                    }
                }
                default -> pipeline.set(key, random.nextInt(5) == 0 ? Integer.toString(random.nextInt(1_000_000))
                        : text(random, 8 + (int) Math.min(1016, Math.abs(random.nextGaussian()) * 200)));
            }
            if (random.nextInt(10) == 0) {
                pipeline.expire(key, 86_400 + random.nextInt(9 * 86_400));
            }
            if (i % PIPELINE == PIPELINE - 1) {
                pipeline.sync();
            }
        }
        pipeline.sync();
        if (bigKeys > 0) {
            big(pipelines.get(), random);
        }
    }

    private static void big(AbstractPipeline pipeline, Random random) {
        for (int i = 0; i < 100_000; i += 1000) {
            java.util.Map<String, String> fields = new java.util.HashMap<>();
            for (int f = i; f < i + 1000; f++) {
                fields.put("field" + f, text(random, 20));
            }
            pipeline.hset("big:hash", fields);
        }
        for (int i = 0; i < 200_000; i += 1000) {
            pipeline.rpush("big:list", texts(random, 1000, 16));
        }
        for (int i = 0; i < 50_000; i++) {
            pipeline.zadd("big:zset", random.nextDouble(), "member" + i);
            if (i % PIPELINE == 0) {
                pipeline.sync();
            }
        }
        pipeline.set("big:string", text(random, 4 << 20));
        pipeline.sync();
    }

    private static java.util.Map<String, String> pairs(String[] fields) {
        java.util.Map<String, String> map = new java.util.HashMap<>();
        for (int i = 0; i < fields.length; i += 2) {
            map.put(fields[i], fields[i + 1]);
        }
        return map;
    }

    private static String[] texts(Random random, int count, int length) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            texts.add(text(random, length));
        }
        return texts.toArray(String[]::new);
    }

    private static String text(Random random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('a' + random.nextInt(26));
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
