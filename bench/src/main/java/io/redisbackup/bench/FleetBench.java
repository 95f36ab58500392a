package io.redisbackup.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import redis.clients.jedis.Jedis;

/**
 * A fleet backed up at once: many small instances, every one's backup asked for in the same moment (as when all are
 * due in the same hour), timed from the first request to the last backup published, side by side with the same
 * number of {@code redis-cli --rdb} run with the worker's parallelism; then the same with a second backup worker
 * process ({@code ./stack scale backup-worker 2}). Every backup must succeed. The stack's first fleet after it
 * started is timed apart first. Beside each time, the machine's idle share of its CPU over that run
 * ({@code /proc/stat}): near 0 when a run is bound by the cores, not by waiting; and what each part of the machine
 * spent of it, per backup ({@link ProcessCpu}): whose CPU the ratio is.
 */
public final class FleetBench {

    private final Api api;
    private final TaskEvents events;
    private final Path work;
    private final int instances;
    private final int keys;
    private final int reps;
    private final int parallelism;
    private final String scaleCommand;
    private final Path stackRun;
    private final List<Bench.Row> rows = new ArrayList<>();
    private final Map<String, Object> memory = new LinkedHashMap<>();
    /** The machine's idle share of its CPU time during each timed run, per row: how far each is bound by CPU. */
    private final Map<String, Map<String, Stats>> idle = new LinkedHashMap<>();
    /** What each part of the stack spent a second at rest after the first fleet ({@link ProcessCpu#atRest}). */
    private Map<String, Double> atRest = Map.of();
    /** Per row, ours and the floor: the CPU each part of the machine spent a backup, in ms ({@link ProcessCpu}). */
    private final Map<String, Map<String, Map<String, Long>>> cpu = new LinkedHashMap<>();
    /** Per row, the API requests the benchmark made during our timed runs, per backup. */
    private final Map<String, Stats> requests = new LinkedHashMap<>();

