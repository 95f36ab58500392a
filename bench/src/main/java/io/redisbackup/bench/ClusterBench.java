package io.redisbackup.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/**
 * A Redis Cluster of three masters holding the benchmark's dataset: our backup of it (every shard at once) beside
 * the three {@code redis-cli --rdb} run in parallel, one per master (the floor is the slowest, that is the wall time
 * of all three), after the stack's first backup, timed apart, and backups of a one-key instance that warm the
 * services' bookkeeping; a KEYS recovery of 100 keys routed by slot; and
 * INSTANCE recoveries into a cluster of three masters and one of four, each checked key by key against the source
 * ({@link BenchCluster#digest}). Beside the backups, what each part of the machine spent of its CPU on them.
 */
public final class ClusterBench {

    /** How many backups of a one-key instance come before the timed ones ({@link #bookkeepingBackups}). */
    private static final int BOOKKEEPING_BACKUPS = 60;

    private final Api api;
    private final TaskEvents events;
    private final Path work;
    private final int keys;
    private final int reps;
    private final List<Bench.Row> rows = new ArrayList<>();
    private final Map<String, Object> facts = new LinkedHashMap<>();
    /** The CPU each part of the machine spent a backup, ours and the floor's, in ms ({@link ProcessCpu}). */
    private final Map<String, Map<String, Long>> cpu = new LinkedHashMap<>();

