package io.redisbackup.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The benchmark: our backup and recovery, through the running stack's API, side by side with Redis's own tools on
 * the same data, the same machine and the same repetitions. See bench/run and the README.
 *
 * <pre>
 * Bench --api URL --token-file FILE --kafka HOST:PORT --work DIR --out FILE --backup-worker-pid PID --restore-worker-pid PID
 *       [--s3-pid PID] [--keys N] [--small N] [--reps R]
 * </pre>
 */
public final class Bench {

    private final TaskEvents events;
    private final Api api;
    private final Path work;
    private final int keys;
    private final int small;
    private final int reps;
    /** Whether 100-key recoveries are timed again once the worker has done many ({@link Api#warmKeysRecoveries}). */
    private final boolean warm;
    private final long backupWorkerPid;
    private final long restoreWorkerPid;
    /** The S3-compatible server's process, when the backups go there. */
    private final Long s3Pid;
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Object> memory = new LinkedHashMap<>();
    private final Map<String, Object> apiFigures = new LinkedHashMap<>();
    /** What each part of the stack spent a second at rest after the first recoveries ({@link ProcessCpu#atRest}). */
    private Map<String, Double> atRest = Map.of();
    private long rdbBytes;
    /** What the backup takes in the store: compressed and encrypted, its key index included. */
    private long storedBytes;

    /** One line of the table: our figure, the floor's (if there is one), and the goal. */
    record Row(String measure, Stats ours, Stats floor, String target) {
        Double ratio() {
            return floor == null || floor.isEmpty() ? null : ratio(ours.median(), floor.median());
        }

        /**
         * Each of our runs against the floor's run of the same repetition: the floor and ours take turns, so how far
         * the machine's own speed drifted during the benchmark shows in their spread.
         */
        List<Double> pairedRatios() {
            List<Double> ourRuns = ours.values();
            List<Double> floorRuns = floor.values();
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < Math.min(ourRuns.size(), floorRuns.size()); i++) {
                ratios.add(ratio(ourRuns.get(i), floorRuns.get(i)));
            }
            return ratios;
        }