    private FleetBench(Map<String, String> options) throws IOException {
        this.events = new TaskEvents(options.get("kafka"));
        this.api = new Api(options.get("api"), Path.of(options.get("token-file")), events);
        this.work = Path.of(options.get("work"));
        this.instances = Integer.parseInt(options.getOrDefault("instances", "50"));
        this.keys = Integer.parseInt(options.getOrDefault("keys", "20000"));
        this.reps = Integer.parseInt(options.getOrDefault("reps", "5"));
        this.parallelism = Integer.parseInt(options.get("parallelism"));
        this.scaleCommand = options.get("scale-command");
        this.stackRun = Path.of(options.get("stack-run"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Bench.options(args);
        FleetBench bench = new FleetBench(options);
        Instant started = Instant.now();
        try (TaskEvents events = bench.events) {
            bench.run();
        }
        bench.report(started, Path.of(options.get("out")));
    }

    private void run() throws Exception {
        Files.createDirectories(work);
        List<RedisProcess> fleet = new ArrayList<>();
        try {
            say("starting " + instances + " instances of " + keys + " keys ...");
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                RedisProcess redis = RedisProcess.start(work, "fleet-" + i);
                fleet.add(redis);
                try (Jedis jedis = redis.connect()) {
                    jedis.configSet("repl-diskless-sync-delay", "0");
                    Dataset.load(jedis, keys);
                }
                ids.add(api.register("fleet-" + i, redis));
            }
            // the stack's first fleet after it started is timed apart, not against the floor: its services compile
            // their paths during it (the light ones with the quick compiler only), as a stack in service has done
            Stats first = new Stats();
            first.add(whileIdleIsRead(idleShares("firstAfterStart").get("ours"),
                    cpuShares("firstAfterStart").get("ours"), 1, () -> fleetBackup(ids, "firstAfterStart")));
            rows.add(new Bench.Row(instances + " instances of " + keys + " keys, the stack's first after it started "
                    + "(ms)", first, null, "not in the ratio: the services' compilers warm up"));
            atRest = ProcessCpu.atRest();
            Stats floor = new Stats();
            Stats one = new Stats();
            Map<String, Stats> idleOne = idleShares("oneWorker");
            Map<String, Map<String, Long>> cpuOne = cpuShares("oneWorker");
            for (int r = 0; r < reps; r++) {
                Bench.inTurn(r, () -> floor.add(whileIdleIsRead(idleOne.get("floor"), cpuOne.get("floor"), reps,
                        () -> Bench.redisCliRdbOfEach(fleet, parallelism, work))),
                        () -> one.add(whileIdleIsRead(idleOne.get("ours"), cpuOne.get("ours"), reps,
                                () -> fleetBackup(ids, "oneWorker"))));
            }
            memory.put("oneWorker", peakRss("backup-worker"));
            rows.add(new Bench.Row(instances + " instances of " + keys + " keys, one backup worker (ms)", one, floor,
                    "<= 1.3 x " + instances + " redis-cli --rdb, " + parallelism + " at a time"));

            say("a second backup worker process: " + scaleCommand + " 2");
            Bench.timedProcess(List.of("bash", "-c", scaleCommand + " 2"), null);
            Stats floorTwo = new Stats();
            Stats two = new Stats();
            Map<String, Stats> idleTwo = idleShares("twoWorkers");
            Map<String, Map<String, Long>> cpuTwo = cpuShares("twoWorkers");
            for (int r = 0; r < reps; r++) {
                Bench.inTurn(r, () -> floorTwo.add(whileIdleIsRead(idleTwo.get("floor"), cpuTwo.get("floor"), reps,
                        () -> Bench.redisCliRdbOfEach(fleet, 2 * parallelism, work))),
                        () -> two.add(whileIdleIsRead(idleTwo.get("ours"), cpuTwo.get("ours"), reps,
                                () -> fleetBackup(ids, "twoWorkers"))));
            }
            memory.put("twoWorkers", List.of(peakRss("backup-worker"), peakRss("backup-worker-2")));
            rows.add(new Bench.Row("  the same, two backup worker processes (ms)", two, floorTwo,
                    "throughput beside one; floor " + 2 * parallelism + " at a time"));
            Bench.timedProcess(List.of("bash", "-c", scaleCommand + " 1"), null);
        } finally {
            fleet.forEach(RedisProcess::close);
        }
    }

    private Map<String, Stats> idleShares(String row) {
        Map<String, Stats> shares = new LinkedHashMap<>();
        shares.put("ours", new Stats());
        shares.put("floor", new Stats());
        idle.put(row, shares);
        return shares;
    }

    private Map<String, Map<String, Long>> cpuShares(String row) {
        Map<String, Map<String, Long>> shares = new LinkedHashMap<>();
        shares.put("ours", new TreeMap<>());
        shares.put("floor", new TreeMap<>());
        cpu.put(row, shares);
        return shares;
    }

    /**
     * A timed run, in ms; the machine's idle share (%) over it goes to {@code idleShare}, and what each part of the
     * machine spent on it, per backup (ms, averaged over the {@code runs} made into the same map), to
     * {@code cpuPerBackup}.
     */
    private double whileIdleIsRead(Stats idleShare, Map<String, Long> cpuPerBackup, int runs,
            java.util.concurrent.Callable<Double> run) throws Exception {
        long[] before = cpuTimes();
        Map<String, Long> parts = new TreeMap<>();
        double millis = ProcessCpu.adding(parts, run);
        long[] after = cpuTimes();
        long total = after[0] - before[0];
        idleShare.add(total == 0 ? 0 : 100.0 * (after[1] - before[1]) / total);
        parts.forEach((part, spent) -> cpuPerBackup.merge(part, spent / ((long) runs * instances), Long::sum));
        return millis;
    }

    /** The machine's CPU time so far, all of it and idle (with waiting for I/O), from {@code /proc/stat}. */
    private static long[] cpuTimes() throws IOException {
        String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < Math.min(fields.length, 9); i++) { // user nice system idle iowait irq softirq steal
            total += Long.parseLong(fields[i]);
        }
        return new long[] { total, Long.parseLong(fields[4]) + Long.parseLong(fields[5]) };
    }