    private ClusterBench(Map<String, String> options) throws Exception {
        this.events = new TaskEvents(options.get("kafka"));
        this.api = new Api(options.get("api"), Path.of(options.get("token-file")), events);
        this.work = Path.of(options.get("work"));
        this.keys = Integer.parseInt(options.getOrDefault("keys", "1000000"));
        this.reps = Integer.parseInt(options.getOrDefault("reps", "5"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Bench.options(args);
        ClusterBench bench = new ClusterBench(options);
        Instant started = Instant.now();
        try (TaskEvents events = bench.events) {
            bench.run();
        }
        bench.report(started, Path.of(options.get("out")));
    }

    private void run() throws Exception {
        Files.createDirectories(work);
        try (BenchCluster source = BenchCluster.start(work, "source", 3)) {
            say("loading " + keys + " keys into a cluster of 3 masters ...");
            try (JedisCluster client = source.client()) {
                Dataset.load(client::pipelined, keys);
            }
            String sourceDigest = source.digest();
            facts.put("dataset", sourceDigest);
            String id = api.registerCluster("cluster-source", source);

            // the stack's first backup after it started is timed apart, as the fleet's first is: the services
            // compile their paths during it (the light ones with the quick compiler only), as a stack in service has
            Stats first = new Stats();
            Map<String, Long> firstCpu = new TreeMap<>();
            List<String> backups = new ArrayList<>();
            backups.add(ProcessCpu.adding(firstCpu, () -> api.timedBackup(id, first, null)));
            rows.add(new Bench.Row("cluster backup, the stack's first after it started (ms)", first, null,
                    "not in the ratio: the services' compilers warm up"));
            cpu.put("firstAfterStart", firstCpu);
            rows.add(new Bench.Row("  then " + BOOKKEEPING_BACKUPS + " backups of a one-key instance, each (ms)",
                    bookkeepingBackups(), null, "not in the ratio: the services' bookkeeping compiled, as in service"));
            facts.put("atRestCpuMillisPerSecondByPart", ProcessCpu.atRest());
            Stats floor = new Stats();
            Stats ours = new Stats();
            Stats worker = new Stats();
            Map<String, Long> floorCpu = new TreeMap<>();
            Map<String, Long> ourCpu = new TreeMap<>();
            for (int r = 0; r < reps; r++) {
                Bench.inTurn(r, () -> floor.add(ProcessCpu.adding(floorCpu,
                        () -> Bench.redisCliRdbOfEach(source.masters(), source.masters().size(), work))),
                        () -> backups.add(ProcessCpu.adding(ourCpu, () -> api.timedBackup(id, ours, worker))));
            }
            String backupId = backups.get(backups.size() - 1);
            // on one machine both are bound by its cores: whose CPU each took says what the ratio is made of
            cpu.put("ours", ProcessCpu.perRun(ourCpu, reps));
            cpu.put("floor", ProcessCpu.perRun(floorCpu, reps));
            rows.add(new Bench.Row("cluster backup, 3 masters, " + keys + " keys in all (ms)", ours, floor,
                    "<= 1.25 x the slowest of 3 redis-cli --rdb in parallel"));
            rows.add(new Bench.Row("  of which the backup worker (ms)", worker, floor, ""));
            JsonNode backup = api.call("GET", "/backups/" + backupId, null, 200);
            facts.put("backupSizeBytes", backup.path("sizeBytes").asLong());
            facts.put("backupStoredBytes", backup.path("storedBytes").asLong());

            keysRecovery(id, backups, source);
            for (int masters : new int[] { 3, 4 }) {
                instanceRecovery(id, backupId, masters, sourceDigest);
            }
        }
    }

    /**
     * Backups of a one-key instance, one after another: what a stack in service has long done. Every backup takes
     * the same paths through the gateway and the task center (the request, the task's rows and events, the
     * catalogue), which their quick compiler compiles once a path has run about 20 times: over the stack's 12th to
     * 16th cluster backups the gateway still spent about 40 ms of compiler CPU on each, after 60 of these 2-10. Without
     * them, the few timed backups of this run would count a fresh stack's compiling, which a floor of
     * {@code redis-cli} has none of, against ours; the fleet's 50 backups a repetition warm them by themselves.
     */
    private Stats bookkeepingBackups() throws Exception {
        Stats each = new Stats();
        try (RedisProcess tiny = RedisProcess.start(work, "bookkeeping")) {
            try (Jedis jedis = tiny.connect()) {
                jedis.configSet("repl-diskless-sync-delay", "0");
                jedis.set("key", "value");
            }
            String id = api.register("bookkeeping", tiny);
            for (int i = 0; i < BOOKKEEPING_BACKUPS; i++) {
                api.timedBackup(id, each, null);
            }
        }
        return each;
    }

    /**
     * 100 keys of the last backup, each looked up in its shard and written to the master of its slot; the first
     * {@value Api#WARM_UP} untimed ({@link Api#timedKeysRecoveries}); 100 keys from each backup before it, which no
     * recovery has opened yet; then again after {@value Api#WARMED_BY} more ({@link Api#warmKeysRecoveries}).
     */
    private void keysRecovery(String instanceId, List<String> backups, BenchCluster target) throws Exception {
        String backupId = backups.get(backups.size() - 1);
        Random random = new Random(7);
        Stats worker = api.timedKeysRecoveries(instanceId, backupId, instanceId, target.password(),
                () -> Dataset.randomKeys(random, 100, keys), Math.max(reps, 5));
        rows.add(new Bench.Row("100-key recovery into the cluster, worker time (ms)", worker, null, "< 100 ms"));
        Stats unopened = api.keysRecoveryFromEach(instanceId, backups.subList(0, backups.size() - 1), instanceId,
                target.password(), () -> Dataset.randomKeys(random, 100, keys));
        rows.add(new Bench.Row("  100 keys from a backup no recovery had opened yet, worker time (ms)", unopened,
                null, "its shards' frame tables and indexes read first"));
        Stats warm = api.warmKeysRecoveries(instanceId, backupId, instanceId, target.password(),
                () -> Dataset.randomKeys(random, 100, keys), Math.max(reps, 10));
        rows.add(new Bench.Row("  the same after " + Api.WARMED_BY + " more recoveries, worker time (ms)", warm, null,
                "a worker that has done many"));
    }

    /** The whole backup into a fresh cluster of {@code masters} masters; fails unless it holds the same dataset. */
    private void instanceRecovery(String sourceId, String backupId, int masters, String sourceDigest)
            throws Exception {
        Stats wall = new Stats();
        Stats worker = new Stats();
        try (BenchCluster target = BenchCluster.start(work, "target-" + masters, masters)) {
            String targetId = api.registerCluster("cluster-target-" + masters, target);
            for (int i = 0; i < reps; i++) {
                try (Jedis jedis = target.masters().get(0).connect()) {
                    jedis.set("only-on-the-target", "before");
                }
                long start = System.nanoTime();
                JsonNode accepted = api.recover(sourceId, Map.of("backupId", backupId, "password",
                        target.password(), "mode", "INSTANCE", "targetInstanceId", targetId, "safetyBackup", false));
                Api.Task task = api.awaitTask(accepted.get("taskId").asText());
                wall.add((System.nanoTime() - start) / 1e6);
                worker.add(task.workerTime().toNanos() / 1e6);
            }
            String digest = target.digest();
            if (!digest.equals(sourceDigest)) {
                throw new IllegalStateException("The cluster of " + masters + " masters holds " + digest
                        + " after the recovery, the source " + sourceDigest);
            }
            facts.put("recoveredInto" + masters + "Masters", digest + ": the same keys, values and expiries");
        }
        rows.add(new Bench.Row("full recovery into " + masters + " masters, " + keys + " keys (ms)", wall, null,
                "every key's DEBUG DIGEST-VALUE and expiry as in the source"));
        rows.add(new Bench.Row("  of which the restore worker (ms)", worker, null, ""));
    }

    private void report(Instant started, Path out) throws Exception {
        StringBuilder table = new StringBuilder(Bench.table(rows, 64)).append('\n').append(facts).append('\n');
        cpu.forEach((side, parts) -> table.append(String.format("CPU a cluster backup by part, %s (ms): %s, %d in "
                + "all%n", side, parts, parts.values().stream().mapToLong(Long::longValue).sum())));
        System.out.print(table);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("startedAt", started.toString());
        json.put("finishedAt", Instant.now().toString());
        json.put("keys", keys);
        json.put("repetitions", reps);
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("rows", Bench.json(rows));
        json.put("facts", facts);
        json.put("cpuPerBackupMillisByPart", cpu);
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
        say("written to " + out);
    }

    private static void say(String text) {
        System.out.println("cluster: " + text);
    }
}
