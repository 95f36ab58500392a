package io.redisbackup.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.redisbackup.testsupport.Gateway;
import io.redisbackup.testsupport.RedisServer;

/**
 * The product at work on a real Redis, through the running stack's API: starts a password-protected redis-server of
 * its own, fills it, registers it, backs it up and follows the task to SUCCEEDED; downloads the backup and checks
 * that a fresh redis-server loading it holds the very same dataset ({@code DEBUG DIGEST}); then changes the instance,
 * recovers two keys and checks that only they came back; then recovers the whole instance and checks that it holds
 * the backed-up dataset again. Any difference ends it with a message and exit status 1.
 *
 * <p>Usage: {@code Demo <gateway URL> <token file> <work folder>}
 */
public final class Demo {

    private static final Duration TASK_TIME = Duration.ofMinutes(2);

    private final Gateway api;
    private final Path work;

    private Demo(Gateway api, Path work) {
        this.api = api;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: Demo <gateway URL> <token file> <work folder>");
            System.exit(2);
        }
        String token = Files.readString(Path.of(args[1])).strip();
        try {
            new Demo(Gateway.at(args[0], token), Path.of(args[2])).run();
            say("passed. See the tasks: curl -H \"Authorization: Bearer $(cat " + args[1] + ")\" " + args[0]
                    + "/api/v1/tasks");
        } catch (Failed | AssertionError e) {
            System.err.println("demo: " + e.getMessage());
            System.exit(1);
        }
    }

    private void run() throws Exception {
        Files.createDirectories(work);
        try (RedisServer redis = RedisServer.start()) {
            redis.call("DEBUG", "POPULATE", "20000", "demo:key", "64");
            redis.call("HSET", "user:1", "name", "Alice", "plan", "gold");
            redis.call("RPUSH", "queue:emails", "a@example.com", "b@example.com");
            redis.call("ZADD", "leaderboard", "120", "alice", "95", "bob");
            redis.call("SET", "session:42", "token", "EX", "3600");
            redis.call("XADD", "events", "*", "type", "signup", "user", "1");
            String digest = redis.digest();
            say("a Redis instance on " + redis.host() + ":" + redis.port() + " with " + redis.callString("DBSIZE")
                    + " keys (digest " + digest + ")");

            String instance = api.register(redis, "demo-" + redis.port(), null);
            say("registered as instance " + instance);
            Map<String, String> backup = api.manualBackup(instance);
            say("backup " + backup.get("backupId") + " asked for; following task " + backup.get("taskId"));
            succeeded(backup.get("taskId"), "the backup");

            Path download = work.resolve("dump.rdb");
            Files.write(download, api.download(backup.get("backupId")));
            say("downloaded " + Files.size(download) + " bytes");
            try (RedisServer copy = RedisServer.startFromRdb(download)) {
                same(digest, copy.digest(), "the downloaded copy");
            }
            say("a fresh redis-server loading the download has the same dataset (digest " + digest + ")");

            redis.call("DEL", "user:1", "leaderboard");
            redis.call("SET", "user:1", "overwritten");
            redis.call("SET", "added:after:backup", "1");
            say("changed the instance; recovering only the keys user:1 and leaderboard");
            succeeded(api.recover(instance, Map.of("backupId", backup.get("backupId"), "password", redis.password(),
                    "mode", "KEYS", "keys", "user:1;leaderboard")), "the keys recovery");
            same("Alice", redis.callString("HGET", "user:1", "name"), "user:1 after the keys recovery");
            same("120", redis.callString("ZSCORE", "leaderboard", "alice"), "leaderboard after the keys recovery");
            same("1", redis.callString("GET", "added:after:backup"), "a key the keys recovery must not touch");
            say("user:1 and leaderboard are back, added:after:backup is untouched");

            redis.call("SET", "user:1", "overwritten-again");
            say("changed the instance (digest " + redis.digest() + "); recovering all of it");
            succeeded(api.recover(instance, Map.of("backupId", backup.get("backupId"), "password", redis.password(),
                    "mode", "INSTANCE")), "the whole-instance recovery");
            same(digest, redis.digest(), "the instance after the whole-instance recovery");
            say("the instance holds the backed-up dataset again (digest " + digest + ")");
        }
    }

    private void succeeded(String taskId, String what) throws Failed {
        Map<String, Object> task = api.awaitEnd(taskId, TASK_TIME);
        if (!"SUCCEEDED".equals(task.get("status"))) {
            throw new Failed(what + " ended " + task.get("status") + ": " + task.get("error"));
        }
        say("task " + taskId + " SUCCEEDED");
    }

    private static void same(String expected, String actual, String what) throws Failed {
        if (!expected.equals(actual)) {
            throw new Failed(what + " differs: " + actual + ", expected " + expected);
        }
    }

    private static void say(String line) {
        System.out.println("demo: " + line);
    }

    /** The demo found the product not doing what it says. */
    private static final class Failed extends Exception {
        Failed(String message) {
            super(message);
        }
    }
}