    /**
     * Every instance's backup asked for at once; the time until the last is published, in ms. How many requests the
     * benchmark made meanwhile, per backup, goes to the {@code row}'s figures: what it asked of the stack it times.
     */
    private double fleetBackup(List<String> ids, String row) throws Exception {
        long start = System.nanoTime();
        long requestsBefore = api.requests();
        List<JsonNode> accepted = new ArrayList<>();
        for (String id : ids) {
            accepted.add(api.backup(id));
        }
        for (JsonNode task : accepted) {
            api.awaitBackup(task.get("backupId").asText(), task.get("taskId").asText());
        }
        double millis = (System.nanoTime() - start) / 1e6;
        requests.computeIfAbsent(row, r -> new Stats()).add((api.requests() - requestsBefore) / (double) ids.size());
        for (JsonNode task : accepted) {
            api.awaitTask(task.get("taskId").asText()); // SUCCEEDED, or the run fails
        }
        return millis;
    }

    /** Peak RSS in MiB of a worker process ./stack started (its JVM). */
    private long peakRss(String name) throws IOException {
        long pid = Long.parseLong(Files.readString(stackRun.resolve(name + ".pid")).strip());
        if (!Files.readString(Path.of("/proc/" + pid + "/cmdline")).contains("java")) {
            pid = Long.parseLong(new String(new ProcessBuilder("pgrep", "-P", Long.toString(pid)).start()
                    .getInputStream().readAllBytes()).lines().findFirst().orElseThrow().strip());
        }
        return Bench.peakRssMiB(pid);
    }

    private void report(Instant started, Path out) throws IOException {
        StringBuilder table = new StringBuilder(Bench.table(rows, 60));
        Bench.Row one = rows.get(1);
        Bench.Row two = rows.get(2);
        double perMinuteOne = instances / (one.ours().median() / 60_000);
        double perMinuteTwo = instances / (two.ours().median() / 60_000);
        table.append(String.format("throughput: %.0f backups a minute with one worker, %.0f with two (%.2f x)%n",
                perMinuteOne, perMinuteTwo, perMinuteTwo / perMinuteOne));
        table.append("backup worker peak RSS (MiB): ").append(memory).append('\n');
        idle.forEach((row, shares) -> shares.forEach((side, share) -> {
            if (!share.isEmpty()) {
                table.append(String.format("the machine's idle CPU, %s, %s (median %%): %.0f (near 0: bound by the "
                        + "2 cores)%n", row, side, share.median()));
            }
        }));
        cpu.forEach((row, shares) -> shares.forEach((side, parts) -> {
            if (!parts.isEmpty()) {
                table.append(String.format("CPU a backup by part, %s, %s (ms): %s, %d in all%n", row, side, parts,
                        sum(parts)));
            }
        }));
        table.append(ProcessCpu.atRestLine(atRest));
        requests.forEach((row, perBackup) -> table.append(String.format(
                "API requests the benchmark made while timed, %s: %.1f a backup (median)%n", row, perBackup.median())));
        System.out.print(table);

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("startedAt", started.toString());
        json.put("finishedAt", Instant.now().toString());
        json.put("instances", instances);
        json.put("keysPerInstance", keys);
        json.put("workerConcurrency", parallelism);
        json.put("repetitions", reps);
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("rows", Bench.json(rows));
        json.put("backupsPerMinute", Map.of("oneWorker", Math.round(perMinuteOne), "twoWorkers",
                Math.round(perMinuteTwo)));
        json.put("backupWorkerPeakRss", memory);
        Map<String, Object> idleJson = new LinkedHashMap<>();
        idle.forEach((row, shares) -> {
            Map<String, Object> sides = new LinkedHashMap<>();
            shares.forEach((side, share) -> {
                if (!share.isEmpty()) {
                    sides.put(side, share.json());
                }
            });
            idleJson.put(row, sides);
        });
        json.put("machineIdleCpuPercent", idleJson);
        json.put("cpuPerBackupMillisByPart", cpu);
        json.put("atRestCpuMillisPerSecondByPart", atRest);
        Map<String, Object> requestsJson = new LinkedHashMap<>();
        requests.forEach((row, perBackup) -> requestsJson.put(row, perBackup.json()));
        json.put("apiRequestsPerBackup", requestsJson);
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
        say("written to " + out);
    }

    private static long sum(Map<String, Long> millis) {
        return millis.values().stream().mapToLong(Long::longValue).sum();
    }

    private static void say(String text) {
        System.out.println("fleet: " + text);
    }
}
