package io.redisbackup.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The CPU time every process on the machine has spent so far, summed by the part of the run it belongs to: each
 * service of the stack (by its jar or main class), Kafka, s3proxy, PostgreSQL, redis-server, this benchmark. Read
 * from {@code /proc/<pid>/stat}: a process's own time and that of the children it has waited for (so a
 * redis-server's forks count for it once they end, and the redis-cli processes for this benchmark's JVM). Two
 * readings around a run tell whose work the run's CPU was.
 */
final class ProcessCpu {

    /** Linux's USER_HZ, the unit of {@code /proc/<pid>/stat}'s times: 100 on every x86-64 kernel. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private ProcessCpu() {
    }

    /** CPU milliseconds by part, of every process alive now. */
    static Map<String, Long> read() throws IOException {
        long self = ProcessHandle.current().pid();
        Map<String, Long> byPart = new TreeMap<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : (Iterable<Path>) processes::iterator) {
                String name = process.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    long pid = Long.parseLong(name);
                    String part = pid == self ? "benchmark and its redis-cli" : part(process);
                    if (part != null) {
                        byPart.merge(part, millis(process, true), Long::sum);
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended while it was read
                }
            }
        }
        return byPart;
    }

    /** Runs {@code work}, and adds to {@code spent} what each part of the machine spent meanwhile, in ms. */
    static <T> T adding(Map<String, Long> spent, java.util.concurrent.Callable<T> work) throws Exception {
        Map<String, Long> before = read();
        T result = work.call();
        between(before, read()).forEach((part, millis) -> spent.merge(part, millis, Long::sum));
        return result;
    }

    /** How long {@link #atRest} watches the machine. */
    static final int AT_REST_SECONDS = 20;

    /**
     * What each part spends a second while nobody asks anything of the stack, in ms, over {@value #AT_REST_SECONDS}
     * s: the cost of its poll loops, heartbeats and timers, paid during every run, the floor's as ours.
     */
    static Map<String, Double> atRest() throws IOException, InterruptedException {
        Map<String, Long> before = read();
        Thread.sleep(AT_REST_SECONDS * 1000L);
        Map<String, Double> each = new TreeMap<>();
        between(before, read()).forEach((part, millis) -> each.put(part,
                Math.round(millis * 10.0 / AT_REST_SECONDS) / 10.0));
        return each;
    }

    /** The line a report gives {@link #atRest}'s reading. */
    static String atRestLine(Map<String, Double> atRest) {
        return String.format("CPU of the stack at rest, by part (ms a second, over %d s): %s%n", AT_REST_SECONDS,
                atRest);
    }

    /** Each part's share of {@code runs} runs, in ms a run. */
    static Map<String, Long> perRun(Map<String, Long> spent, int runs) {
        Map<String, Long> each = new TreeMap<>();
        spent.forEach((part, millis) -> each.put(part, millis / runs));
        return each;
    }

    /** What each part spent between two readings, in ms; parts that spent nothing are left out. */
    static Map<String, Long> between(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> spent = new TreeMap<>();
        after.forEach((part, millis) -> {
            long used = millis - before.getOrDefault(part, 0L);
            if (used > 0) {
                spent.put(part, used);
            }
        });
        return spent;
    }

    private static String part(Path process) throws IOException {
        String command = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8)
                .replace('\0', ' ');
        String comm = Files.readString(process.resolve("comm")).strip();
        if (comm.equals("java")) {
            for (String part : new String[] { "api-gateway", "task-center-service", "scheduler-service",
                    "backup-worker", "restore-worker" }) {
                if (command.contains("/" + part + "/target/")) {
                    return part;
                }
            }
            if (command.contains("LocalKafka")) {
                return "kafka";
            }
            if (command.contains("LocalS3")) {
                return "s3proxy";
            }
            if (command.contains("LocalPostgres")) {
                return "postgres";
            }
            return null;
        }
        if (comm.startsWith("postgres")) {
            return "postgres";
        }
        if (comm.startsWith("redis-server") || comm.startsWith("redis-rdb")) {
            return "redis-server";
        }
        return null;
    }

    /** The CPU time the process has spent itself so far, in ms (not its children's). */
    static long ownMillis(long pid) throws IOException {
        return millis(Path.of("/proc/" + pid), false);
    }

    private static long millis(Path process, boolean withChildren) throws IOException {
        String stat = Files.readString(process.resolve("stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = 0;
        for (int i = 11; i <= (withChildren ? 14 : 12); i++) { // utime, stime, cutime, cstime (fields 14-17)
            ticks += Long.parseLong(fields[i]);
        }
        return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
    }
}
