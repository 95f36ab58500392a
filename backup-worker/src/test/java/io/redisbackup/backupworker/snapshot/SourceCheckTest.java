package io.redisbackup.backupworker.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The rules that keep a snapshot from hurting its source, on what servers say of themselves. */
class SourceCheckTest {

    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;

    static Map<String, String> memory(long used, long rss, long machine, long maxmemory) {
        return Map.of("used_memory", Long.toString(used), "used_memory_rss", Long.toString(rss),
                "total_system_memory", Long.toString(machine), "maxmemory", Long.toString(maxmemory));
    }

    @Test
    void aForkThatFitsBesideTheServerInItsMachineIsLetThrough() {
        assertTrue(SourceCheck.forkMemory(memory(8 * GIB, 9 * GIB, 16 * GIB, 0), null, 0.25).isEmpty());
        // exactly full: 9 + 2 = 11 of 11
        assertTrue(SourceCheck.forkMemory(memory(8 * GIB, 9 * GIB, 11 * GIB, 0), null, 0.25).isEmpty());
    }

    @Test
    void aForkThatWouldNotFitIsRefusedWithTheFiguresAndWhatToDo() {
        SnapshotFailure failure = SourceCheck.forkMemory(memory(8 * GIB, 9 * GIB, 10 * GIB, 9 * GIB), null, 0.25)
                .orElseThrow();
        assertEquals(SnapshotFailure.SOURCE_MEMORY_LOW, failure.code());
        String message = failure.getMessage();
        assertTrue(message.contains("9216.0 MiB (used_memory_rss)"), message);
        assertTrue(message.contains("the 10.0 GiB of its machine (total_system_memory)"), message);
        assertTrue(message.contains("up to 2048.0 MiB more (25% of its 8192.0 MiB of data)"), message);
        assertTrue(message.contains("maxmemory (now 9216.0 MiB)"), message);
    }

    @Test
    void theOwnersLimitCountsWhenItIsBelowTheMachineTheServerSees() {
        // a container of 4 GiB on a host of 64 GiB: the server sees the host
        Map<String, String> info = memory(3 * GIB, 3 * GIB + 512 * MIB, 64 * GIB, 0);
        assertTrue(SourceCheck.forkMemory(info, null, 0.25).isEmpty());
        SnapshotFailure failure = SourceCheck.forkMemory(info, 4 * GIB, 0.25).orElseThrow();
        assertTrue(failure.getMessage().contains("(the instance's memoryLimitBytes)"), failure.getMessage());
        // and the machine counts when it is the smaller
        assertTrue(SourceCheck.forkMemory(memory(3 * GIB, 3 * GIB, 3 * GIB, 0), 64 * GIB, 0.25).isPresent());
    }

    @Test
    void whatCannotBeWeighedIsLetThrough() {
        // a server that does not say its machine's memory (0), nor its RSS; no reserve asked for; odd figures
        assertTrue(SourceCheck.forkMemory(memory(8 * GIB, 0, 0, 0), null, 0.25).isEmpty());
        assertTrue(SourceCheck.forkMemory(memory(8 * GIB, 9 * GIB, 9 * GIB, 0), null, 0).isEmpty());
        assertTrue(SourceCheck.forkMemory(Map.of("used_memory", "lots", "total_system_memory", "-5"), null, 0.25)
                .isEmpty());
        assertTrue(SourceCheck.forkMemory(Map.of(), null, 0.25).isEmpty());
        // an RSS below used memory (swapped out) counts as the used memory
        assertTrue(SourceCheck.forkMemory(memory(8 * GIB, GIB, 9 * GIB, 0), null, 0.25).isPresent());
    }

    @Test
    void readsTheReplicaBufferLimitAsRedisWritesIt() {
        assertEquals(Optional.of(new SourceCheck.BufferLimit(268435456, 67108864, 60)), SourceCheck.BufferLimit
                .parse("normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"));
        assertEquals(Optional.of(new SourceCheck.BufferLimit(MIB, 512 * 1024, 10)),
                SourceCheck.BufferLimit.parse("replica 1mb 512kb 10"));
        assertEquals(Optional.of(new SourceCheck.BufferLimit(2 * GIB, 0, 0)),
                SourceCheck.BufferLimit.parse(" normal 0 0 0  replica 2gb 0 0 "));
        assertEquals(Optional.empty(), SourceCheck.BufferLimit.parse("normal 0 0 0 pubsub 1 1 1"));
        assertEquals(Optional.empty(), SourceCheck.BufferLimit.parse("slave lots 0 0"));
        assertEquals(Optional.empty(), SourceCheck.BufferLimit.parse("slave 1 2"));
        assertEquals(Optional.empty(), SourceCheck.BufferLimit.parse(null));
        assertEquals(Optional.empty(), SourceCheck.BufferLimit.parse("slave 99999999999gb 0 0"));
    }

    @Test
    void writesThatWouldPassTheHardLimitDuringTheTransferAreRefused() {
        SourceCheck.BufferLimit redisDefault = new SourceCheck.BufferLimit(256 * MIB, 64 * MIB, 60);
        // 2 MiB/s of writes for 100 s: 200 MiB, under the hard limit, but over the soft one for 68 s
        SnapshotFailure soft = SourceCheck.replicaBuffer(redisDefault, 2 * MIB, 100).orElseThrow();
        assertEquals(SnapshotFailure.SOURCE_BUFFER_LIMIT, soft.code());
        assertTrue(soft.getMessage().contains("soft limit of 64.0 MiB for 60 s"), soft.getMessage());
        // the same for 90 s: over the soft limit for 58 s only, under the hard one
        assertTrue(SourceCheck.replicaBuffer(redisDefault, 2 * MIB, 90).isEmpty());
        // 10 MiB/s for 30 s: 300 MiB, past the hard limit at once
        SnapshotFailure hard = SourceCheck.replicaBuffer(redisDefault, 10 * MIB, 30).orElseThrow();
        assertTrue(hard.getMessage().contains("hard limit of 256.0 MiB"), hard.getMessage());
        assertTrue(hard.getMessage().contains("rdb-only"), hard.getMessage());
    }

    @Test
    void noLimitNoWritesOrNoTimeIsNoHazard() {
        assertTrue(SourceCheck.replicaBuffer(new SourceCheck.BufferLimit(0, 0, 0), 100 * MIB, 1000).isEmpty());
        assertTrue(SourceCheck.replicaBuffer(new SourceCheck.BufferLimit(MIB, MIB, 1), 0, 1000).isEmpty());
        assertTrue(SourceCheck.replicaBuffer(new SourceCheck.BufferLimit(MIB, MIB, 1), 100 * MIB, 0).isEmpty());
    }
}