        /** Ours over the floor, to two places. */
        private static double ratio(double ours, double floor) {
            return Math.round(ours / floor * 100) / 100.0;
        }
    }

    private Bench(Map<String, String> options) throws IOException {
        this.events = new TaskEvents(options.get("kafka"));
        this.api = new Api(options.get("api"), Path.of(options.get("token-file")), events);
        this.work = Path.of(options.get("work"));
        this.keys = Integer.parseInt(options.getOrDefault("keys", "1000000"));
        this.small = Integer.parseInt(options.getOrDefault("small", Integer.toString(Math.min(100_000, keys))));
        this.reps = Integer.parseInt(options.getOrDefault("reps", "5"));
        this.warm = Boolean.parseBoolean(options.getOrDefault("warm", "false"));
        this.backupWorkerPid = Long.parseLong(options.get("backup-worker-pid"));
        this.restoreWorkerPid = Long.parseLong(options.get("restore-worker-pid"));
        String s3 = options.getOrDefault("s3-pid", "");
        this.s3Pid = s3.isBlank() ? null : Long.valueOf(s3);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        Bench bench = new Bench(options);
        Instant started = Instant.now();
        try (TaskEvents events = bench.events) {
            bench.run();
        }
        bench.report(started, Path.of(options.get("out")));
    }

    /** {@code --name value} pairs, by name. */
    static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return options;
    }

    private void run() throws Exception {
        Files.createDirectories(work);
        try (RedisProcess source = RedisProcess.start(work, "source"); RedisProcess smallSource = RedisProcess.start(work, "small");
                RedisProcess target = RedisProcess.start(work, "target"); RedisProcess tiny = RedisProcess.start(work, "tiny")) {
            for (RedisProcess redis : List.of(source, smallSource, tiny)) {
                try (Jedis jedis = redis.connect()) {
                    jedis.configSet("repl-diskless-sync-delay", "0");
                }
            }
            say("loading " + small + " keys and " + keys + " keys (reproducible dataset) ...");
            try (Jedis jedis = smallSource.connect()) {
                Dataset.load(jedis, small);
            }
            try (Jedis jedis = source.connect()) {
                Dataset.load(jedis, keys);
                say("source: " + jedis.dbSize() + " keys, " + jedis.info("memory").lines()
                        .filter(l -> l.startsWith("used_memory_human")).findFirst().orElse(""));
            }
            try (Jedis jedis = tiny.connect()) {
                Dataset.load(jedis, 100);
            }
            String sourceId = api.register("bench-source", source);
            String smallId = api.register("bench-small", smallSource);
            String targetId = api.register("bench-target", target);
            String tinyId = api.register("bench-tiny", tiny);

            say("backups and recoveries of " + small + " keys");
            List<String> smallBackups = new ArrayList<>();
            Stats smallSnapshot = new Stats();
            for (int i = 0; i < reps; i++) {
                smallBackups.add(api.timedBackup(smallId, smallSnapshot, null));
            }
            String smallBackup = smallBackups.get(smallBackups.size() - 1);
            rows.add(new Row("snapshot, " + small + " keys, delay 0 (ms)", smallSnapshot, null, ""));
            recoverInstance(smallId, smallBackup, targetId, target, new Stats(), new Stats());
            keysRecoveries(smallId, smallBackups, small, targetId, target, () -> {
            });
            memory.put("afterSmall", workerMemory());
            // read after the first recoveries, not before them: the rows before keep the order of earlier runs
            atRest = ProcessCpu.atRest();

            say("snapshots of " + keys + " keys: redis-cli --rdb vs ours");
            List<String> backups = new ArrayList<>();
            String backup = null;
            for (int delay : new int[] { 0, 5 }) {
                try (Jedis jedis = source.connect()) {
                    jedis.configSet("repl-diskless-sync-delay", Integer.toString(delay));
                }
                Stats floor = new Stats();
                Stats ours = new Stats();
                Stats worker = new Stats();
                Stats workerCpu = new Stats();
                Stats s3Cpu = new Stats();
                for (int i = 0; i < reps; i++) {
                    floor.add(timedProcess(source.cli("--rdb", work.resolve("floor.rdb").toString()), null));
                    long workerBefore = ProcessCpu.ownMillis(backupWorkerPid);
                    long s3Before = s3Pid == null ? 0 : ProcessCpu.ownMillis(s3Pid);
                    backup = api.timedBackup(sourceId, ours, worker);
                    backups.add(backup);
                    workerCpu.add(ProcessCpu.ownMillis(backupWorkerPid) - workerBefore);
                    if (s3Pid != null) {
                        s3Cpu.add(ProcessCpu.ownMillis(s3Pid) - s3Before);
                    }
                }
                String defaultNote = delay == 5 ? " (the server's default)" : "";
                rows.add(new Row("snapshot, " + keys + " keys, repl-diskless-sync-delay " + delay + defaultNote + " (ms)",
                        ours, floor, "<= 1.2 x redis-cli --rdb"));
                if (delay == 0) {
                    rows.add(new Row("  of which the backup worker (ms)", worker, floor, ""));
                    rows.add(new Row("  CPU time the backup worker spent on it (ms)", workerCpu, null,
                            "what it takes of the 2 cores"));
                    if (s3Pid != null) {
                        rows.add(new Row("  CPU time the S3 server (s3proxy, on the same cores) spent on it (ms)",
                                s3Cpu, null, "paid by the storage service, not by us, on a real S3"));
                    }
                }
            }
            Files.deleteIfExists(work.resolve("floor.rdb"));
            JsonNode stored = api.call("GET", "/backups/" + backup, null, 200);
            rdbBytes = stored.path("sizeBytes").asLong();
            storedBytes = stored.path("storedBytes").asLong();

            say("full recovery of " + keys + " keys: redis-cli --pipe of RESTORE vs ours");
            Path restores = restoreCommands(source, work.resolve("restores.resp"));
            Stats floor = new Stats();
            Stats ours = new Stats();
            Stats worker = new Stats();
            Stats client = new Stats();
            Stats workerCpu = new Stats();
            Stats targetCpu = new Stats();
            Stats targetCpuFloor = new Stats();
            Stats s3Cpu = new Stats();
            for (int i = 0; i < reps; i++) {
                try (Jedis jedis = target.connect()) {
                    jedis.flushAll();
                }
                long targetBefore = ProcessCpu.ownMillis(target.pid());
                floor.add(timedProcess(target.cli("--pipe"), restores));
                targetCpuFloor.add(ProcessCpu.ownMillis(target.pid()) - targetBefore);
                try (Jedis jedis = target.connect()) {
                    jedis.flushAll();
                }
                client.add(VertxRestores.timed(restores, target));
                try (Jedis jedis = target.connect()) {
                    jedis.flushAll();
                }
                long workerBefore = ProcessCpu.ownMillis(restoreWorkerPid);
                long s3Before = s3Pid == null ? 0 : ProcessCpu.ownMillis(s3Pid);
                targetBefore = ProcessCpu.ownMillis(target.pid());
                recoverInstance(sourceId, backup, targetId, target, ours, worker);
                workerCpu.add(ProcessCpu.ownMillis(restoreWorkerPid) - workerBefore);
                targetCpu.add(ProcessCpu.ownMillis(target.pid()) - targetBefore);
                if (s3Pid != null) {
                    s3Cpu.add(ProcessCpu.ownMillis(s3Pid) - s3Before);
                }
            }
            Files.deleteIfExists(restores);
            rows.add(new Row("full recovery, " + keys + " keys (ms)", ours, floor, "<= 1.2 x redis-cli --pipe"));
            rows.add(new Row("  of which the restore worker (ms)", worker, floor, ""));
            rows.add(new Row("  CPU time the restore worker spent on it (ms)", workerCpu, null,
                    "what it takes of the 2 cores"));
            rows.add(new Row("  CPU time the target redis-server spent on it (ms)", targetCpu, targetCpuFloor,
                    "the server's own work: the same RESTOREs"));
            if (s3Pid != null) {
                rows.add(new Row("  CPU time the S3 server (s3proxy, on the same cores) spent on it (ms)", s3Cpu,
                        null, "the backup read once, and copied to the worker's disk"));
            }
            rows.add(new Row("  the same RESTOREs through quarkus-redis-client's Vert.x client (ms)", client, floor,
                    "why the RESTORE stream keeps its own socket"));

            // the first rows of the small backup timed a stack that had just started: its 100 keys again, in the
            // same state of the stack as the large backup's rows after three (before the 200 more)
            Random again = new Random(13);
            keysRecoveries(sourceId, backups, keys, targetId, target, () -> rows.add(new Row("100-key recovery from "
                    + "the backup of " + small + " keys again, the stack in use, worker time (ms)",
                    api.timedKeysRecoveries(smallId, smallBackup, targetId, target.password,
                            () -> Dataset.randomKeys(again, 100, small), reps), null,
                    "as the row of " + keys + " keys above: same for 100k and 1M")));
            patternRecovery(sourceId, backup, keys, targetId, target);
            dryRuns(sourceId, backup);
            safetyBackupAndDrill(sourceId, backup, keys, targetId, target);
            keyHistory(sourceId, keys);
            memory.put("afterFull", workerMemory());

            apiLatency(tinyId);
        }
    }

    private void recoverInstance(String instanceId, String backupId, String targetId, RedisProcess target, Stats wall,
            Stats worker) throws Exception {
        long start = System.nanoTime();
        // the floor loads the RESTOREs alone: no safety backup of the target first (its cost is a row of its own)
        JsonNode accepted = api.recover(instanceId, Map.of("backupId", backupId, "password", target.password,
                "mode", "INSTANCE", "targetInstanceId", targetId, "safetyBackup", false));
        Api.Task task = api.awaitTask(accepted.get("taskId").asText());
        wall.add((System.nanoTime() - start) / 1e6);
        worker.add(task.workerTime().toNanos() / 1e6);
    }

    /**
     * 1, 100 and 1000 keys of the last backup recovered into the target: the worker's time, each after
     * {@value Api#WARM_UP} untimed recoveries of as many keys ({@link Api#timedKeysRecoveries}); 100 keys from each
     * backup before it, which no recovery has read yet (the worker keeps what opening a backup's files read, so the
     * rows before time backups it has opened); then {@code beforeWarm}; with {@code --warm}, 100 keys again after
     * {@value Api#WARMED_BY} more ({@link Api#warmKeysRecoveries}).
     */
    private void keysRecoveries(String instanceId, List<String> backups, int datasetKeys, String targetId,
            RedisProcess target, Step beforeWarm) throws Exception {
        String backupId = backups.get(backups.size() - 1);
        Random random = new Random(7);
        for (int count : new int[] { 1, 100, 1000 }) {
            Stats worker = api.timedKeysRecoveries(instanceId, backupId, targetId, target.password,
                    () -> Dataset.randomKeys(random, count, datasetKeys), reps);
            rows.add(new Row(count + "-key recovery from a backup of " + datasetKeys + " keys, worker time (ms)",
                    worker, null, count == 100 ? "< 100 ms, same for 100k and 1M" : ""));
        }
        Stats unopened = api.keysRecoveryFromEach(instanceId,
                backups.subList(Math.max(0, backups.size() - 1 - reps), backups.size() - 1), targetId,
                target.password, () -> Dataset.randomKeys(random, 100, datasetKeys));
        if (!unopened.isEmpty()) { // one repetition (the smoke run): no backup before the last
            rows.add(new Row("  100 keys from a backup no recovery had opened yet, worker time (ms)", unopened, null,
                    "its frame tables and index read first"));
        }
        beforeWarm.run();
        if (warm) {
            Stats worker = api.warmKeysRecoveries(instanceId, backupId, targetId, target.password,
                    () -> Dataset.randomKeys(random, 100, datasetKeys), Math.max(reps, 10));
            rows.add(new Row("  the same 100 keys after " + Api.WARMED_BY + " more recoveries, worker time (ms)",
                    worker, null, "a worker that has done many"));
        }
    }

    /** A step of the run. */
    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** A pattern that selects 1,000 keys of a dataset of a million ({@link Dataset#key}: set:i for i % 20 == 5). */
    private static final String PATTERN = "set:1[0-4]??[02]5";
    private static final java.util.regex.Pattern PATTERN_AS_REGEX = java.util.regex.Pattern.compile("set:1[0-4]..[02]5");

    /** A KEYS recovery by pattern: the worker's time, with the keys it matched. */
    private void patternRecovery(String instanceId, String backupId, int datasetKeys, String targetId,
            RedisProcess target) throws Exception {
        long expected = java.util.stream.IntStream.range(0, datasetKeys)
                .filter(i -> PATTERN_AS_REGEX.matcher(Dataset.key(i)).matches()).count();
        Stats worker = new Stats();
        for (int i = 0; i < reps; i++) {
            JsonNode accepted = api.recover(instanceId, Map.of("backupId", backupId, "password", target.password,
                    "mode", "KEYS", "patterns", List.of(PATTERN), "targetInstanceId", targetId));
            Api.Task task = api.awaitTask(accepted.get("taskId").asText());
            long restored = task.json().path("result").path("keysRestored").asLong();
            if (restored != expected) {
                throw new IllegalStateException("The pattern " + PATTERN + " restored " + restored + " keys, not "
                        + expected);
            }
            worker.add(task.workerTime().toNanos() / 1e6);
        }
        rows.add(new Row("KEYS recovery by the pattern " + PATTERN + " (" + expected + " of " + datasetKeys
                + " keys), worker time (ms)", worker, null, expected == 1000 ? "< 500 ms for 1,000 of 1M" : ""));
    }

    /** Dry runs, timed as the API answers them: 100 keys, and a whole instance. */
    private void dryRuns(String instanceId, String backupId) throws Exception {
        Random random = new Random(11);
        Stats keysPlan = new Stats();
        Stats instancePlan = new Stats();
        for (int i = 0; i < reps; i++) {
            List<String> chosen = new ArrayList<>();
            while (chosen.size() < 100) {
                chosen.add(Dataset.key(random.nextInt(Math.max(1, keys - 4))));
            }
            long start = System.nanoTime();
            JsonNode plan = api.call("POST", "/instances/" + instanceId + "/recoveries", Map.of("backupId", backupId,
                    "mode", "KEYS", "keyList", chosen, "dryRun", true), 200);
            keysPlan.add((System.nanoTime() - start) / 1e6);
            if (plan.path("keysSelected").asInt() < 90) {
                throw new IllegalStateException("A dry run found too few keys: " + plan.path("keysSelected"));
            }
            start = System.nanoTime();
            api.call("POST", "/instances/" + instanceId + "/recoveries", Map.of("backupId", backupId,
                    "mode", "INSTANCE", "dryRun", true), 200);
            instancePlan.add((System.nanoTime() - start) / 1e6);
        }
        rows.add(new Row("dry run of a 100-key recovery, API response (ms)", keysPlan, null, "< 100 ms"));
        rows.add(new Row("dry run of a whole-instance recovery of " + keys + " keys, API response (ms)",
                instancePlan, null, "reads the whole key index"));
    }

    /**
     * A whole-instance recovery as users get it, the backup of the target (holding the dataset) taken first; and a
     * restore drill of the backup. One run each.
     */
    private void safetyBackupAndDrill(String instanceId, String backupId, int datasetKeys, String targetId,
            RedisProcess target) throws Exception {
        long start = System.nanoTime();
        JsonNode accepted = api.recover(instanceId, Map.of("backupId", backupId, "password", target.password,
                "mode", "INSTANCE", "targetInstanceId", targetId));
        api.awaitTask(accepted.get("taskId").asText());
        rows.add(new Row("full recovery, " + datasetKeys + " keys, with the safety backup of the target first (ms)",
                single((System.nanoTime() - start) / 1e6), null, "the way back costs one snapshot of the target"));
        JsonNode drill = api.call("POST", "/backups/" + backupId + "/verify", null, 202);
        Api.Task task = api.awaitTask(drill.get("taskId").asText());
        rows.add(new Row("restore drill of a backup of " + datasetKeys + " keys, worker time (ms)",
                single(task.workerTime().toNanos() / 1e6), null, "scratch redis-server loads it; every key checked"));
    }

    /**
     * A key's history over the source's newest 30 backups (5 for a smoke run), more taken first where there are
     * fewer.
     */
    private void keyHistory(String instanceId, int datasetKeys) throws Exception {
        int backups = datasetKeys >= 100_000 ? 30 : 5;
        int have = api.call("GET", "/instances/" + instanceId + "/backups", null, 200).size();
        for (int i = have; i < backups; i++) {
            api.timedBackup(instanceId, new Stats(), null);
        }
        Stats history = new Stats();
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            JsonNode found = api.call("GET", "/instances/" + instanceId + "/keys/history?key="
                    + java.net.URLEncoder.encode(Dataset.key(7 + 20 * i), java.nio.charset.StandardCharsets.UTF_8)
                    + "&backups=" + backups, null, 200);
            history.add((System.nanoTime() - start) / 1e6);
            if (found.path("backups").size() != backups) {
                throw new IllegalStateException("A key history covered " + found.path("backups").size() + " backups");
            }
        }
        rows.add(new Row("key history over " + backups + " backups of " + datasetKeys + " keys, API response (ms)",
                history, null, backups == 30 ? "< 300 ms" : ""));
    }

    /** POST .../backups and GET /tasks while a second process keeps asking for the task list. */
    private void apiLatency(String tinyId) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        int seconds = 600;
        Process load = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LoadGenerator.class.getName(), api.url("/tasks?size=20"), "4", "25", Integer.toString(seconds),
                api.tokenFile().toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("load.out").toFile()).start();
        say("API latency under a steady 100 GET /tasks per second from a second process");
        try {
            Thread.sleep(2000);
            Stats accept = new Stats();
            Stats toRunning = new Stats();
            int posts = Math.max(5, reps * 7);
            for (int i = 0; i < posts; i++) {
                long start = System.nanoTime();
                JsonNode accepted = api.backup(tinyId);
                accept.add((System.nanoTime() - start) / 1e6);
                toRunning.add(api.awaitTask(accepted.get("taskId").asText()).acceptToRunning().toNanos() / 1e6);
                // the catalogue follows the backup's events, a moment after the task's: the next manual backup of
                // the instance is accepted once the API shows this one ended
                api.awaitBackup(accepted.get("backupId").asText(), accepted.get("taskId").asText());
            }
            Stats list = new Stats();
            for (int i = 0; i < posts * 10; i++) {
                long start = System.nanoTime();
                api.tasks();
                list.add((System.nanoTime() - start) / 1e6);
                Thread.sleep(10);
            }
            apiFigures.put("postBackupsMs", percentiles(accept));
            apiFigures.put("getTasksMs", percentiles(list));
            apiFigures.put("acceptToRunningMs", percentiles(toRunning));
            rows.add(new Row("API: POST .../backups accepted, p50 (ms)", single(accept.percentile(50)), null, ""));
            rows.add(new Row("API: POST .../backups accepted, p99 (ms)", single(accept.percentile(99)), null, ""));
            rows.add(new Row("API: GET /tasks, p50 (ms)", single(list.percentile(50)), null, ""));
            rows.add(new Row("API: GET /tasks, p99 (ms)", single(list.percentile(99)), null, ""));
            Map<String, Double> tokenCheck = api.tokenCheckMicros();
            apiFigures.put("tokenCheckMeanMicros", tokenCheck);
            rows.add(new Row("API: token check from memory, mean (us)", single(tokenCheck.get("memory")), null,
                    "adds <= 1 ms to GET /tasks p50"));
            rows.add(new Row("API: token check from the database, mean (us)", single(tokenCheck.get("database")), null,
                    "at most once per token every 0.5 s"));
            rows.add(new Row("API: accepted to RUNNING, p50 (ms)", single(toRunning.percentile(50)), null, ""));
            rows.add(new Row("API: accepted to RUNNING, p99 (ms)", single(toRunning.percentile(99)), null, ""));
        } finally {
            load.destroy();
            load.waitFor();
            String counts = Files.readString(work.resolve("load.out")).strip();
            apiFigures.put("backgroundLoad", "GET /tasks from a second process, 4 clients x 25/s; done and failed: " + counts);
        }
    }

    private static Map<String, Object> percentiles(Stats stats) {
        return Map.of("p50", Stats.round(stats.percentile(50)), "p99", Stats.round(stats.percentile(99)),
                "runs", stats.count());
    }

    private static Stats single(double value) {
        Stats stats = new Stats();
        stats.add(value);
        return stats;
    }

    /** Peak resident memory (VmHWM) of the two workers so far, in MiB. */
    private Map<String, Object> workerMemory() throws IOException {
        return Map.of("backupWorkerPeakRssMiB", peakRssMiB(backupWorkerPid), "restoreWorkerPeakRssMiB",
                peakRssMiB(restoreWorkerPid));
    }

    static long peakRssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        throw new IOException("No VmHWM for process " + pid);
    }

    /** The floor's input: {@code RESTORE key ttl payload REPLACE} for every key, as RESP, from {@code DUMP}. */
    private static Path restoreCommands(RedisProcess source, Path file) throws IOException {
        try (Jedis jedis = source.connect();
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<byte[]> page = jedis.scan(cursor.getBytes(), new ScanParams().count(1000));
                cursor = page.getCursor();
                Pipeline pipeline = jedis.pipelined();
                List<Response<byte[]>> dumps = new ArrayList<>();
                List<Response<Long>> ttls = new ArrayList<>();
                for (byte[] key : page.getResult()) {
                    dumps.add(pipeline.dump(key));
                    ttls.add(pipeline.pttl(key));
                }
                pipeline.sync();
                for (int i = 0; i < page.getResult().size(); i++) {
                    long ttl = Math.max(0, ttls.get(i).get());
                    resp(out, "RESTORE".getBytes(), page.getResult().get(i), Long.toString(ttl).getBytes(),
                            dumps.get(i).get(), "REPLACE".getBytes());
                }
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        return file;
    }

    private static void resp(OutputStream out, byte[]... args) throws IOException {
        out.write(("*" + args.length + "\r\n").getBytes());
        for (byte[] arg : args) {
            out.write(("$" + arg.length + "\r\n").getBytes());
            out.write(arg);
            out.write("\r\n".getBytes());
        }
    }

    /** One timed run of a side of a comparison: ours, or the floor's. */
    interface Run {
        void run() throws Exception;
    }

    /**
     * Repetition {@code rep} of a comparison: the floor's run and ours, the floor first in even repetitions and ours
     * first in odd ones (floor, ours, ours, floor, floor, ours, ...). The machine's speed drifts during a benchmark on
     * two shared cores (by a fifth and more within minutes); were the floor always first, each of our runs would come
     * later than its floor's in that drift, which a steady slowing would count against us and a steady quickening
     * for us. Taking turns puts both sides at the same times on average, whichever way the machine drifts.
     */
    static void inTurn(int rep, Run floor, Run ours) throws Exception {
        if (rep % 2 == 0) {
            floor.run();
            ours.run();
        } else {
            ours.run();
            floor.run();
        }
    }

    /** Runs a command to its end, its standard input from {@code input} if given; its wall time in ms. */
    static double timedProcess(List<String> command, Path input) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (input != null) {
            builder.redirectInput(input.toFile());
        }
        long start = System.nanoTime();
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        int exit = process.waitFor();
        double millis = (System.nanoTime() - start) / 1e6;
        String text = new String(output, StandardCharsets.UTF_8);
        if (exit != 0 || text.contains("ERR") || text.contains("errors: 1") || text.matches("(?s).*errors: [1-9].*")) {
            throw new IllegalStateException(String.join(" ", command.subList(0, 1)) + " failed: " + text);
        }
        return millis;
    }

    private void report(Instant started, Path out) throws IOException {
        StringBuilder table = new StringBuilder(table(rows, 72));
        table.append(String.format("%nthe backup of %d keys: an RDB of %.1f MB, stored in %.1f MB (%.2f of the RDB;"
                + " its key index included)%n", keys, rdbBytes / 1e6, storedBytes / 1e6,
                rdbBytes == 0 ? 0 : (double) storedBytes / rdbBytes));
        table.append(String.format("worker peak RSS (MiB) after %d keys: %s; after %d keys: %s%n", small,
                memory.get("afterSmall"), keys, memory.get("afterFull")));
        table.append("API load: ").append(apiFigures.get("backgroundLoad")).append('\n');
        table.append(ProcessCpu.atRestLine(atRest));
        System.out.print(table);

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("startedAt", started.toString());
        json.put("finishedAt", Instant.now().toString());
        json.put("keys", keys);
        json.put("rdbBytes", rdbBytes);
        json.put("storedBytes", storedBytes);
        // the store's settings this run changed from the defaults (compression, encryption, frame size), keys left out
        json.put("storeSettings", new java.util.TreeMap<>(System.getenv().entrySet().stream()
                .filter(e -> e.getKey().startsWith("BACKUP_STORE_") && !e.getKey().contains("KEYS")
                        && !e.getKey().contains("SECRET"))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))));
        json.put("smallKeys", small);
        json.put("repetitions", reps);
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("rows", json(rows));
        json.put("workerPeakRss", memory);
        json.put("api", apiFigures);
        json.put("atRestCpuMillisPerSecondByPart", atRest);
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
        say("written to " + out);
    }

    /**
     * {@code redis-cli --rdb} of every server, {@code parallel} at a time, each into a file of {@code work} removed
     * after: the wall time until the last has its RDB, in ms.
     */
    static double redisCliRdbOfEach(List<RedisProcess> servers, int parallel, Path work) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallel);
        try {
            long start = System.nanoTime();
            List<java.util.concurrent.Future<Double>> runs = new ArrayList<>();
            for (int i = 0; i < servers.size(); i++) {
                Path file = work.resolve("floor-" + i + ".rdb");
                RedisProcess redis = servers.get(i);
                runs.add(pool.submit(() -> timedProcess(redis.cli("--rdb", file.toString()), null)));
            }
            for (java.util.concurrent.Future<Double> run : runs) {
                run.get();
            }
            double millis = (System.nanoTime() - start) / 1e6;
            for (int i = 0; i < servers.size(); i++) {
                Files.deleteIfExists(work.resolve("floor-" + i + ".rdb"));
            }
            return millis;
        } finally {
            pool.shutdown();
        }
    }

    /** The rows as the table a run prints: the measure, our figures, the floor's, their ratio and the target. */
    static String table(List<Row> rows, int width) {
        StringBuilder table = new StringBuilder(String.format("%n%-" + width + "s %26s %26s %6s  %s%n", "measure",
                "ours min/median/max", "floor min/median/max", "ratio", "target"));
        for (Row row : rows) {
            table.append(String.format("%-" + width + "s %26s %26s %6s  %s%n", row.measure(), figures(row.ours()),
                    row.floor() == null ? "" : figures(row.floor()), row.ratio() == null ? "" : row.ratio(),
                    row.target()));
        }
        for (Row row : rows) {
            if (row.ratio() != null && !row.target().isEmpty()) {
                table.append(String.format("each repetition, ours / the floor's run beside it, %s: %s%n",
                        row.measure().replace(" (ms)", "").strip(), row.pairedRatios()));
            }
        }
        return table.toString();
    }

    /** The rows as a run's JSON file holds them. */
    static List<Map<String, Object>> json(List<Row> rows) {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (Row row : rows) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("measure", row.measure());
            line.put("ours", row.ours().json());
            if (row.floor() != null) {
                line.put("floor", row.floor().json());
                line.put("ratio", row.ratio());
            }
            line.put("target", row.target());
            lines.add(line);
        }
        return lines;
    }

    static String figures(Stats stats) {
        return String.format("%.0f / %.0f / %.0f", stats.min(), stats.median(), stats.max());
    }

    private static void say(String text) {
        System.out.println("bench: " + text);
    }
}
